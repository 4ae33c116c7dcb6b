import { Client, gql, type Exchange, type Operation } from "@urql/core";
import type { DefaultStorage } from "@urql/exchange-graphcache/default-storage";
import { describe, expect, it, vi } from "vitest";
import { fromValue, map, mergeMap, pipe } from "wonka";

import { describeError } from "@/lib/client";
import {
  CHANGE_REFUSED,
  OfflineError,
  OfflineStatus,
  afterHydration,
  browserIsOffline,
  lastSeenWhenOffline,
  refuseChangesOffline,
} from "@/lib/offline";

const RENAME = gql`
  mutation Rename {
    accountUpdate {
      ok
    }
  }
`;
const ACCOUNTS = gql`
  query Accounts {
    accounts {
      id
    }
  }
`;

/** A client whose "network" records what it was sent and answers `{ ok: true }`. */
function clientWith(isOffline: () => boolean, status = new OfflineStatus()) {
  const sent: Operation[] = [];
  const network: Exchange = () => (ops$) =>
    pipe(
      ops$,
      mergeMap((op) => {
        if (op.kind === "teardown") return fromValue(null);
        sent.push(op);
        return fromValue({ operation: op, data: { accountUpdate: { ok: true }, accounts: [] }, stale: false, hasNext: false });
      }),
      map((result) => result!),
    ) as never;
  const client = new Client({ url: "/graphql", exchanges: [refuseChangesOffline({ isOffline, status }), network] });
  return { client, sent, status };
}

describe("refuseChangesOffline", () => {
  it("refuses a change attempted offline with a message, and never sends it", async () => {
    const { client, sent, status } = clientWith(() => true);
    const result = await client.mutation(RENAME, {}).toPromise();

    expect(sent).toEqual([]);
    expect(result.data).toBeUndefined();
    expect(result.error?.networkError).toBeInstanceOf(OfflineError);
    expect(describeError(result.error!)).toBe(CHANGE_REFUSED);
    expect(status.current).toEqual({ offline: true, refusedAt: expect.any(Number) });
  });

  it("sends changes online, and reads offline (from the cache further down)", async () => {
    let offline = false;
    const { client, sent, status } = clientWith(() => offline);
    expect((await client.mutation(RENAME, {}).toPromise()).data).toEqual({ accountUpdate: { ok: true }, accounts: [] });

    offline = true;
    expect((await client.query(ACCOUNTS, {}).toPromise()).error).toBeUndefined();
    expect(sent.map((op) => op.kind)).toEqual(["mutation", "query"]);
    expect(status.current.refusedAt).toBeNull();
  });

  it("decides once per change, even when the network returns mid-way", async () => {
    let calls = 0;
    const { client, sent } = clientWith(() => calls++ === 0);
    const result = await client.mutation(RENAME, {}).toPromise();
    expect(result.error?.networkError).toBeInstanceOf(OfflineError);
    expect(sent).toEqual([]);
  });
});

describe("OfflineStatus", () => {
  it("tells its listeners, and forgets a refused change once back online", () => {
    const status = new OfflineStatus();
    const seen = vi.fn();
    status.subscribe(seen);
    status.setOffline(true);
    status.refused(42);
    status.setOffline(true); // no change, no call
    status.setOffline(false);
    expect(seen.mock.calls.map(([state]) => state)).toEqual([
      { offline: true, refusedAt: null },
      { offline: true, refusedAt: 42 },
      { offline: false, refusedAt: null },
    ]);
  });

  it("reads navigator.onLine; without a navigator the app is online", () => {
    expect(browserIsOffline({ onLine: false })).toBe(true);
    expect(browserIsOffline({ onLine: true })).toBe(false);
    expect(browserIsOffline(undefined)).toBe(false);
  });
});

describe("lastSeenWhenOffline", () => {
  const stored = { "Account:1.name": '"Holiday fund"' };
  const storage = (): DefaultStorage =>
    ({
      readData: vi.fn(async () => stored),
      writeData: vi.fn(async () => undefined),
      clear: vi.fn(async () => undefined),
    }) as unknown as DefaultStorage;

  it("hands the last-seen data to the cache only when starting offline", async () => {
    expect(await lastSeenWhenOffline(storage(), () => true).readData()).toEqual(stored);
  });

  it("starts online from the server's data, still reading the store (so today's entries are kept)", async () => {
    const inner = storage();
    expect(await lastSeenWhenOffline(inner, () => false).readData()).toEqual({});
    expect(inner.readData).toHaveBeenCalledOnce();
  });

  it("keeps writing and clearing through", async () => {
    const inner = storage();
    const wrapped = lastSeenWhenOffline(inner, () => false);
    await wrapped.writeData({ a: "1" });
    await wrapped.clear();
    expect(inner.writeData).toHaveBeenCalledWith({ a: "1" });
    expect(inner.clear).toHaveBeenCalledOnce();
  });
});

describe("afterHydration", () => {
  it("holds operations until the cache is filled, then lets them through in order", async () => {
    let fill = () => {};
    const ready = new Promise<void>((resolve) => (fill = resolve));
    const seen: string[] = [];
    const network: Exchange = () => (ops$) =>
      pipe(
        ops$,
        mergeMap((op) => {
          seen.push(op.kind);
          return fromValue({ operation: op, data: { accounts: [] }, stale: false, hasNext: false });
        }),
      ) as never;
    const client = new Client({ url: "/graphql", exchanges: [afterHydration(ready), network] });
    const first = client.query(ACCOUNTS, {}).toPromise();
    await Promise.resolve();
    expect(seen).toEqual([]);
    fill();
    expect((await first).data).toEqual({ accounts: [] });
    expect(seen[0]).toBe("query");
    // Once filled, nothing waits.
    await client.query(ACCOUNTS, { again: true }).toPromise();
    expect(seen.filter((kind) => kind === "query")).toHaveLength(2);
  });
});
