import { authExchange } from "@urql/exchange-auth";
import { cacheExchange, offlineExchange, type DataFields, type KeyingConfig } from "@urql/exchange-graphcache";
import { makeDefaultStorage } from "@urql/exchange-graphcache/default-storage";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { Client, fetchExchange, ssrExchange, subscriptionExchange, type CombinedError, type SSRData } from "urql";

import { graphql } from "@/gql";
import { errorCodes, isInterruption, reconnectListener, resubscribing } from "@/lib/live";
import {
  afterHydration,
  browserIsOffline,
  lastSeenWhenOffline,
  OfflineError,
  refuseChangesOffline,
} from "@/lib/offline";
import { MeQuery } from "@/lib/operations";

/** The IndexedDB database of the last-seen data (graphcache's offline storage), and how many days it is kept. */
export const OFFLINE_CACHE_DB = "fincloud-cache";
const OFFLINE_CACHE_DAYS = 30;

/**
 * Sent with every request. The router refuses cookie-authenticated requests that a cross-site page could forge
 * (a form post, a "simple" fetch); a custom header forces a CORS preflight, which other origins do not pass.
 */
export const CSRF_HEADER = "x-fincloud-csrf";

/** The API, on the app's own origin: the web server passes /graphql (HTTP and WebSocket) on to the router. */
export const GRAPHQL_PATH = "/graphql";

const RefreshMutation = graphql(`
  mutation SilentRefresh {
    tokenRefresh(input: { useCookies: true }) {
      user {
        id
      }
    }
  }
`);

/** The router said the caller is not signed in (no cookie, or an expired access token). */
export function isUnauthenticated(error: CombinedError): boolean {
  const status = (error.response as Response | undefined)?.status;
  return status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

/**
 * Normalised cache keys: every object with an `id` is one entity (`Account:<id>`), so an account's balance pushed by
 * a subscription, or returned by a mutation, updates every list that shows it. Objects without an id (Money,
 * connections, edges, payloads, errors) are embedded in their parent.
 */
export const cacheKeys: KeyingConfig = new Proxy({} as KeyingConfig, {
  get: () => (data: { id?: unknown }) => (typeof data.id === "string" ? data.id : null),
});

/** "ws://host/graphql" or "wss://…" for an http(s) page; the socket goes to the same origin as the page. */
export function webSocketUrl(location: { protocol: string; host: string }, path = GRAPHQL_PATH): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}

/** A small broadcast: "refetch what live updates keep current, events may have been missed". */
export class RefetchSignal {
  private readonly listeners = new Set<() => void>();
  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export type ApiClient = {
  client: Client;
  /** Fired after a live subscription was started again (or its socket reconnected). */
  refetch: RefetchSignal;
  /** Closes the WebSocket. */
  dispose(): void;
};

export type ApiClientOptions = {
  url?: string;
  /** Results the server rendered the page with (`ssrExchange`); the first render uses them as they are. */
  initialState?: SSRData;
  onSignedOut?: () => void;
};

/**
 * A urql client of the FinCloud API on the app's own origin. The browser holds the session as two httpOnly cookies
 * the router sets (a short-lived access token and a rotating refresh token); scripts never see them. When the
 * access token has expired the client silently asks for new cookies (`tokenRefresh`) and retries once;
 * `onSignedOut` runs when that fails too, so the app can show the sign-in form.
 *
 * Subscriptions go over one WebSocket to the same origin (graphql-transport-ws), authenticated by the same cookie
 * (the web server hands it to the router). They outlive router restarts, subgraph restarts and interrupted event
 * feeds: the socket reconnects, subscriptions start again, and `refetch` tells the screens to reload what they show.
 * During server rendering the client answers from `initialState` only and opens no connection.
 */
export function createApiClient({ url = GRAPHQL_PATH, initialState, onSignedOut }: ApiClientOptions = {}): ApiClient {
  const inBrowser = typeof window !== "undefined";
  const ssr = ssrExchange({ isClient: true, initialState });
  // The last-seen data, kept in IndexedDB for offline use (src/lib/offline.ts); emptied when the session ends.
  let cacheHydrated = () => {};
  const hydrated = new Promise<void>((resolve) => (cacheHydrated = resolve));
  const startedOffline = inBrowser && browserIsOffline();
  const storage = inBrowser
    ? lastSeenWhenOffline(
        makeDefaultStorage({ idbName: OFFLINE_CACHE_DB, maxAge: OFFLINE_CACHE_DAYS, onCacheHydrated: cacheHydrated }),
      )
    : null;
  const signedOut = () => {
    void storage?.clear();
    onSignedOut?.();
  };
  /** login / register answered with a user: ask who they are (`me`, households included) into the cache. */
  const rememberViewer = (result: DataFields) => {
    const payload = (result.login ?? result.register) as { user?: unknown } | null | undefined;
    if (payload?.user) queueMicrotask(() => void client.query(MeQuery, {}, { requestPolicy: "network-only" }).toPromise());
  };
  const cacheOptions = {
    keys: cacheKeys,
    updates: {
      Mutation: {
        // Who is signed in is part of the last-seen data: an offline start shows their accounts, not the sign-in form.
        login: rememberViewer,
        register: rememberViewer,
        logout: () => void storage?.clear(),
      },
    },
  };
  const refetch = new RefetchSignal();
  let ws: WsClient | null = null;
  let refreshing: Promise<void> | null = null;

  const socket = () =>
    (ws ??= createWsClient({
      url: webSocketUrl(window.location, url),
      // Reconnect for as long as the page is open (graphql-ws waits longer between attempts, up to ~30 s).
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: { connected: reconnectListener(() => refetch.emit()) },
    }));

  const client = new Client({
    url,
    exchanges: [
      refuseChangesOffline(),
      ...(startedOffline ? [afterHydration(hydrated)] : []),
      storage ? offlineExchange({ ...cacheOptions, storage }) : cacheExchange(cacheOptions),
      ssr,
      ...(inBrowser
        ? [
            authExchange(async (utils) => ({
              // The cookies travel on their own (credentials: "same-origin" below).
              addAuthToOperation: (operation) => operation,
              didAuthError: isUnauthenticated,
              async refreshAuth() {
                const refreshed = await utils.mutate(RefreshMutation, {});
                if (!refreshed.data?.tokenRefresh.user) signedOut();
              },
            })),
            subscriptionExchange({
              forwardSubscription(request) {
                const subscribe = resubscribing<never>(
                  (sink) => socket().subscribe({ ...request, query: request.query ?? "" }, sink),
                  { isRetryable: retryableOverSocket, onResubscribe: () => refetch.emit() },
                );
                return { subscribe: (observer) => ({ unsubscribe: subscribe(observer) }) };
              },
            }),
            fetchExchange,
          ]
        : []),
    ],
    // POST every operation: variables (account names, amounts) stay out of URLs and access logs.
    preferGetMethod: false,
    // The normalised cache is kept current by subscriptions and refetched after an interruption.
    requestPolicy: "cache-first",
    fetchOptions: { credentials: "same-origin", headers: { [CSRF_HEADER]: "1" } },
  });

  /** The socket's access token expired: new cookies over HTTP, then a new socket that carries them. */
  function renewSocketSession(): void {
    refreshing ??= client
      .mutation(RefreshMutation, {})
      .toPromise()
      .then((refreshed) => {
        if (!refreshed.data?.tokenRefresh.user) return signedOut();
        const old = ws;
        ws = null;
        void old?.dispose();
      })
      .finally(() => {
        refreshing = null;
      });
  }

  function retryableOverSocket(error: unknown): boolean {
    if (isInterruption(error) || isCloseEvent(error)) return true;
    if (errorCodes(error).includes("UNAUTHENTICATED")) {
      renewSocketSession();
      return true;
    }
    return false;
  }

  // The server rendered who is signed in: put it through the cache too, so an offline start knows them.
  if (inBrowser && initialState) void client.query(MeQuery, {}).toPromise();

  return {
    client,
    refetch,
    dispose() {
      const old = ws;
      ws = null;
      void old?.dispose();
    },
  };
}

/** graphql-ws ends a subscription with the socket's CloseEvent when it stops retrying. */
function isCloseEvent(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === "number" && "reason" in (error as object);
}

/** A message a person can act on, from urql's combined network / GraphQL error. */
export function describeError(error: { networkError?: Error; graphQLErrors: { message: string }[] }) {
  if (error.networkError instanceof OfflineError) return error.networkError.message;
  if (error.networkError) return "Could not reach the FinCloud server. Check your connection and try again.";
  return error.graphQLErrors.map((e) => e.message).join(" ") || "The server could not answer.";
}
