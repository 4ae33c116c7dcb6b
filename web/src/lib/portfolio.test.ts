import { describe, expect, it } from "vitest";

import { assetClassLabel, FIGURES, formatPercent, periodLabel, reasonText, trimDecimal } from "@/lib/portfolio";

describe("formatPercent", () => {
  it("writes ratios as percentages with two decimals in the locale", () => {
    expect(formatPercent(0.2265625, "en-US")).toBe("22.66%");
    expect(formatPercent(0.5, "de-DE")).toBe("50,00\u00a0%");
    expect(formatPercent(-0.031, "en-US")).toBe("-3.10%");
    expect(formatPercent(0.031, "en-US", { signed: true })).toBe("+3.10%");
  });

  it("gives nothing for a missing figure rather than a made-up 0 %", () => {
    expect(formatPercent(null)).toBeNull();
    expect(formatPercent(undefined)).toBeNull();
    expect(formatPercent(Number.NaN)).toBeNull();
  });
});

describe("labels", () => {
  it("names periods, reasons and asset classes", () => {
    expect(periodLabel("YTD")).toBe("Year to date");
    expect(periodLabel("ODD")).toBe("ODD");
    expect(reasonText("NO_ROOT")).toBe("The money-weighted equation has no solution");
    expect(reasonText(null)).toBe("Not available");
    expect(assetClassLabel("real_estate")).toBe("Real estate");
    expect(assetClassLabel("")).toBe("Not set");
  });

  it("defines every figure", () => {
    expect(FIGURES.map((f) => f.label)).toEqual(["ROI", "XIRR (period)", "XIRR (a year)", "TWR", "Modified Dietz"]);
    for (const figure of FIGURES) expect(figure.definition.length).toBeGreaterThan(40);
  });
});

describe("trimDecimal", () => {
  it("drops only the zeros that say nothing", () => {
    expect(trimDecimal("130.0000000000")).toBe("130.00");
    expect(trimDecimal("0.1234500000")).toBe("0.12345");
    expect(trimDecimal("-7.5")).toBe("-7.50");
    expect(trimDecimal("42")).toBe("42.00");
    expect(trimDecimal("10", 0)).toBe("10");
    expect(trimDecimal("1.000", 0)).toBe("1");
    expect(trimDecimal("n/a")).toBe("n/a");
  });
});
