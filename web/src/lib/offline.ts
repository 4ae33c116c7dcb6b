/**
 * Offline: what the app does when the network is gone. It shows the last data it saw (urql's normalised cache,
 * kept in IndexedDB by graphcache's offline storage) read-only, and refuses changes with a message: a change is
 * never queued to be sent later, because in a finance app a payment recorded from stale figures, or sent twice,
 * is worse than one that was clearly not saved.
 */
import { makeErrorResult, type Exchange, type Operation, type OperationResult } from "@urql/core";
import type { DefaultStorage } from "@urql/exchange-graphcache/default-storage";
import { filter, fromPromise, fromValue, map, merge, mergeMap, pipe, share } from "wonka";

/** What the user is told, on the banner and wherever a change was attempted. */
export const OFFLINE_BANNER = "You are offline — showing what you saw last. Changes are paused.";
export const CHANGE_REFUSED = "You are offline: this change was not saved. Try again when you are back online.";

/** The network error of a change attempted offline; `describeError` shows its message as it is. */
export class OfflineError extends Error {
  constructor() {
    super(CHANGE_REFUSED);
    this.name = "OfflineError";
  }
}

/** Whether the browser says it is offline (`navigator.onLine`); anywhere without a navigator is online. */
export function browserIsOffline(nav: { onLine?: boolean } | undefined = globalThis.navigator): boolean {
  return nav?.onLine === false;
}

/** A small observable of "is the app offline, and was a change refused while it was". */
export type OfflineState = { offline: boolean; refusedAt: number | null };

export class OfflineStatus {
  private state: OfflineState;
  private readonly listeners = new Set<(state: OfflineState) => void>();

  constructor(offline = false) {
    this.state = { offline, refusedAt: null };
  }
  get current(): OfflineState {
    return this.state;
  }
  subscribe(listener: (state: OfflineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** The browser went offline or online; coming back online forgets refused changes. */
  setOffline(offline: boolean): void {
    if (offline === this.state.offline) return;
    this.update({ offline, refusedAt: offline ? this.state.refusedAt : null });
  }
  /** A change was refused (the banner says so). */
  refused(at = Date.now()): void {
    this.update({ offline: true, refusedAt: at });
  }
  private update(state: OfflineState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}

/** The page's one status, shared by the client (which refuses changes) and the banner (which shows it). */
export const offlineStatus = new OfflineStatus(browserIsOffline());

/**
 * An exchange that answers every mutation attempted while offline with an `OfflineError`, without sending it (and
 * without it reaching graphcache's offline queue); queries, subscriptions and teardowns pass through.
 */
export function refuseChangesOffline({
  isOffline = browserIsOffline,
  status = offlineStatus,
}: { isOffline?: () => boolean; status?: OfflineStatus } = {}): Exchange {
  return ({ forward }) =>
    (operations$) => {
      const shared$ = pipe(operations$, share);
      // Decided once per operation: both branches below must agree even if the network comes back in between.
      const decided = new WeakMap<Operation, boolean>();
      const refuse = (op: Operation) => {
        if (!decided.has(op)) decided.set(op, op.kind === "mutation" && isOffline());
        return decided.get(op) === true;
      };
      const refused$ = pipe(
        shared$,
        filter(refuse),
        mergeMap((op): ReturnType<typeof fromValue<OperationResult>> => {
          status.refused();
          return fromValue(makeErrorResult(op, new OfflineError()));
        }),
      );
      const forwarded$ = forward(pipe(shared$, filter((op) => !refuse(op))));
      return merge([refused$, forwarded$]);
    };
}

/**
 * Graphcache's IndexedDB storage, read back only when the app starts offline. Online, the server is the source of
 * truth: the first render uses what the server rendered and the lists ask the network, never last week's copy.
 * Every result is still written, so the next offline start shows what was seen last. (The stored data is read
 * anyway, and dropped, so that storage keeps today's earlier entries when it writes.)
 */
export function lastSeenWhenOffline(
  storage: DefaultStorage,
  isOffline: () => boolean = browserIsOffline,
): DefaultStorage {
  return {
    ...storage,
    async readData() {
      const stored = await storage.readData();
      return isOffline() ? stored : {};
    },
  };
}

/**
 * Holds every operation until `ready` (the cache was filled from IndexedDB) settles. Used only when the app starts
 * offline: a query that fails for want of a network is answered from the cache, which must hold the last-seen data
 * by then, or the app would conclude that nobody is signed in.
 */
export function afterHydration(ready: Promise<unknown>): Exchange {
  let hydrated = false;
  const settled = ready.then(
    () => (hydrated = true),
    () => (hydrated = true),
  );
  return ({ forward }) =>
    (operations$) =>
      forward(
        pipe(
          operations$,
          mergeMap((op) =>
            hydrated
              ? fromValue(op)
              : pipe(
                  fromPromise(settled),
                  map(() => op),
                ),
          ),
        ),
      );
}
