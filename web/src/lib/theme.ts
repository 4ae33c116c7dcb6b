/**
 * The colour theme: the system's (default), or light or dark as chosen in Settings. The choice is kept in this
 * browser (localStorage) and applied as `data-theme` (which the `dark` variant in globals.css reads) and a `light` /
 * `dark` class on <html>. The root layout applies it before the first paint with `THEME_SCRIPT`, so a saved choice
 * never flashes the other theme while the app hydrates.
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

type Root = {
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  classList?: { toggle(token: string, force: boolean): unknown };
};

/** Shows `theme` now on `root` (<html>). */
export function applyTheme(theme: Theme, root: Root) {
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
  for (const chosen of ["light", "dark"] as const) root.classList?.toggle(chosen, theme === chosen);
}

/**
 * `applyTheme(storedTheme(), document.documentElement)` as a few bytes of plain script, inlined in <head> by the
 * root layout: it runs before the body is parsed, so the first paint already has the saved theme. "system" (nothing
 * saved, or storage refused) leaves <html> as the server sent it.
 */
export const THEME_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)}),r=document.documentElement;if(t==="light"||t==="dark"){r.setAttribute("data-theme",t);r.classList.add(t)}}catch(e){}`;

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
