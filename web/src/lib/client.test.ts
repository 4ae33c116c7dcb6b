import { describe, expect, it, vi } from "vitest";

import { RefetchSignal, cacheKeys, webSocketUrl } from "./client";

describe("webSocketUrl", () => {
  it("uses the page's own origin, wss under https", () => {
    expect(webSocketUrl({ protocol: "https:", host: "money.example.org" })).toBe("wss://money.example.org/graphql");
    expect(webSocketUrl({ protocol: "http:", host: "127.0.0.1:3000" })).toBe("ws://127.0.0.1:3000/graphql");
  });
});

describe("cacheKeys", () => {
  it("keys every object with an id by it, and embeds the rest in their parent", () => {
    const account = cacheKeys["Account"]!;
    expect(account({ __typename: "Account", id: "a1" })).toBe("a1");
    expect(cacheKeys["Money"]!({ __typename: "Money", amount: "1.00", currency: "EUR" })).toBeNull();
    expect(cacheKeys["PageInfo"]!({ __typename: "PageInfo" })).toBeNull();
  });
});

describe("RefetchSignal", () => {
  it("calls each listener until it unsubscribes", () => {
    const signal = new RefetchSignal();
    const listener = vi.fn();
    const off = signal.on(listener);
    signal.emit();
    off();
    signal.emit();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
