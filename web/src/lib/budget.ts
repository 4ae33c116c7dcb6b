/** Months and progress for the budget screens. Months are "YYYY-MM", as the budget API names them. */

/** The month of a day, in UTC: the API's "current month" is UTC's, and the server and browser render the same. */
export function monthOf(day: Date): string {
  return day.toISOString().slice(0, 7);
}

/** "2026-11" + 2 → "2027-01"; negative steps go back. */
export function addMonths(month: string, steps: number): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const index = Number(match[1]) * 12 + (Number(match[2]) - 1) + steps;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, "0")}-${String(index - year * 12 + 1).padStart(2, "0")}`;
}

/** True for a "YYYY-MM" month. */
export function isMonth(text: string | null | undefined): text is string {
  return typeof text === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}

/** "2026-11" → "November 2026" in the locale. */
export function formatMonth(month: string, locale: string, style: "long" | "short" = "long"): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return new Intl.DateTimeFormat(locale, { month: style, year: "numeric", timeZone: "UTC" }).format(day);
}

/** The first day ("2026-11-01") of a month. */
export function firstDay(month: string): string {
  return `${month}-01`;
}

/** The day before a "YYYY-MM-DD" date, in UTC. */
export function dayBefore(day: Date): string {
  return new Date(day.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * A budget line's `progress` (spent / budget, 1.0 the whole budget; a display ratio, not money) as the width of
 * its bar, 0–100, and whether it went over. Null progress (nothing budgeted) draws an empty bar.
 */
export function progressBar(progress: number | null | undefined): { percent: number; over: boolean } {
  if (progress === null || progress === undefined || !Number.isFinite(progress)) return { percent: 0, over: false };
  return { percent: Math.max(0, Math.min(100, Math.round(progress * 100))), over: progress > 1 };
}

/** True for an amount the budget accepts: zero or more, at most two decimals ("250", "250.5", "250.00"). */
export function isBudgetAmount(text: string): boolean {
  return /^\d+(\.\d{1,2})?$/.test(text.trim());
}
