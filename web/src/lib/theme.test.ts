import { describe, expect, it } from "vitest";

import { applyTheme, parseTheme } from "@/lib/theme";

describe("theme", () => {
  it("reads a kept choice, system otherwise", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("purple")).toBe("system");
    expect(parseTheme(null)).toBe("system");
  });

  it("sets data-theme for light and dark, and removes it for system", () => {
    const attributes = new Map<string, string>();
    const root = {
      setAttribute: (n: string, v: string) => void attributes.set(n, v),
      removeAttribute: (n: string) => void attributes.delete(n),
    };
    applyTheme("dark", root);
    expect(attributes.get("data-theme")).toBe("dark");
    applyTheme("system", root);
    expect(attributes.has("data-theme")).toBe(false);
  });
});
