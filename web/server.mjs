// FinCloud's web server: the one address people open. It serves the app (Next.js, server-rendered with the
// visitor's data) and passes the API on to the router, so the app, its API and the session cookies share one
// origin and the router's CORS stays closed:
//
//   /graphql        → the router (HTTP POST/GET, and the WebSocket upgrade for subscriptions)
//   /downloads/*    → the router (signed download links)
//   everything else → Next.js
//
//   node server.mjs          the production build (`npm run build` first)
//   node server.mjs --dev    next dev: compiles on demand, reloads on change
//
// Environment:
//   FINCLOUD_WEB_HOST / _PORT   where to listen (127.0.0.1:3000)
//   FINCLOUD_ROUTER_URL         the router's base URL, as this server reaches it (http://127.0.0.1:4000)
//
// The router learns the visitor's address from X-Forwarded-For, which this server appends to (add this server's
// address to the router's FINCLOUD_TRUSTED_PROXIES). Browsers cannot show the httpOnly access cookie to the
// WebSocket's scripts, so a same-origin upgrade that carries the `fincloud_access` cookie (and no Authorization of
// its own) is passed on with that token as `Authorization: Bearer`: the router authenticates sockets by header or
// connection_init payload only. An upgrade from another origin never gets the cookie's token.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { createProxyServer } from 'http-proxy-3';

const { values: args } = parseArgs({ options: { dev: { type: 'boolean', default: false } } });
const dev = args.dev;
process.env.NODE_ENV ??= dev ? 'development' : 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const env = process.env;
const host = env.FINCLOUD_WEB_HOST || '127.0.0.1';
const port = Number(env.FINCLOUD_WEB_PORT || 3000);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  throw new Error(`FINCLOUD_WEB_PORT must be a port number, not "${env.FINCLOUD_WEB_PORT}"`);
}
const router = new URL(env.FINCLOUD_ROUTER_URL || 'http://127.0.0.1:4000');
if (router.protocol !== 'http:' && router.protocol !== 'https:') {
  throw new Error(`FINCLOUD_ROUTER_URL must be an http(s) URL, not "${env.FINCLOUD_ROUTER_URL}"`);
}
// The app's server-side rendering asks the router at the same address (src/lib/server-data.ts).
env.FINCLOUD_ROUTER_URL = router.origin;

const ACCESS_COOKIE = 'fincloud_access';

/** Paths that belong to the router. */
export function isApiPath(url = '/') {
  const path = url.split('?', 1)[0];
  return path === '/graphql' || path.startsWith('/downloads/');
}

/** The value of one cookie in a Cookie header, or undefined. */
export function cookieValue(header, name) {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** True for a JWT whose `exp` is still ahead (the signature is the router's to check). */
function unexpired(token) {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    return typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
  } catch {
    return false;
  }
}

/** The upgrade came from a page of this origin (browsers always send Origin on a WebSocket handshake). */
function sameOrigin(req) {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** "client" or "proxy, …, client": X-Forwarded-For with this request's peer appended, as a proxy does. */
function forwardedFor(req) {
  const peer = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  return prior ? `${prior}, ${peer}` : peer;
}

const proxy = createProxyServer({ target: router.origin, xfwd: true, ws: true, changeOrigin: false });

proxy.on('proxyReqWs', (proxyReq, req) => {
  if (req.headers.authorization || !sameOrigin(req)) return;
  const token = cookieValue(req.headers.cookie, ACCESS_COOKIE);
  if (token && unexpired(token)) proxyReq.setHeader('authorization', `Bearer ${token}`);
});

/** The router is down or restarting: a GraphQL-shaped 502 the app can show, or a closed socket it retries. */
function routerUnavailable(err, req, res) {
  // A browser closing its WebSocket (a tab closed) resets the upstream socket: nothing to report.
  const closedByClient = !(res && 'writeHead' in res) && ['ECONNRESET', 'EPIPE'].includes(err.code);
  if (!closedByClient) console.error(`fincloud web: ${req.method} ${req.url} → router at ${router.origin}: ${err.code ?? err.message}`);
  if (res && 'writeHead' in res) {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
    }
    res.end(
      JSON.stringify({
        errors: [{ message: 'The FinCloud API is not reachable.', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      }),
    );
  } else {
    res?.destroy?.();
  }
}
proxy.on('error', routerUnavailable);

const { default: next } = await import('next');
const app = next({ dev, dir: import.meta.dirname, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
const upgradeNext = app.getUpgradeHandler();

const server = createServer((req, res) => {
  if (isApiPath(req.url)) return proxy.web(req, res);
  // Server rendering asks the router on the visitor's behalf: pass on who the visitor is.
  req.headers['x-forwarded-for'] = forwardedFor(req);
  return handle(req, res);
});

server.on('upgrade', (req, socket, head) => {
  if (isApiPath(req.url)) return proxy.ws(req, socket, head);
  // next dev's hot reloading.
  return upgradeNext(req, socket, head);
});

server.listen(port, host, () => {
  console.log(`fincloud web: http://${host}:${port} (${dev ? 'next dev' : 'production build'}), API → ${router.origin}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    proxy.close();
    process.exit(0);
  });
}
