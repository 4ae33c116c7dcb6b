// Subscriptions from the router to a subgraph over graphql-transport-ws, never more than a subgraph accepts on one
// socket.
//
// The stock WebSocket transport (@graphql-mesh/transport-ws) opens one upstream socket per distinct
// (URL, connectionParams, headers) — for us, one per access token — and multiplexes every subscription of that token
// onto it. Strawberry refuses the 101st operation on one socket (`max_subscriptions_per_connection`, 100 by default):
// it answers `{"type": "error", "payload": [{"message": "Subscription limit reached"}]}`, which the router can only
// report as "Unexpected error.". One person with many tabs (or a script) hit it.
//
// This transport keeps the stock one's behaviour (lazy sockets, closed after 3 s without operations) but spreads a
// token's subscriptions over as many sockets as needed: socket n of a token is opened by the n-th stock executor
// ("shard"), and a subscription goes to the first shard whose socket for that token carries fewer than
// `maxPerSocket` operations. Counts drop the moment an operation ends (which is when the client sends `complete`
// upstream; Strawberry handles a socket's messages in order, so a slot freed here is free there too).
//
// It also names what a subgraph refused, in the router's log: the client still reads "Unexpected error.". And
// identical subscriptions of one token share one upstream operation (src/multicast.ts), unless `share` is off.

import type {
  DisposableExecutor,
  Transport,
  TransportGetSubgraphExecutorOptions,
} from '@graphql-mesh/transport-common';
import { getInterpolatedHeadersFactory, getInterpolatedStringFactory } from '@graphql-mesh/string-interpolation';
import wsTransport, { type WSTransportOptions } from '@graphql-mesh/transport-ws';
import { dispose, isDisposable, makeAsyncDisposable } from '@graphql-mesh/utils';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { Multicast, operationKey } from './multicast.js';

/** Strawberry's default `max_subscriptions_per_connection`. */
export const STRAWBERRY_MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

type Log = TransportGetSubgraphExecutorOptions['log'];

/** Per key (one upstream identity), how many operations each shard's socket carries. */
export class SocketSlots {
  private readonly counts = new Map<string, number[]>();

  constructor(readonly maxPerSocket: number) {
    if (!Number.isInteger(maxPerSocket) || maxPerSocket < 1) throw new Error('maxPerSocket must be ≥ 1');
  }

  /** Takes a slot on the first socket of `key` with room; returns its shard number. */
  acquire(key: string): number {
    let perShard = this.counts.get(key);
    if (!perShard) this.counts.set(key, (perShard = []));
    let shard = perShard.findIndex((n) => n < this.maxPerSocket);
    if (shard === -1) shard = perShard.length;
    perShard[shard] = (perShard[shard] ?? 0) + 1;
    return shard;
  }

  release(key: string, shard: number): void {
    const perShard = this.counts.get(key);
    if (!perShard || !perShard[shard]) return;
    perShard[shard]! -= 1;
    while (perShard.length && perShard[perShard.length - 1] === 0) perShard.pop();
    if (!perShard.length) this.counts.delete(key);
  }

  /** Operations per shard for `key` (for tests and logs). */
  of(key: string): readonly number[] {
    return this.counts.get(key) ?? [];
  }

  get keys(): number {
    return this.counts.size;
  }
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof (value as AsyncIterable<T> | null)?.[Symbol.asyncIterator] === 'function';
}

/** What graphql-ws rejects with when the server answers `error`: the payload, a list of GraphQL errors. */
function refusal(error: unknown): string | undefined {
  if (!Array.isArray(error)) return undefined;
  return error.map((e) => String((e as { message?: unknown })?.message ?? e)).join('; ');
}

/** The source iterator, calling `done` once when it ends however it ends. Delegates `return` straight away (an
 * `async function*` wrapper would queue it behind a pending `next`, so an idle subscription would never close). */
function releasing(
  source: AsyncIterable<ExecutionResult>,
  done: () => void,
  onRefused: (errors: unknown[]) => Error,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const wrapped: AsyncIterableIterator<ExecutionResult> = {
    next: () =>
      iterator.next().then(
        (step) => {
          if (step.done) done();
          return step;
        },
        (error: unknown) => {
          done();
          throw Array.isArray(error) ? onRefused(error) : error;
        },
      ),
    return: (value?: unknown) => {
      done();
      return iterator.return
        ? iterator.return(value)
        : Promise.resolve({ done: true as const, value: value as ExecutionResult });
    },
    throw: (error?: unknown) => {
      done();
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}

/** A WebSocket transport with at most `maxPerSocket` operations on one upstream socket, and identical subscriptions
 * of one token sharing one operation when `share` is on (see the top). */
export function pooledWsTransport({
  maxPerSocket,
  share = true,
}: {
  maxPerSocket: number;
  share?: boolean;
}): Transport<WSTransportOptions> {
  return {
    getSubgraphExecutor(options) {
      const { transportEntry, subgraphName } = options;
      const log: Log = options.log.child({ subgraph: subgraphName });
      if (!transportEntry.location) throw new Error('WS transport: location is required in the transport entry');
      // The stock transport's own key, computed the same way: one upstream identity per distinct value.
      const location = getInterpolatedStringFactory(transportEntry.location);
      const connectionParams = transportEntry.options?.connectionParams
        ? getInterpolatedHeadersFactory(transportEntry.options.connectionParams)
        : undefined;
      const headers = transportEntry.headers
        ? getInterpolatedHeadersFactory(Object.fromEntries(transportEntry.headers))
        : undefined;
      const keyOf = (request: ExecutionRequest): string => {
        const env = process.env as Record<string, string>;
        const data = { env, root: request.rootValue, context: request.context, info: request.info };
        return JSON.stringify([location(data), connectionParams?.(data), headers?.(data)]);
      };

      const slots = new SocketSlots(maxPerSocket);
      const shards: DisposableExecutor[] = [];
      const shard = (n: number) => (shards[n] ??= wsTransport.getSubgraphExecutor(options));
      const refused = (errors: unknown[]): Error => {
        const message = refusal(errors) ?? 'refused';
        log.warn({ errors }, `[ws] the ${subgraphName} subgraph refused a subscription: ${message}`);
        return new Error(`the ${subgraphName} subgraph refused the subscription: ${message}`);
      };

      const upstream = (request: ExecutionRequest, key: string) => {
        const n = slots.acquire(key);
        let released = false;
        const done = () => {
          if (released) return;
          released = true;
          slots.release(key, n);
        };
        // An aborted request (the client went away) ends the upstream operation without going through us.
        (request.signal ?? request.info?.signal)?.addEventListener('abort', done, { once: true });
        const settle = (result: unknown): unknown => {
          if (isAsyncIterable<ExecutionResult>(result)) return releasing(result, done, refused);
          done();
          return result;
        };
        let result: unknown;
        try {
          result = shard(n)(request);
        } catch (error) {
          done();
          throw error;
        }
        if (isPromiseLike(result)) {
          return Promise.resolve(result).then(settle, (error: unknown) => {
            done();
            throw Array.isArray(error) ? refused(error) : error;
          });
        }
        return settle(result);
      };
      const multicast = new Multicast();
      const executor = (request: ExecutionRequest) => {
        const key = keyOf(request);
        if (!share) return upstream(request, key);
        return multicast.subscribe(
          operationKey(key, request),
          () => upstream(request, key) as AsyncIterable<ExecutionResult> | ExecutionResult,
          request.signal ?? request.info?.signal,
        );
      };
      return makeAsyncDisposable(executor as DisposableExecutor, async () => {
        await Promise.all(shards.map((s) => isDisposable(s) && dispose(s)));
      });
    },
  };
}
