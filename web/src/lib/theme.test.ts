import { describe, expect, it } from "vitest";

import { THEME_SCRIPT, THEME_STORAGE_KEY, applyTheme, parseTheme } from "@/lib/theme";

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

  it("sets the light or dark class too, and clears it for system", () => {
    const classes = new Set<string>();
    const root = {
      setAttribute: () => undefined,
      removeAttribute: () => undefined,
      classList: { toggle: (token: string, force: boolean) => (force ? classes.add(token) : classes.delete(token)) },
    };
    applyTheme("dark", root);
    expect([...classes]).toEqual(["dark"]);
    applyTheme("light", root);
    expect([...classes]).toEqual(["light"]);
    applyTheme("system", root);
    expect(classes.size).toBe(0);
  });

  it("applies the kept choice before hydration with the inline script", () => {
    const run = (stored: string | null, refuse = false) => {
      const attributes = new Map<string, string>();
      const classes = new Set<string>();
      const documentElement = {
        setAttribute: (n: string, v: string) => void attributes.set(n, v),
        classList: { add: (token: string) => void classes.add(token) },
      };
      const localStorage = {
        getItem: (key: string) => {
          if (refuse) throw new Error("SecurityError");
          return key === THEME_STORAGE_KEY ? stored : null;
        },
      };
      new Function("localStorage", "document", THEME_SCRIPT)(localStorage, { documentElement });
      return { theme: attributes.get("data-theme"), classes: [...classes] };
    };
    expect(run("dark")).toEqual({ theme: "dark", classes: ["dark"] });
    expect(run("light")).toEqual({ theme: "light", classes: ["light"] });
    expect(run(null)).toEqual({ theme: undefined, classes: [] });
    expect(run("purple")).toEqual({ theme: undefined, classes: [] });
    expect(run("dark", true)).toEqual({ theme: undefined, classes: [] });
  });
});
