import { describe, expect, it } from "vitest";

import { formatAccountType, formatDate, formatDecimal, formatMoney, isDecimal, isNegative, pickLocale } from "./format";

describe("formatMoney", () => {
  it("keeps the amount exactly as sent, trailing zeros included", () => {
    expect(formatMoney({ amount: "12.30", currency: "EUR" })).toBe("12.30 EUR");
    expect(formatMoney({ amount: "0.10", currency: "USD" })).toBe("0.10 USD");
  });

  it("keeps amounts no float can hold (en-US separators by default)", () => {
    // As a JS number this would print 12345678901234567000.
    expect(formatMoney({ amount: "12345678901234567890.12", currency: "JPY" })).toBe(
      "12,345,678,901,234,567,890.12 JPY",
    );
    expect(formatMoney({ amount: "-0.30", currency: "CHF" })).toBe("-0.30 CHF");
  });

  it("keeps the currency's own precision", () => {
    expect(formatMoney({ amount: "1500", currency: "JPY" })).toBe("1,500 JPY");
    expect(formatMoney({ amount: "1.250", currency: "BHD" })).toBe("1.250 BHD");
  });
});

describe("isNegative", () => {
  it.each([
    ["-0.01", true],
    ["-12.30", true],
    ["0.00", false],
    ["-0.00", false],
    ["12.30", false],
  ])("%s → %s", (amount, expected) => {
    expect(isNegative({ amount })).toBe(expected);
  });
});

describe("formatAccountType", () => {
  it("turns enum values into words", () => {
    expect(formatAccountType("CHECKING")).toBe("Checking");
    expect(formatAccountType("CREDIT_CARD")).toBe("Credit card");
  });
});

describe("formatDecimal", () => {
  it("adds the locale's separators and keeps every digit", () => {
    expect(formatDecimal("1234567.50", "en-US")).toBe("1,234,567.50");
    expect(formatDecimal("12345678901234567890.12", "en-US")).toBe("12,345,678,901,234,567,890.12");
    expect(formatDecimal("-1234.5", "de-DE")).toBe("-1.234,5");
    expect(formatDecimal("1234567.00", "en-IN")).toBe("12,34,567.00");
    expect(formatDecimal("12.30", "en-US")).toBe("12.30");
    expect(formatDecimal("999", "en-US")).toBe("999");
  });

  it("leaves what is not a decimal alone", () => {
    expect(formatDecimal("n/a", "en-US")).toBe("n/a");
  });

  it("is used by formatMoney", () => {
    expect(formatMoney({ amount: "-1234.50", currency: "EUR" }, "de-DE")).toBe("-1.234,50 EUR");
  });
});

describe("formatDate", () => {
  it("formats the day itself, whatever the time zone", () => {
    expect(formatDate("2026-11-28", "en-US")).toBe("Nov 28, 2026");
    expect(formatDate("2026-01-01", "de-DE")).toBe("01.01.2026");
  });
});

describe("pickLocale", () => {
  it("takes the most preferred well-formed tag", () => {
    expect(pickLocale("de-CH,de;q=0.9,en;q=0.8")).toBe("de-CH");
    expect(pickLocale("en;q=0.5, fr-FR")).toBe("fr-FR");
    expect(pickLocale(null)).toBe("en-US");
    expect(pickLocale("*")).toBe("en-US");
  });
});

describe("isDecimal", () => {
  it.each([
    ["12.30", true],
    ["-0.5", true],
    ["1e3", false],
    ["12,30", false],
    ["", false],
  ])("%s → %s", (text, expected) => {
    expect(isDecimal(text)).toBe(expected);
  });
});
