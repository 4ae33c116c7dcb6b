import { describe, expect, it } from "vitest";

import { addMonths, formatMonth, isBudgetAmount, isMonth, monthOf, progressBar } from "@/lib/budget";
import { chartValue, signOf, subtractDecimal } from "@/lib/decimal";

describe("months", () => {
  it("steps across years both ways", () => {
    expect(addMonths("2026-11", 2)).toBe("2027-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-03", -14)).toBe("2025-01");
    expect(addMonths("2026-03", 0)).toBe("2026-03");
  });
  it("reads the month in UTC and names it in the locale", () => {
    expect(monthOf(new Date("2026-11-30T23:59:59Z"))).toBe("2026-11");
    expect(formatMonth("2026-11", "en-US")).toBe("November 2026");
    expect(isMonth("2026-13")).toBe(false);
    expect(isMonth("2026-02")).toBe(true);
  });
});

describe("progress bars", () => {
  it("clamps the ratio to the bar and says when it went over", () => {
    expect(progressBar(0.456)).toEqual({ percent: 46, over: false });
    expect(progressBar(1.5)).toEqual({ percent: 100, over: true });
    expect(progressBar(null)).toEqual({ percent: 0, over: false });
    expect(progressBar(-0.2)).toEqual({ percent: 0, over: false });
  });
  it("accepts budget amounts as decimal strings only", () => {
    expect(isBudgetAmount("250")).toBe(true);
    expect(isBudgetAmount("250.50")).toBe(true);
    expect(isBudgetAmount("-1")).toBe(false);
    expect(isBudgetAmount("1e3")).toBe(false);
    expect(isBudgetAmount("2.505")).toBe(false);
  });
});

describe("exact decimals", () => {
  it("subtracts without floating point", () => {
    expect(subtractDecimal("0.3", "0.1")).toBe("0.2");
    expect(subtractDecimal("10.5", "0.25")).toBe("10.25");
    expect(subtractDecimal("1.00", "2.50")).toBe("-1.50");
    expect(subtractDecimal("12345678901234567890.01", "0.02")).toBe("12345678901234567889.99");
    expect(subtractDecimal("x", "1")).toBeNull();
  });
  it("reads signs and chart positions", () => {
    expect(signOf("-0.00")).toBe(0);
    expect(signOf("-0.01")).toBe(-1);
    expect(signOf("3")).toBe(1);
    expect(chartValue("12.30")).toBe(12.3);
    expect(chartValue("n/a")).toBe(0);
  });
});
