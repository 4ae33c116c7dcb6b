// FinCloud's router: Hive Gateway serving the composed supergraph in front of the identity, budget, portfolio and
// notification subgraphs. Clients speak only to it (HTTP POST/GET and graphql-transport-ws on /graphql).
//
// Start it from this folder (the gateway looks for gateway.config.ts in the working directory):
//
//   cd router && node node_modules/@graphql-hive/gateway/dist/bin.js supergraph [path/to/supergraph.graphql]
//
// (`npx --no-install hive-gateway supergraph` is the same program, started more slowly through npx.) Without a path
// the supergraph is FINCLOUD_SUPERGRAPH, else ../schema/supergraph.graphql; the file is watched and reloaded when
// it changes. The CLI also reads the generic HOST and PORT variables: leave them unset (or equal to ours).
//
// Environment:
//   FINCLOUD_ENV                   dev → GraphiQL and the landing page on, field suggestions allowed
//   FINCLOUD_ROUTER_HOST / _PORT   where to listen (127.0.0.1:4000)
//   FINCLOUD_SUPERGRAPH            the supergraph file
//   FINCLOUD_SUBGRAPH_URL_<NAME>   overrides a subgraph's URL from the supergraph (NAME = IDENTITY, BUDGET, ...)
//   FINCLOUD_SERVICE_TOKEN         secret proving to the subgraphs that a call comes from the router
//   FINCLOUD_JWKS_URL              identity's public keys (http://127.0.0.1:4001/.well-known/jwks.json)
//   FINCLOUD_JWT_ISSUER / _AUDIENCE expected `iss` / `aud` of access tokens (fincloud / fincloud)
//   FINCLOUD_CORS_ORIGINS          comma-separated browser origins allowed to call the API with credentials
//   FINCLOUD_LOG_LEVEL             debug | info | warning | error (info)
//
// What a subgraph receives from the router:
//   every HTTP request   header  x-fincloud-service-token: <FINCLOUD_SERVICE_TOKEN>
//   with a valid token   body    extensions.jwt = {payload: {<verified claims>}, token: {value: "<jwt>", prefix: "Bearer"}}
//   WebSocket            connection_init payload {serviceToken, jwt: {<verified claims>}, token: "<jwt>"}
//                        (jwt and token only when the client sent a valid token; one upstream socket per token)
// The client's own Authorization header is not passed on; a client-sent extensions.jwt is replaced or dropped.

import { generateKeyPair } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GraphQLError } from 'graphql';
// Types only from '@graphql-hive/gateway' (its defineConfig is the identity function): loading that package's
// entry point again from here adds ~0.3 s to the router's start.
import type {
  ExtractTokenFunction,
  GatewayCLIConfig,
  GetSigningKeyFunction,
  TransportEntryAdditions,
} from '@graphql-hive/gateway';
import { createRemoteJwksSigningKeyProvider } from '@graphql-mesh/plugin-jwt-auth';

const env = process.env;
const isDev = env.FINCLOUD_ENV === 'dev';

/** The router→subgraph secret. The subgraphs accept the placeholder only in dev; so does the router. */
const DEV_SERVICE_TOKEN = 'dev-service-token-change-me';
if (!env.FINCLOUD_SERVICE_TOKEN) {
  if (!isDev) throw new Error('FINCLOUD_SERVICE_TOKEN must be set outside FINCLOUD_ENV=dev');
  env.FINCLOUD_SERVICE_TOKEN = DEV_SERVICE_TOKEN;
}
// Referenced as {env.FINCLOUD_SERVICE_TOKEN} below: read from the environment per request, never interpolated.
const SERVICE_TOKEN = '{env.FINCLOUD_SERVICE_TOKEN}';

// ---------------------------------------------------------------------------------------------------------------
// Subgraphs: URL overrides, the service token, and subscriptions over WebSocket (graphql-transport-ws).

const transportEntries: TransportEntryAdditions = {
  '*': {
    headers: [['x-fincloud-service-token', SERVICE_TOKEN]],
    options: {
      // Subscriptions go over a WebSocket to the subgraph's own URL (Strawberry does not stream SSE to the router).
      subscriptions: {
        kind: 'ws',
        headers: [['x-fincloud-service-token', SERVICE_TOKEN]],
        options: {
          // Placeholders that resolve to nothing (no token) are left out of the connection_init payload.
          connectionParams: {
            serviceToken: SERVICE_TOKEN,
            jwt: '{context.jwt.payload}',
            token: '{context.jwt.token.value}',
          },
        },
      },
    },
  },
};
// FINCLOUD_SUBGRAPH_URL_BUDGET=http://10.0.0.5:4002/graphql → the "budget" subgraph is reached there instead.
const URL_PREFIX = 'FINCLOUD_SUBGRAPH_URL_';
for (const [key, url] of Object.entries(env)) {
  if (key.startsWith(URL_PREFIX) && url) {
    transportEntries[key.slice(URL_PREFIX.length).toLowerCase()] = { location: url };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Access tokens: RS256 JWTs signed by identity. No token → anonymous (subgraphs decide what is public);
// a token that fails to verify → 401.

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

/** "Bearer <jwt>" (or a bare "<jwt>") → the token; anything else is refused with 401. */
function bearer(value: string): { token: string; prefix?: string } {
  const parts = value.trim().split(/\s+/);
  const [scheme, token] = parts.length === 1 ? [undefined, parts[0]] : parts;
  if ((scheme !== undefined && scheme.toLowerCase() !== 'bearer') || parts.length > 2 || !token) {
    throw unauthenticated('Authorization must be "Bearer <access token>"');
  }
  if (!looksLikeJwt(token)) throw unauthenticated('The access token is not a JWT');
  return { token, prefix: scheme === undefined ? undefined : 'Bearer' };
}

/** header.payload.signature with JSON header and payload; the signature is checked later. */
function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  try {
    return parts.slice(0, 2).every((part) => typeof JSON.parse(Buffer.from(part, 'base64url').toString()) === 'object');
  } catch {
    return false;
  }
}

/** HTTP `Authorization: Bearer <jwt>` (also the WebSocket upgrade request's header, for non-browser clients). */
const fromAuthorizationHeader: ExtractTokenFunction = ({ request }) => {
  const header = request?.headers.get('authorization');
  return header ? bearer(header) : undefined;
};

/** graphql-transport-ws connection_init payload: {authorization: "Bearer <jwt>"} or {token: "<jwt>"}. */
const fromConnectionParams: ExtractTokenFunction = ({ serverContext }) => {
  const params = (serverContext as { connectionParams?: Record<string, unknown> }).connectionParams;
  for (const key of ['authorization', 'Authorization', 'token']) {
    const value = params?.[key];
    if (typeof value === 'string' && value.trim()) return bearer(value);
  }
  return undefined;
};

/** Identity's JWKS (cached; refetched for an unknown `kid`, at most 10 times a minute). A token naming a key that
 * identity does not publish is checked against a throwaway key, so it fails with 401 rather than a 500. */
function jwksSigningKeys(jwksUri: string): GetSigningKeyFunction {
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

// ---------------------------------------------------------------------------------------------------------------

const host = env.FINCLOUD_ROUTER_HOST || '127.0.0.1';
const port = Number(env.FINCLOUD_ROUTER_PORT || 4000);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  throw new Error(`FINCLOUD_ROUTER_PORT must be a port number, not "${env.FINCLOUD_ROUTER_PORT}"`);
}
// The gateway CLI also reads the generic HOST and PORT variables, and they win over this file: refuse to start
// rather than listen somewhere else (an explicit --host / --port on the command line wins over both).
const cliFlag = (...names: string[]) => process.argv.some((arg) => names.some((n) => arg === n || arg.startsWith(`${n}=`)));
if (env.HOST && env.HOST !== host && !cliFlag('-h', '--host')) {
  throw new Error(`HOST=${env.HOST} would override FINCLOUD_ROUTER_HOST=${host}: unset HOST or pass --host`);
}
if (env.PORT && Number(env.PORT) !== port && !cliFlag('-p', '--port')) {
  throw new Error(`PORT=${env.PORT} would override FINCLOUD_ROUTER_PORT=${port}: unset PORT or pass --port`);
}

const LOG_LEVELS = { debug: 'debug', info: 'info', warning: 'warn', warn: 'warn', error: 'error' } as const;
const logLevel = LOG_LEVELS[(env.FINCLOUD_LOG_LEVEL ?? 'info').toLowerCase() as keyof typeof LOG_LEVELS] ?? 'info';

export const gatewayConfig: GatewayCLIConfig = {
  supergraph: env.FINCLOUD_SUPERGRAPH || fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url)),
  host,
  port,
  logging: logLevel,

  transportEntries,

  jwt: {
    signingKeyProviders: [jwksSigningKeys(env.FINCLOUD_JWKS_URL || 'http://127.0.0.1:4001/.well-known/jwks.json')],
    tokenLookupLocations: [fromAuthorizationHeader, fromConnectionParams],
    tokenVerification: {
      algorithms: ['RS256'],
      issuer: env.FINCLOUD_JWT_ISSUER || 'fincloud',
      audience: env.FINCLOUD_JWT_AUDIENCE || 'fincloud',
    },
    reject: { missingToken: false, invalidToken: true },
    // Subgraphs get the verified claims and the raw token in the request body's extensions.jwt.
    forward: { payload: true, token: true, extensionsFieldName: 'jwt' },
  },

  cors: {
    origin: (env.FINCLOUD_CORS_ORIGINS ?? 'http://localhost:3000,http://127.0.0.1:3000')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    credentials: true,
  },

  // GraphiQL (the API's documentation) and the landing page only in development.
  graphiql: isDev ? { title: 'FinCloud' } : false,
  landingPage: isDev,

  // Operation limits; suggestions ("did you mean ...") would reveal the schema to a guessing client.
  maxDepth: 15,
  maxTokens: 2000,
  blockFieldSuggestions: !isDev,

  prometheus: { endpoint: '/metrics', metrics: true },
  // Built in: GET /healthcheck (the process is up) and GET /readiness (the supergraph is loaded and usable).
};
