/**
 * Words and numbers for the portfolio screens: return figures as percentages in the visitor's locale, what each
 * figure means (docs/adr/0015-return-figures.md), why one is missing, and the periods' names.
 * Return figures and weights are floats on the wire (ratios, not money); amounts stay decimal strings.
 */
import { DEFAULT_LOCALE } from "@/lib/format";

/** 0.2265625 → "22.66%" (en-US), "22,66 %" (de-DE); null → null. Always two decimals, sign shown when asked. */
export function formatPercent(
  value: number | null | undefined,
  locale: string = DEFAULT_LOCALE,
  { signed = false }: { signed?: boolean } = {},
): string | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: signed ? "exceptZero" : "auto",
  }).format(value);
}

/** The reporting periods the performance table offers, in the order they are shown. */
export const PERIOD_LABELS: Readonly<Record<string, string>> = {
  "1M": "1 month",
  "3M": "3 months",
  YTD: "Year to date",
  "1Y": "1 year",
  "3Y": "3 years",
  "5Y": "5 years",
  MAX: "Since the start",
  CUSTOM: "Custom",
};

export function periodLabel(period: string): string {
  return PERIOD_LABELS[period] ?? period;
}

export type FigureKey = "simpleRoi" | "moneyWeighted" | "moneyWeightedAnnualised" | "timeWeighted" | "modifiedDietz";

/** Each return figure's column name and definition (the schema's and ADR 15's wording, for people). */
export const FIGURES: readonly { key: FigureKey; label: string; definition: string }[] = [
  {
    key: "simpleRoi",
    label: "ROI",
    definition:
      "Simple return on investment: the gain divided by the starting value plus the money put in. Money taken out does not shrink it, so a full exit keeps the gain it made.",
  },
  {
    key: "moneyWeighted",
    label: "XIRR (period)",
    definition:
      "Money-weighted return over the period: (1 + XIRR) ^ (days / 365) − 1. It depends on when money was added or taken out.",
  },
  {
    key: "moneyWeightedAnnualised",
    label: "XIRR (a year)",
    definition:
      "Money-weighted return, annualised (XIRR, actual/365, as Excel defines it): the yearly rate at which the starting value and the flows grow to the end value.",
  },
  {
    key: "timeWeighted",
    label: "TWR",
    definition:
      "Time-weighted return: each day's returns linked together, so deposits and withdrawals do not move it. It measures the investments themselves. Modified Dietz stands in when some daily prices are missing.",
  },
  {
    key: "modifiedDietz",
    label: "Modified Dietz",
    definition:
      "The gain divided by the starting value plus each flow weighted by the share of the period it was invested: an estimate of the time-weighted return without daily values.",
  },
];

/** Definitions of the money columns. */
export const ABSOLUTE_GAIN_DEFINITION =
  "End value − start value − net money put in: what the money earned, dividends included, in the base currency.";

/** Why a figure is undefined (ReturnFigure.reason), in words. */
export const REASONS: Readonly<Record<string, string>> = {
  NO_FLOWS: "Nothing went in or out and nothing was held",
  NOTHING_INVESTED: "No money was at risk",
  NO_VALUE_HELD: "Nothing was held on any day",
  NO_ROOT: "The money-weighted equation has no solution",
  TOO_SHORT: "The period has no length",
};

export function reasonText(reason: string | null | undefined): string {
  return (reason && REASONS[reason]) ?? "Not available";
}

/** "real_estate" or "REAL_ESTATE" → "Real estate"; allocation keys and asset classes as words. */
export function assetClassLabel(key: string): string {
  if (!key) return "Not set";
  const words = key.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * "130.0000000000" → "130.00", "140" → "140.00", "0.1234500000" → "0.12345": a unit price as stored (up to 10 decimals) without the
 * zeros that say nothing, keeping at least `keep` decimals. The value is unchanged: only trailing zeros go.
 */
export function trimDecimal(amount: string, keep = 2): string {
  const match = /^([+-]?\d+)(?:\.(\d*?)0*)?$/.exec(amount.trim());
  if (!match) return amount;
  const [, whole = "", digits = ""] = match;
  const fraction = digits.padEnd(keep, "0");
  return fraction ? `${whole}.${fraction}` : whole;
}
