import { describe, expect, it } from "vitest";

import { formatAccountType, formatMoney, isNegative } from "./format";

describe("formatMoney", () => {
  it("keeps the amount exactly as sent, trailing zeros included", () => {
    expect(formatMoney({ amount: "12.30", currency: "EUR" })).toBe("12.30 EUR");
    expect(formatMoney({ amount: "0.10", currency: "USD" })).toBe("0.10 USD");
  });

  it("keeps amounts no float can hold", () => {
    // As a JS number this would print 12345678901234567000.
    expect(formatMoney({ amount: "12345678901234567890.12", currency: "JPY" })).toBe("12345678901234567890.12 JPY");
    expect(formatMoney({ amount: "-0.30", currency: "CHF" })).toBe("-0.30 CHF");
  });

  it("keeps the currency's own precision", () => {
    expect(formatMoney({ amount: "1500", currency: "JPY" })).toBe("1500 JPY");
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
