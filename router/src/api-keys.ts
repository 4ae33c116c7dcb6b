// API keys for scripts (`Authorization: Bearer fck_…`). Identity keeps only their hashes; the router trades a key
// for a short-lived access token at identity and caches that token briefly, so a revoked key stops working within a
// minute. The request then goes on exactly as if the client had sent the token itself.

import { createHash } from 'node:crypto';
import { unauthenticated, unavailable } from './errors.js';

export const API_KEY_PREFIX = 'fck_';

/** Longest an exchanged token may be reused: a revoked key keeps working at most this long. */
export const MAX_CACHE_SECONDS = 60;
/** An exchanged token is not reused in the last seconds of its life. */
const EXPIRY_MARGIN_SECONDS = 30;
/** A refused key is answered from memory this long, so a flood of bad keys does not reach identity. */
const REFUSED_CACHE_SECONDS = 30;
const MAX_ENTRIES = 10_000;
const TIMEOUT_MS = 5_000;

export interface ApiKeyExchangeOptions {
  /** identity's exchange endpoint: <identity base URL>/internal/api-keys/exchange */
  url: string;
  /** The router's service credential, read at call time. */
  serviceToken: () => string;
  /** How long an exchanged token is reused, at most MAX_CACHE_SECONDS (and never past its expiry − 30 s). */
  cacheSeconds?: number;
}

type Entry = { token: string; until: number } | { refused: true; until: number };

export class ApiKeyExchange {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<string>>();

  /** The gateway's logger, handed over once the gateway has made it (token lookup is configured before). */
  log: { error(attrs: object, msg: string): void } = { error: (attrs, msg) => console.error(msg, attrs) };

  constructor(private readonly options: ApiKeyExchangeOptions) {}

  /** The access token standing for `key` (cached), or a 401 / 503 GraphQLError. */
  async tokenFor(key: string): Promise<string> {
    const id = createHash('sha256').update(key).digest('hex');
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) {
      if ('refused' in cached) throw refused();
      return cached.token;
    }
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.exchange(id, key).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    return pending;
  }

  private async exchange(id: string, key: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fincloud-service-token': this.options.serviceToken() },
        body: JSON.stringify({ key }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      this.log.error({ err, url: this.options.url }, '[apiKeys] identity is unreachable');
      throw unavailable('API keys cannot be checked at the moment; try again shortly');
    }
    const body = (await response.json().catch(() => null)) as { token?: unknown; expires_in?: unknown } | null;
    if (response.status === 401) {
      this.remember(id, { refused: true, until: Date.now() + REFUSED_CACHE_SECONDS * 1000 });
      throw refused();
    }
    const { token, expires_in: expiresIn } = body ?? {};
    if (response.status !== 200 || typeof token !== 'string' || typeof expiresIn !== 'number') {
      // 403 here means the router and identity disagree on FINCLOUD_SERVICE_TOKEN: an operator's problem.
      this.log.error({ status: response.status, url: this.options.url }, '[apiKeys] exchange failed');
      throw unavailable('API keys cannot be checked at the moment; try again shortly');
    }
    const seconds = Math.min(expiresIn - EXPIRY_MARGIN_SECONDS, this.options.cacheSeconds ?? MAX_CACHE_SECONDS);
    if (seconds > 0) this.remember(id, { token, until: Date.now() + seconds * 1000 });
    return token;
  }

  private remember(id: string, entry: Entry): void {
    if (this.cache.size >= MAX_ENTRIES) {
      const now = Date.now();
      for (const [key, value] of this.cache) if (value.until <= now) this.cache.delete(key);
      // Still full of live entries: drop the oldest (a Map iterates in insertion order).
      for (const key of this.cache.keys()) {
        if (this.cache.size < MAX_ENTRIES) break;
        this.cache.delete(key);
      }
    }
    this.cache.delete(id);
    this.cache.set(id, entry);
  }
}

function refused() {
  return unauthenticated('The API key is invalid, expired or revoked');
}

/** The identity subgraph's base URL (its GraphQL URL without `/graphql`) → the exchange endpoint. */
export function exchangeUrl(identityGraphqlUrl: string): string {
  const base = identityGraphqlUrl.replace(/\/+$/, '').replace(/\/graphql$/, '');
  return `${base}/internal/api-keys/exchange`;
}
