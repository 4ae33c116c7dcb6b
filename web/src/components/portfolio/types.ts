import type { PortfolioDetailQuery } from "@/gql/graphql";

/** One portfolio as the screen reads it. */
export type PortfolioData = NonNullable<PortfolioDetailQuery["portfolio"]>;
export type HoldingData = PortfolioData["holdings"][number];
export type PerformanceRowData = PortfolioData["performance"][number];
export type AllocationSliceData = PortfolioData["allocation"][number];

/** "0", "0.000" and "-0" hold nothing. */
export function isZero(decimal: string): boolean {
  return /^[+-]?0*(\.0*)?$/.test(decimal.trim());
}

/** Instrument id → "SYMBOL" for the ids the API hands out without the instrument (dividends, trades). */
export function symbolsById(holdings: readonly HoldingData[]): Map<string, string> {
  return new Map(holdings.map((h) => [h.instrumentId, h.instrument?.symbol ?? h.instrumentId]));
}
