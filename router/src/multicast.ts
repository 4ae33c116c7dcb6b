// Identical subscriptions of one upstream identity share one upstream operation.
//
// A person with the app open in ten tabs subscribes ten times to the same thing with the same token; a dashboard
// subscribes to the same household's balances from every device of one session. Each such subscription used to be
// its own operation on the subgraph, which executed the same selection over the same event once per copy. Here the
// first subscription of a given (upstream identity, document, variables, operation name) starts the upstream
// operation, later identical ones join it, and every upstream result goes to each of them. The identity is the
// transport's own key (location, connection params, headers: the access token), so two people never share, and the
// subgraph still decides per token what its holder may see. The upstream operation ends when the last subscriber
// leaves, or ends every subscriber's stream when it ends or fails.
//
// Subscribers that join late hear what happens from then on (subscriptions are live-only, as before). Each subscriber
// gets its own copy of a result's data, so whatever the gateway annotates or merges into one client's result never
// touches another's.

import { print, type DocumentNode } from 'graphql';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';

type Result = ExecutionResult;
type Started = AsyncIterable<Result> | Result;
type Start = () => Started | PromiseLike<Started>;

const printed = new WeakMap<DocumentNode, string>();

function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/** What makes two requests of one upstream identity the same subscription. */
export function operationKey(identity: string, request: ExecutionRequest): string {
  return JSON.stringify([
    identity,
    documentText(request.document),
    request.variables ?? {},
    request.operationName ?? null,
  ]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Result> {
  return typeof (value as AsyncIterable<Result> | null)?.[Symbol.asyncIterator] === 'function';
}

function copyOf(result: Result): Result {
  return result.data == null ? { ...result } : { ...result, data: structuredClone(result.data) };
}

/** One subscriber's stream: a queue the hub pushes into, read by the gateway. */
class Subscriber implements AsyncIterableIterator<Result> {
  private readonly buffer: Result[] = [];
  private waiting?: { resolve: (step: IteratorResult<Result>) => void; reject: (error: unknown) => void };
  private finished = false;
  private failure: { error: unknown } | undefined;

  constructor(private readonly onLeave: (subscriber: Subscriber) => void) {}

  push(result: Result): void {
    if (this.finished) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting.resolve({ value: result, done: false });
    } else {
      this.buffer.push(result);
    }
  }

  end(): void {
    this.finished = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting.reject(error);
    else this.failure = { error };
  }

  next(): Promise<IteratorResult<Result>> {
    const buffered = this.buffer.shift();
    if (buffered !== undefined) return Promise.resolve({ value: buffered, done: false });
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Result>> {
    this.buffer.length = 0;
    if (!this.finished) {
      this.end();
      this.onLeave(this);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<Result>> {
    return this.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Result> {
    return this;
  }
}

/** One upstream operation and the subscribers sharing it. */
class Hub {
  private readonly subscribers = new Set<Subscriber>();
  private upstream: AsyncIterator<Result> | undefined;
  private readonly started: Promise<Result | undefined>;
  private closed = false;

  constructor(
    start: Start,
    private readonly onClose: () => void,
  ) {
    this.started = Promise.resolve()
      .then(start)
      .then(
        (result) => {
          if (!isAsyncIterable(result)) {
            this.close(); // an answer, not a stream (the subgraph refused): every subscriber so far gets it
            return result;
          }
          this.upstream = result[Symbol.asyncIterator]();
          if (this.subscribers.size === 0) this.stopUpstream(); // everyone left while it started
          else void this.pump();
          return undefined;
        },
        (error: unknown) => {
          this.close();
          throw error;
        },
      );
  }

  get size(): number {
    return this.subscribers.size;
  }

  async join(signal: AbortSignal | undefined): Promise<AsyncIterableIterator<Result> | Result> {
    // Joined before the upstream answers, so that nothing it sends is missed.
    const subscriber = new Subscriber((s) => this.leave(s));
    this.subscribers.add(subscriber);
    signal?.addEventListener('abort', () => void subscriber.return(), { once: true });
    let answer: Result | undefined;
    try {
      answer = await this.started;
    } catch (error) {
      this.subscribers.delete(subscriber);
      throw error;
    }
    if (answer !== undefined) {
      this.subscribers.delete(subscriber);
      return answer;
    }
    return subscriber;
  }

  private async pump(): Promise<void> {
    const upstream = this.upstream!;
    try {
      for (;;) {
        const step = await upstream.next();
        if (step.done) break;
        let first = true;
        for (const subscriber of this.subscribers) {
          subscriber.push(first ? step.value : copyOf(step.value));
          first = false;
        }
      }
      for (const subscriber of this.subscribers) subscriber.end();
    } catch (error) {
      for (const subscriber of this.subscribers) subscriber.fail(error);
    } finally {
      this.subscribers.clear();
      this.close();
    }
  }

  private leave(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0) return;
    this.close();
    this.stopUpstream();
  }

  private stopUpstream(): void {
    const upstream = this.upstream;
    if (upstream?.return) void Promise.resolve(upstream.return()).catch(() => undefined);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

/** Shares upstream operations between identical subscriptions (see the top of this file). */
export class Multicast {
  private readonly hubs = new Map<string, Hub>();

  /** Joins the running operation for `key`, or starts one with `start`. */
  subscribe(key: string, start: Start, signal?: AbortSignal): Promise<AsyncIterableIterator<Result> | Result> {
    let hub = this.hubs.get(key);
    if (hub === undefined) {
      const created: Hub = new Hub(start, () => {
        if (this.hubs.get(key) === created) this.hubs.delete(key);
      });
      this.hubs.set(key, created);
      hub = created;
    }
    return hub.join(signal);
  }

  /** Upstream operations running, and the subscribers each carries (for tests and logs). */
  get operations(): number[] {
    return [...this.hubs.values()].map((hub) => hub.size);
  }
}
