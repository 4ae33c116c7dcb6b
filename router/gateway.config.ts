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
//   FINCLOUD_ENV                   dev → GraphiQL, the landing page, introspection, field suggestions and error
//                                  details on; anything else (test, production) → all off
//   FINCLOUD_ROUTER_HOST / _PORT   where to listen (127.0.0.1:4000)
//   FINCLOUD_SUPERGRAPH            the supergraph file
//   FINCLOUD_SUBGRAPH_URL_<NAME>   overrides a subgraph's URL from the supergraph (NAME = IDENTITY, BUDGET, ...);
//                                  identity's also locates its API-key exchange (<base URL>/internal/api-keys/exchange)
//   FINCLOUD_SERVICE_TOKEN         secret proving to the subgraphs that a call comes from the router
//   FINCLOUD_JWKS_URL              identity's public keys (http://127.0.0.1:4001/.well-known/jwks.json)
//   FINCLOUD_JWT_ISSUER / _AUDIENCE expected `iss` / `aud` of access tokens (fincloud / fincloud)
//   FINCLOUD_CORS_ORIGINS          comma-separated browser origins allowed to call the API with credentials from
//                                  another origin (none: CORS closed; the PWA is served from the API's own origin
//                                  by web/server.mjs)
//   FINCLOUD_API_KEY_CACHE_SECONDS how long a key's exchanged token is reused (60, the most: a revoked key stops
//                                  working within that time; 0 = ask identity on every request)
//   FINCLOUD_TRUSTED_PROXIES       comma-separated addresses / CIDR ranges of our reverse proxies, whose
//                                  X-Forwarded-For is believed (none); the web server (web/server.mjs) is one
//   FINCLOUD_REDIS_URL             Redis for rate-limit counters shared by all replicas (unset: per replica)
//   FINCLOUD_RATE_LIMIT_USER_PER_MINUTE   operations a minute per signed-in user (600; 0 = no limit)
//   FINCLOUD_RATE_LIMIT_IP_PER_MINUTE     operations a minute per client address without a token (300; 0 = no limit)
//                                  (under FINCLOUD_ENV=test both default to 0: the test suite sets its own)
//   FINCLOUD_MAX_DEPTH / _TOKENS / _ALIASES / _DIRECTIVES   operation limits (15 / 2000 / 15 / 20)
//   FINCLOUD_MAX_COST              estimated cost limit of an operation (10000), lists counted as
//   FINCLOUD_LIST_SIZE             items each (50, the subgraphs' default page size)
//   FINCLOUD_UPLOAD_MAX_BYTES      the largest file an upload may carry (20 MB); bigger multipart requests → 413
//   FINCLOUD_LOG_LEVEL             debug | info | warning | error (info)
//   FINCLOUD_WS_SUBSCRIPTIONS_PER_SOCKET  subscriptions on one upstream WebSocket to a subgraph (100, Strawberry's
//                                  max_subscriptions_per_connection: never more than the subgraphs accept); a token
//                                  with more gets more sockets (src/ws-pool.ts)
//   FINCLOUD_WS_SHARE_SUBSCRIPTIONS  1: identical subscriptions of one token (tabs, devices of one session) share
//                                  one upstream operation (src/multicast.ts); 0: one upstream operation each (1)
//
// Who may call what:
//   credentials      Authorization: Bearer <jwt> | Bearer fck_<API key>; WebSocket connectionParams
//                    {authorization: "Bearer …"} or {token}; else the httpOnly fincloud_access cookie (HTTP only).
//                    A header / connectionParams credential that fails → 401 UNAUTHENTICATED; a stale cookie counts
//                    as no token. An API key is exchanged at identity for a short-lived JWT (cached ≤ 60 s).
//   without a token  only sign-up / sign-in / refresh / sign-out / password reset / email verification
//                    (src/public-operations.ts); anything else → 401 UNAUTHENTICATED
//   CSRF             a POST must be JSON (or another type a browser preflights) or carry x-fincloud-csrf; GET must
//                    carry x-fincloud-csrf → else 403. File uploads (multipart/form-data) always need the header.
//   uploads          GraphQL multipart requests, forwarded to the subgraph as multipart; a declared length over
//                    FINCLOUD_UPLOAD_MAX_BYTES (+ 64 kB for the other parts) → 413, no Content-Length → 411
//   rate limits      over the limit → 429 RATE_LIMITED with Retry-After and extensions.retryAfter
//   downloads        GET /downloads/<token>/<name> needs no credential: the signed token is the permission
//                    (src/downloads.ts); it is passed to the budget subgraph, which checks it
//
// What a subgraph receives from the router:
//   every HTTP request   header  x-fincloud-service-token: <FINCLOUD_SERVICE_TOKEN>
//                        header  x-fincloud-client-ip: <the client's address>
//   identity only        header  cookie: <the client's Cookie header> (HTTP; for fincloud_refresh)
//   with a valid token   body    extensions.jwt = {payload: {<verified claims>}, token: {value: "<jwt>", prefix: "Bearer"}}
//                        (for an API key: the JWT identity exchanged it for)
//   WebSocket            connection_init payload {serviceToken, jwt: {<verified claims>}, token: "<jwt>"}
//                        (jwt and token only when the client sent a valid token; one upstream socket per token
//                        and per FINCLOUD_WS_SUBSCRIPTIONS_PER_SOCKET of its distinct subscriptions)
// The client's own Authorization header is not passed on; a client-sent extensions.jwt is replaced or dropped.
// identity's Set-Cookie headers are passed back to the client.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
// Types only from '@graphql-hive/gateway' (its defineConfig is the identity function): loading that package's
// entry point again from here adds ~0.3 s to the router's start.
import type { GatewayCLIConfig, GatewayPlugin, TransportEntryAdditions } from '@graphql-hive/gateway';
import type { Transport } from '@graphql-mesh/transport-common';
import httpTransport from '@graphql-mesh/transport-http';
import { ApiKeyExchange, exchangeUrl, MAX_CACHE_SECONDS } from './src/api-keys.js';
import { clientAddressResolver, parseTrustedProxies } from './src/client-ip.js';
import { createCredentials, jwksSigningKeys } from './src/credentials.js';
import { subgraphBaseUrl, useDownloads } from './src/downloads.js';
import { useMaskSubgraphInternals } from './src/errors.js';
import { useOperationCost } from './src/operation-cost.js';
import { usePublicOperationsOnly } from './src/public-operations.js';
import { useRateLimit } from './src/rate-limit.js';
import { useUploadLimit } from './src/uploads.js';
import { pooledWsTransport, STRAWBERRY_MAX_SUBSCRIPTIONS_PER_CONNECTION } from './src/ws-pool.js';

const env = process.env;
const isDev = env.FINCLOUD_ENV === 'dev';

/** A whole number from the environment, else the default; anything else stops the router at start. */
function intFromEnv(name: string, fallback: number, min = 0): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, not "${raw}"`);
  return value;
}

/** The router→subgraph secret. The subgraphs accept the placeholder only in dev; so does the router. */
const DEV_SERVICE_TOKEN = 'dev-service-token-change-me';
if (!env.FINCLOUD_SERVICE_TOKEN) {
  if (!isDev) throw new Error('FINCLOUD_SERVICE_TOKEN must be set outside FINCLOUD_ENV=dev');
  env.FINCLOUD_SERVICE_TOKEN = DEV_SERVICE_TOKEN;
}
// Referenced as {env.FINCLOUD_SERVICE_TOKEN} below: read from the environment per request, never interpolated.
const SERVICE_TOKEN = '{env.FINCLOUD_SERVICE_TOKEN}';

const supergraph = env.FINCLOUD_SUPERGRAPH || fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));

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

/** identity's GraphQL URL: the override, else the supergraph's routing URL for it. */
function identityUrl(): string {
  if (env.FINCLOUD_SUBGRAPH_URL_IDENTITY) return env.FINCLOUD_SUBGRAPH_URL_IDENTITY;
  try {
    const found = /@join__graph\(name:\s*"identity",\s*url:\s*"([^"]+)"\)/.exec(readFileSync(supergraph, 'utf8'));
    if (found) return found[1]!;
  } catch {
    // Not a readable file (a URL, say): fall through to the default.
  }
  return 'http://127.0.0.1:4001/graphql';
}

// ---------------------------------------------------------------------------------------------------------------
// Callers: access tokens (RS256 JWTs signed by identity), API keys, the PWA's cookie, and their addresses.

const apiKeys = new ApiKeyExchange({
  url: exchangeUrl(identityUrl()),
  serviceToken: () => env.FINCLOUD_SERVICE_TOKEN ?? '',
  cacheSeconds: Math.min(intFromEnv('FINCLOUD_API_KEY_CACHE_SECONDS', MAX_CACHE_SECONDS), MAX_CACHE_SECONDS),
});
const credentials = createCredentials({ apiKeys });
const clientAddress = clientAddressResolver(parseTrustedProxies(env.FINCLOUD_TRUSTED_PROXIES));

/** Requests that came over a WebSocket (their context carries the connection_init payload). */
const overSocket = (context: object) => (context as { connectionParams?: unknown }).connectionParams !== undefined;

// ---------------------------------------------------------------------------------------------------------------

/** Browser origins allowed to call the API from another origin, with credentials (none by default). */
const corsOrigins = (env.FINCLOUD_CORS_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);
if (corsOrigins.includes('*')) throw new Error('FINCLOUD_CORS_ORIGINS must list origins, not "*"');

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

const limits = {
  depth: intFromEnv('FINCLOUD_MAX_DEPTH', 15, 1),
  tokens: intFromEnv('FINCLOUD_MAX_TOKENS', 2000, 1),
  aliases: intFromEnv('FINCLOUD_MAX_ALIASES', 15),
  directives: intFromEnv('FINCLOUD_MAX_DIRECTIVES', 20),
  cost: intFromEnv('FINCLOUD_MAX_COST', 10_000, 1),
  listSize: intFromEnv('FINCLOUD_LIST_SIZE', 50, 1),
  // Off by default under FINCLOUD_ENV=test: the test suite sends thousands of operations from 127.0.0.1 through one
  // router; tests of the limits set them explicitly.
  userPerMinute: intFromEnv('FINCLOUD_RATE_LIMIT_USER_PER_MINUTE', env.FINCLOUD_ENV === 'test' ? 0 : 600),
  ipPerMinute: intFromEnv('FINCLOUD_RATE_LIMIT_IP_PER_MINUTE', env.FINCLOUD_ENV === 'test' ? 0 : 300),
  uploadBytes: intFromEnv('FINCLOUD_UPLOAD_MAX_BYTES', 20 * 1024 * 1024, 1),
  subscriptionsPerSocket: intFromEnv(
    'FINCLOUD_WS_SUBSCRIPTIONS_PER_SOCKET',
    STRAWBERRY_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    1,
  ),
  shareSubscriptions: intFromEnv('FINCLOUD_WS_SHARE_SUBSCRIPTIONS', 1) > 0,
};

// The transports, loaded here rather than on first use: by default the gateway imports a transport's module when the
// first operation needs it, and every operation that arrives meanwhile builds an executor (and an upstream socket) of
// its own — 50 clients subscribing at once got 50 sockets. The WebSocket one caps the subscriptions per upstream
// socket (src/ws-pool.ts). Any other kind is imported as the gateway would.
const transports: Record<string, Transport> = {
  http: httpTransport,
  ws: pooledWsTransport({ maxPerSocket: limits.subscriptionsPerSocket, share: limits.shareSubscriptions }),
};

export const gatewayConfig: GatewayCLIConfig = {
  supergraph,
  host,
  port,
  logging: logLevel,

  transportEntries,
  transports: (kind) => transports[kind] ?? import(`@graphql-mesh/transport-${kind}`),

  jwt: {
    signingKeyProviders: [jwksSigningKeys(env.FINCLOUD_JWKS_URL || 'http://127.0.0.1:4001/.well-known/jwks.json')],
    tokenLookupLocations: credentials.tokenLookupLocations,
    tokenVerification: {
      algorithms: ['RS256'],
      issuer: env.FINCLOUD_JWT_ISSUER || 'fincloud',
      audience: env.FINCLOUD_JWT_AUDIENCE || 'fincloud',
    },
    // Failures leave the request anonymous here; credentials.guard refuses the deliberate ones with a 401.
    reject: { missingToken: false, invalidToken: false },
    // Subgraphs get the verified claims and the raw token in the request body's extensions.jwt.
    forward: { payload: true, token: true, extensionsFieldName: 'jwt' },
  },
  // request.cookieStore, for the fincloud_access cookie.
  cookies: true,

  propagateHeaders: {
    fromClientToSubgraphs: ({ request, context, subgraphName }) => ({
      'x-fincloud-client-ip': clientAddress(context),
      // identity reads its fincloud_refresh cookie (tokenRefresh, logout); no other subgraph sees the cookies.
      ...(subgraphName === 'identity' && !overSocket(context) ? { cookie: request.headers.get('cookie') } : {}),
    }),
    // Set-Cookie lines one by one: headers.get('set-cookie') would join them with commas and break them.
    fromSubgraphsToClient: ({ response, subgraphName }) =>
      subgraphName === 'identity' ? { 'set-cookie': response.headers.getSetCookie() } : undefined,
  },

  // A cross-site form or "simple" fetch cannot send JSON or a custom header without a CORS preflight, so requests
  // that are neither are refused (403) before anything runs: the fincloud_access cookie cannot be ridden.
  csrfPrevention: { requestHeaders: ['x-fincloud-csrf'] },

  // File uploads (GraphQL multipart requests): parsed here and forwarded to the subgraph as multipart. The size is
  // checked by useUploadLimit below before the body is read, and again by the subgraph.
  multipart: true,

  // Closed unless origins are listed: the PWA is served from the API's own origin (web/server.mjs). An empty
  // origin list would mean "every origin" to the CORS plugin, so no list turns CORS off altogether.
  cors: corsOrigins.length > 0 ? { origin: corsOrigins, credentials: true } : false,

  // GraphiQL (the API's documentation), the landing page and introspection only in development.
  graphiql: isDev ? { title: 'FinCloud' } : false,
  landingPage: isDev,
  disableIntrospection: isDev ? undefined : { disableIf: () => true },
  // Unexpected errors become "Unexpected error." with no stack or message; dev shows the original error.
  maskedErrors: { isDev },

  // Operation limits; suggestions ("did you mean ...") would reveal the schema to a guessing client.
  maxDepth: limits.depth,
  maxTokens: limits.tokens,
  blockFieldSuggestions: !isDev,

  plugins: (ctx) => {
    apiKeys.log = ctx.log;
    return [
      // GET /downloads/<token>/<name>: files of the local object store, served by the budget subgraph (not GraphQL).
      useDownloads({
        budgetBaseUrl: subgraphBaseUrl('budget', supergraph, 'http://127.0.0.1:4002/graphql'),
        serviceToken: () => env.FINCLOUD_SERVICE_TOKEN ?? '',
        log: ctx.log,
      }),
      // Before anything reads the body: refuse an upload that is too large.
      useUploadLimit({ maxBytes: limits.uploadBytes }),
      // In this order, after the built-in JWT plugin: count the request, refuse a failed credential, then allow
      // only public operations to anonymous callers.
      useRateLimit({
        redisUrl: env.FINCLOUD_REDIS_URL || undefined,
        perUser: limits.userPerMinute,
        perIp: limits.ipPerMinute,
        clientAddress,
        log: ctx.log,
      }),
      credentials.guard,
      usePublicOperationsOnly(),
      maxAliasesPlugin({ n: limits.aliases }) as GatewayPlugin,
      maxDirectivesPlugin({ n: limits.directives }) as GatewayPlugin,
      // Not the built-in demandControl: see src/operation-cost.ts.
      useOperationCost({ maxCost: limits.cost, listSize: limits.listSize }),
      ...(isDev ? [] : [useMaskSubgraphInternals({ log: ctx.log })]),
    ];
  },

  prometheus: { endpoint: '/metrics', metrics: true },
  // Built in: GET /healthcheck (the process is up) and GET /readiness (the supergraph is loaded and usable).
};
