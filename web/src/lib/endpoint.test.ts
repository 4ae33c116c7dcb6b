import { describe, expect, it } from "vitest";

import { DEFAULT_API_URL, isHttpUrl, resolveApiUrl } from "./endpoint";

describe("resolveApiUrl", () => {
  it("prefers the ?api= parameter, so a link can point the app at any server", () => {
    expect(
      resolveApiUrl({ query: "https://money.example.org/graphql", env: "http://10.0.0.2:4000/graphql" }),
    ).toBe("https://money.example.org/graphql");
  });

  it("falls back to the build's NEXT_PUBLIC_FINCLOUD_API_URL", () => {
    expect(resolveApiUrl({ query: null, env: "http://10.0.0.2:4000/graphql" })).toBe("http://10.0.0.2:4000/graphql");
  });

  it("falls back to the local router", () => {
    expect(resolveApiUrl({})).toBe(DEFAULT_API_URL);
    expect(resolveApiUrl({ query: "", env: "  " })).toBe("http://127.0.0.1:4000/graphql");
  });

  it("skips values that are not http(s) URLs", () => {
    expect(resolveApiUrl({ query: "javascript:alert(1)", env: "/graphql" })).toBe(DEFAULT_API_URL);
    expect(resolveApiUrl({ query: "not a url", env: "http://10.0.0.2:4000/graphql" })).toBe(
      "http://10.0.0.2:4000/graphql",
    );
  });

  it("trims whitespace around a pasted URL", () => {
    expect(resolveApiUrl({ query: " http://127.0.0.1:4100/graphql\n" })).toBe("http://127.0.0.1:4100/graphql");
  });
});

describe("isHttpUrl", () => {
  it.each([
    ["http://127.0.0.1:4000/graphql", true],
    ["https://fincloud.example.com/graphql", true],
    ["ftp://example.com/graphql", false],
    ["127.0.0.1:4000/graphql", false],
    ["", false],
  ])("%s → %s", (value, expected) => {
    expect(isHttpUrl(value)).toBe(expected);
  });
});
