// Request rate limits shared by every router replica: a fixed one-minute window per signed-in user (the verified
// JWT `sub`) and per client address for everyone else, counted in Redis with one atomic script.

import type { GatewayPlugin, Logger } from '@graphql-hive/gateway';
import { Redis } from 'ioredis';
import { rateLimited } from './errors.js';

const WINDOW_MS = 60_000;
const KEY_PREFIX = 'fincloud:router:rate:';

/** INCR the window's counter and start its expiry on the first hit; → [count, milliseconds left]. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export interface RateLimitOptions {
  /** Shared counters; without one each replica counts alone (and says so at start). */
  redisUrl: string | undefined;
  /** Requests a minute per signed-in user; 0 turns the limit off. */
  perUser: number;
  /** Requests a minute per client address without a valid token; 0 turns the limit off. */
  perIp: number;
  clientAddress: (context: object) => string;
  log: Logger;
}

interface Counter {
  hit(key: string): Promise<{ count: number; msLeft: number }>;
  close(): Promise<void>;
}

/** Counts GraphQL operations (each HTTP request and each WebSocket subscribe); over the limit → RATE_LIMITED. */
export function useRateLimit(options: RateLimitOptions): GatewayPlugin {
  const { perUser, perIp, log } = options;
  if (perUser <= 0 && perIp <= 0) return {};
  const counter = options.redisUrl ? redisCounter(options.redisUrl, log) : memoryCounter(log);
  let lastWarning = 0;
  return {
    async onContextBuilding({ context }) {
      const sub = (context as { jwt?: { payload?: { sub?: unknown } } }).jwt?.payload?.sub;
      const [key, limit] =
        typeof sub === 'string' && sub ? [`user:${sub}`, perUser] : [`ip:${options.clientAddress(context)}`, perIp];
      if (limit <= 0) return;
      let hit;
      try {
        hit = await counter.hit(KEY_PREFIX + key);
      } catch (err) {
        // Fail open: an outage of the limiter's Redis must not take the API down with it.
        if (Date.now() - lastWarning > 30_000) {
          lastWarning = Date.now();
          log.warn({ err }, '[rateLimit] counting failed; requests are not rate limited meanwhile');
        }
        return;
      }
      if (hit.count > limit) throw rateLimited(Math.max(1, Math.ceil(hit.msLeft / 1000)));
    },
    onDispose() {
      return counter.close();
    },
  };
}

function redisCounter(url: string, log: Logger): Counter {
  const redis = new Redis(url, { commandTimeout: 250, maxRetriesPerRequest: 1, connectionName: 'fincloud-router' });
  let lastError = 0;
  redis.on('error', (err) => {
    if (Date.now() - lastError > 30_000) {
      lastError = Date.now();
      log.warn({ err: String(err) }, '[rateLimit] Redis connection problem');
    }
  });
  return {
    async hit(key) {
      const [count, msLeft] = (await redis.eval(HIT_SCRIPT, 1, key, WINDOW_MS)) as [number, number];
      return { count, msLeft };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function memoryCounter(log: Logger): Counter {
  log.warn('[rateLimit] FINCLOUD_REDIS_URL is not set: each router replica counts rate limits on its own');
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key) {
      const now = Date.now();
      if (windows.size > 100_000) for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + WINDOW_MS };
        windows.set(key, window);
      }
      window.count += 1;
      return { count: window.count, msLeft: window.resetAt - now };
    },
    async close() {},
  };
}
