/** Class names the screens share, so buttons, fields and cards look and focus the same everywhere. */

export const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:focus-visible:outline-emerald-400";

export const primaryButton = `inline-flex items-center justify-center rounded-lg bg-emerald-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-800 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-emerald-600 dark:hover:bg-emerald-500 ${focusRing}`;

export const secondaryButton = `inline-flex items-center justify-center rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-600 dark:hover:bg-slate-800 ${focusRing}`;

export const linkButton = `font-medium text-emerald-700 hover:underline dark:text-emerald-400 ${focusRing} rounded`;

export const field = `block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100 ${focusRing}`;

export const label = "block text-sm font-medium text-slate-700 dark:text-slate-200";

/**
 * `relative` so a table scrolling inside a card keeps its visually hidden (absolutely positioned) labels inside the
 * card: otherwise they are placed against the page and widen it on phones.
 */
export const card =
  "relative rounded-2xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900";

export const muted = "text-slate-600 dark:text-slate-400";

export const errorText = "text-sm text-red-700 dark:text-red-300";

export const tableHead =
  "border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400";
