/**
 * Live updates that survive the server side going away. A subscription through the router can end three ways
 * without the user asking:
 *
 * - it fails with `extensions.code = "LIVE_INTERRUPTED"` (a subgraph lost its event feed, e.g. Redis restarted);
 * - it completes, because the subgraph serving it stopped;
 * - its WebSocket closes (the router restarted). graphql-ws reconnects and subscribes again by itself.
 *
 * Events published meanwhile are lost, so in every case the app refetches what the subscription keeps current and
 * subscribes again. `resubscribing` does this for the first two; `reconnectListener` reports the third.
 */

/** The observer graphql-ws's `client.subscribe` takes (and urql's subscriptionExchange hands over). */
export type Sink<T> = {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
};

/** Starts one subscription; returns what stops it. */
export type Subscribe<T> = (sink: Sink<T>) => () => void;

/** Error codes after which a subscription is worth starting again: the subgraph's event feed was interrupted, or
 * the router could not reach the subgraph (it is restarting) or asks to come back later. */
export const RESUBSCRIBE_CODES: ReadonlySet<string> = new Set([
  "LIVE_INTERRUPTED",
  "SERVICE_UNAVAILABLE",
  "DOWNSTREAM_SERVICE_ERROR",
  "RATE_LIMITED",
]);

/** Waits between attempts, in milliseconds; the last one repeats. */
export const RESUBSCRIBE_DELAYS_MS: readonly number[] = [500, 1000, 2000, 5000, 10000];

export type ResubscribeReason = "completed" | "interrupted";

export type ResubscribeOptions = {
  /** Called before each new attempt (after the wait): refetch what the subscription keeps current. */
  onResubscribe?: (reason: ResubscribeReason) => void;
  delays?: readonly number[];
  /** Which errors end in a new attempt rather than at the sink (default: `isInterruption`). */
  isRetryable?: (error: unknown) => boolean;
  /** Timer, replaceable in tests. Returns a function that cancels it. */
  schedule?: (run: () => void, ms: number) => () => void;
};

type GraphQLErrorLike = { extensions?: Record<string, unknown> | null };

/** The GraphQL errors of a subscription's failure: graphql-ws passes the `error` message's array; urql wraps. */
function graphQLErrorsOf(error: unknown): GraphQLErrorLike[] {
  if (Array.isArray(error)) return error as GraphQLErrorLike[];
  const wrapped = (error as { graphQLErrors?: unknown } | null)?.graphQLErrors;
  return Array.isArray(wrapped) ? (wrapped as GraphQLErrorLike[]) : [];
}

/** The error codes of a subscription's failure. */
export function errorCodes(error: unknown): string[] {
  return graphQLErrorsOf(error).flatMap((e) => (typeof e.extensions?.code === "string" ? [e.extensions.code] : []));
}

/** True when the subscription failed in a way that a fresh one can get past. */
export function isInterruption(error: unknown): boolean {
  return errorCodes(error).some((code) => RESUBSCRIBE_CODES.has(code));
}

const defaultSchedule = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * A subscription that starts again when the server ends it (completion, or an interruption error), after a short
 * wait that grows with each attempt in a row and resets once an event arrives; `onResubscribe` runs right after
 * each new start, so nothing published during the gap is missed. Any other error (refused, invalid) reaches the
 * sink and ends it. Stopping it (the returned function) ends everything, including a pending attempt.
 */
export function resubscribing<T>(subscribe: Subscribe<T>, options: ResubscribeOptions = {}): Subscribe<T> {
  const delays = options.delays ?? RESUBSCRIBE_DELAYS_MS;
  const schedule = options.schedule ?? defaultSchedule;
  const isRetryable = options.isRetryable ?? isInterruption;
  return (sink) => {
    let stopped = false;
    let attempt = 0;
    let stopCurrent: (() => void) | null = null;
    let cancelTimer: (() => void) | null = null;

    const start = () => {
      // Each attempt gets its own flag: a late call from an attempt that already ended is ignored.
      let ended = false;
      const restart = (reason: ResubscribeReason) => {
        ended = true;
        stopCurrent = null;
        const wait = delays[Math.min(attempt, delays.length - 1)] ?? 0;
        attempt += 1;
        cancelTimer = schedule(() => {
          cancelTimer = null;
          if (stopped) return;
          start();
          options.onResubscribe?.(reason);
        }, wait);
      };
      stopCurrent = subscribe({
        next(value) {
          if (stopped || ended) return;
          attempt = 0;
          sink.next(value);
        },
        error(error) {
          if (stopped || ended) return;
          if (isRetryable(error)) return restart("interrupted");
          ended = true;
          stopped = true;
          sink.error(error);
        },
        complete() {
          if (stopped || ended) return;
          restart("completed");
        },
      });
      // The subscription may have ended synchronously, before `subscribe` returned its stopper.
      if (ended) stopCurrent = null;
    };

    start();
    return () => {
      stopped = true;
      cancelTimer?.();
      cancelTimer = null;
      const stop = stopCurrent;
      stopCurrent = null;
      stop?.();
    };
  };
}

/**
 * For graphql-ws's `on.connected` (socket, payload, wasRetry): calls `onReconnected` when a socket comes back after
 * one was lost, i.e. every connection but the first, and every retry.
 */
export function reconnectListener(onReconnected: () => void): (socket: unknown, payload: unknown, wasRetry?: boolean) => void {
  let connectedBefore = false;
  return (_socket, _payload, wasRetry) => {
    if (connectedBefore || wasRetry) onReconnected();
    connectedBefore = true;
  };
}
