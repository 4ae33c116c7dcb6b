// Who is calling: the access token of a request, from (in this order) the Authorization header, the WebSocket
// connectionParams, or the PWA's `fincloud_access` cookie. API keys are traded for a token on the way.
//
// The JWT plugin runs with `reject: {missingToken: false, invalidToken: false}`, so a token that fails to verify
// leaves the request anonymous; the `guard` plugin then turns that into a 401 when the failed credential was one
// the client sent on purpose (header or connectionParams). A stale cookie does not: the browser sends it along
// unasked, and `tokenRefresh` must still work with it.

import { generateKeyPair } from 'node:crypto';
import type { ExtractTokenFunction, GatewayPlugin, GetSigningKeyFunction } from '@graphql-hive/gateway';
import { createRemoteJwksSigningKeyProvider, extractFromCookie } from '@graphql-mesh/plugin-jwt-auth';
import type { GraphQLError } from 'graphql';
import { API_KEY_PREFIX, type ApiKeyExchange } from './api-keys.js';
import { unauthenticated } from './errors.js';

export const ACCESS_COOKIE = 'fincloud_access';

type Token = { token: string; prefix?: string };

/** "Bearer <token>" (or a bare "<token>") → the token; anything else is refused. */
function bearer(value: string): Token {
  const parts = value.trim().split(/\s+/);
  const [scheme, token] = parts.length === 1 ? [undefined, parts[0]] : parts;
  if ((scheme !== undefined && scheme.toLowerCase() !== 'bearer') || parts.length > 2 || !token) {
    throw unauthenticated('Authorization must be "Bearer <access token or API key>"');
  }
  return { token, prefix: scheme === undefined ? undefined : 'Bearer' };
}

/** The claims of header.payload.signature with JSON header and payload, unverified (the signature is checked
 * later); undefined for anything else. */
function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const [header, payload] = parts.slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject(header) && isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

export interface Credentials {
  /** For `jwt.tokenLookupLocations`. */
  tokenLookupLocations: [ExtractTokenFunction, ...ExtractTokenFunction[]];
  /** Register after the JWT plugin: refuses a request whose header or connectionParams credential failed. */
  guard: GatewayPlugin;
}

export function createCredentials({ apiKeys }: { apiKeys: ApiKeyExchange }): Credentials {
  // Requests (or WebSocket operations) whose client presented a credential → why it was refused, if we know.
  const presented = new WeakMap<object, GraphQLError | null>();

  function refuse(key: object, err: unknown): never {
    presented.set(key, (err as GraphQLError) ?? null);
    throw err;
  }

  /** A credential the client sent on purpose: a JWT, or an API key exchanged for one. */
  function fromCredential(key: object, value: string): Token | Promise<Token> {
    presented.set(key, null);
    try {
      const { token, prefix } = bearer(value);
      if (token.startsWith(API_KEY_PREFIX)) {
        return apiKeys.tokenFor(token).then(
          (jwt) => ({ token: jwt, prefix: 'Bearer' }),
          (err) => refuse(key, err),
        );
      }
      const claims = unverifiedClaims(token);
      if (!claims) throw unauthenticated('The access token is not a JWT');
      // jsonwebtoken accepts a token without `exp`, which would never expire; identity always sets one.
      if (typeof claims.exp !== 'number') throw unauthenticated('The access token has no expiry (exp)');
      return { token, prefix };
    } catch (err) {
      return refuse(key, err);
    }
  }

  /** HTTP `Authorization: Bearer <jwt | fck_…>` (also a WebSocket upgrade request's header, for scripts). */
  const fromAuthorizationHeader: ExtractTokenFunction = ({ request, serverContext }) => {
    const header = request?.headers.get('authorization');
    return header ? fromCredential(request ?? serverContext, header) : undefined;
  };

  /** graphql-transport-ws connection_init payload: {authorization: "Bearer <jwt | fck_…>"} or {token: "<jwt>"}. */
  const fromConnectionParams: ExtractTokenFunction = ({ request, serverContext }) => {
    const params = (serverContext as { connectionParams?: Record<string, unknown> }).connectionParams;
    for (const name of ['authorization', 'Authorization', 'token']) {
      const value = params?.[name];
      if (typeof value === 'string' && value.trim()) return fromCredential(request ?? serverContext, value);
    }
    return undefined;
  };

  /** The PWA's httpOnly `fincloud_access` cookie, over HTTP only: a WebSocket upgrade carries the browser's cookies
   * too, even from another site's page, so sockets authenticate through connectionParams alone. A cookie that is not
   * a JWT, has expired (set aside here, before it costs a key lookup and a logged warning) or fails to verify counts
   * as no token. */
  const cookieExtractor = extractFromCookie({ name: ACCESS_COOKIE });
  const fromAccessCookie: ExtractTokenFunction = (payload) => {
    const overSocket = (payload.serverContext as { connectionParams?: unknown }).connectionParams !== undefined;
    if (overSocket || !(payload.request as { cookieStore?: unknown } | undefined)?.cookieStore) return undefined;
    return Promise.resolve(cookieExtractor(payload)).then((found) => {
      const exp = found && unverifiedClaims(found.token)?.exp;
      return typeof exp === 'number' && exp * 1000 > Date.now() ? found : undefined;
    });
  };

  const guard: GatewayPlugin = {
    onContextBuilding({ context }) {
      if ((context as { jwt?: unknown }).jwt) return;
      const key = context.request ?? context;
      if (!presented.has(key)) return;
      throw presented.get(key) ?? unauthenticated('The access token is invalid or has expired');
    },
  };

  return { tokenLookupLocations: [fromAuthorizationHeader, fromConnectionParams, fromAccessCookie], guard };
}

/** Identity's JWKS (cached; refetched for an unknown `kid`, at most 10 times a minute). A token naming a key that
 * identity does not publish is checked against a throwaway key, so it fails with 401 rather than a 500. */
export function jwksSigningKeys(jwksUri: string): GetSigningKeyFunction {
  const remote = createRemoteJwksSigningKeyProvider({ jwksUri, timeout: 5000, rateLimit: true });
  let throwaway: Promise<string> | undefined;
  return async (kid) => {
    try {
      return await remote(kid);
    } catch (err) {
      const name = (err as Error)?.name;
      if (name !== 'SigningKeyNotFoundError' && name !== 'JwksRateLimitError') throw err;
      throwaway ??= new Promise((resolve, reject) =>
        generateKeyPair('rsa', { modulusLength: 2048 }, (e, publicKey) =>
          e ? reject(e) : resolve(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
        ),
      );
      return throwaway;
    }
  };
}
