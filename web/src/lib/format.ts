/**
 * Display helpers. Amounts arrive as decimal strings (the `Decimal` scalar) and are never turned into JS numbers:
 * a float cannot hold 0.1 exactly, let alone a twenty-digit balance. Localising an amount only changes its
 * separators (read from `Intl.NumberFormat`); its digits are the server's.
 */

export type Money = { amount: string; currency: string };

/** The locale nothing else names: a server render without Accept-Language, a test. */
export const DEFAULT_LOCALE = "en-US";

type Separators = { group: string; decimal: string; minus: string; primary: number; secondary: number };

const separatorsByLocale = new Map<string, Separators>();

/** The locale's digit grouping (3, or 3 then 2 as in en-IN), group and decimal separators and minus sign. */
function separators(locale: string): Separators {
  const known = separatorsByLocale.get(locale);
  if (known) return known;
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(-12345678.5);
  const integers = parts.filter((p) => p.type === "integer").map((p) => p.value.length);
  const found: Separators = {
    group: parts.find((p) => p.type === "group")?.value ?? ",",
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
    minus: parts.find((p) => p.type === "minusSign")?.value ?? "-",
    primary: integers.at(-1) ?? 3,
    secondary: integers.length > 2 ? (integers.at(-2) ?? 3) : (integers.at(-1) ?? 3),
  };
  // Locales that do not group at all give one run of eight digits.
  if (integers.length === 1) found.group = "";
  separatorsByLocale.set(locale, found);
  return found;
}

/**
 * "1234567.50" → "1,234,567.50" (en-US), "1.234.567,50" (de-DE), "12,34,567.50" (en-IN): the decimal string's own
 * digits, every one of them, with the locale's separators. Anything that is not a plain decimal is returned as is.
 */
export function formatDecimal(amount: string, locale: string = DEFAULT_LOCALE): string {
  const match = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/.exec(amount);
  if (!match) return amount;
  const [, sign = "", whole = "", fraction] = match;
  const { group, decimal, minus, primary, secondary } = separators(locale);
  let grouped = whole;
  if (group && whole.length > primary) {
    const head = whole.slice(0, -primary);
    const runs: string[] = [];
    for (let end = head.length; end > 0; end -= secondary) runs.unshift(head.slice(Math.max(0, end - secondary), end));
    grouped = [...runs, whole.slice(-primary)].join(group);
  }
  return `${sign === "-" ? minus : ""}${grouped}${fraction === undefined ? "" : decimal + fraction}`;
}

/** "12.30 EUR": the amount exactly as the server sent it (localised separators), then the ISO 4217 code. */
export function formatMoney({ amount, currency }: Money, locale: string = DEFAULT_LOCALE): string {
  return `${formatDecimal(amount, locale)} ${currency}`;
}

/** True when the amount is below zero, read from the string itself ("-0.00" is not negative). */
export function isNegative({ amount }: Pick<Money, "amount">): boolean {
  return /^-/.test(amount.trim()) && /[1-9]/.test(amount);
}

/** A `Date` scalar ("2026-11-28") in the locale's medium style ("Nov 28, 2026"); the day never shifts by time zone. */
export function formatDate(date: string, locale: string = DEFAULT_LOCALE): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(day);
}

/** "CREDIT_CARD" → "Credit card": the server's enum values (account types, import statuses) as words. */
export function formatEnum(value: string): string {
  const sentence = value.toLowerCase().split("_").join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** "CREDIT_CARD" → "Credit card". */
export const formatAccountType = formatEnum;

/**
 * The first supported locale of an Accept-Language header ("de-CH,de;q=0.9,en;q=0.8" → "de-CH"), else the default.
 * The server renders with it and hands it to the browser, so both render the same text.
 */
export function pickLocale(acceptLanguage: string | null | undefined): string {
  const tags = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) };
    })
    .filter(({ tag, q }) => tag && tag !== "*" && q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf([tag]);
      if (supported) return supported;
    } catch {
      // Not a well-formed language tag: try the next.
    }
  }
  return DEFAULT_LOCALE;
}

/** True for a decimal string the API accepts as an amount ("12", "-0.30", "1234.5"). */
export function isDecimal(text: string): boolean {
  return /^[+-]?\d+(\.\d+)?$/.test(text.trim());
}
