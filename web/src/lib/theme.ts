/**
 * The colour theme: the system's (default), or light or dark as chosen in Settings. The choice is kept in this
 * browser (localStorage) and applied as `data-theme` on <html>, which the `dark` variant in globals.css reads.
 */

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_STORAGE_KEY = "fincloud-theme";

export function parseTheme(value: unknown): Theme {
  return THEMES.includes(value as Theme) ? (value as Theme) : "system";
}

/** The theme kept in this browser; "system" when none (or storage is unavailable). */
export function storedTheme(): Theme {
  try {
    return parseTheme(window.localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return "system";
  }
}

/** Shows `theme` now on `root` (<html>). */
export function applyTheme(theme: Theme, root: { setAttribute(n: string, v: string): void; removeAttribute(n: string): void }) {
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}

/** Keeps and shows the choice. */
export function chooseTheme(theme: Theme): void {
  try {
    if (theme === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
  applyTheme(theme, document.documentElement);
}
