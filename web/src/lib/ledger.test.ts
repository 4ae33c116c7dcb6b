import { describe, expect, it } from "vitest";

import { checkSplit, splitProblem, sumDecimals } from "@/lib/ledger";

describe("sumDecimals", () => {
  it("adds exactly, where floats would not", () => {
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["0.1", "0.20"])).toBe("0.30");
    expect(sumDecimals(["-42.10", "-0.01", "12"])).toBe("-30.11");
    expect(sumDecimals(["99999999999999999.99", "0.01"])).toBe("100000000000000000.00");
    expect(sumDecimals([])).toBe("0");
  });

  it("refuses what is not a decimal", () => {
    expect(sumDecimals(["1", "1e3"])).toBeNull();
  });
});

describe("checkSplit", () => {
  it("shows the remainder exactly", () => {
    expect(checkSplit("-42.10", ["-30.00", "-12.09"])).toEqual({ ok: true, remainder: "-0.01", balanced: false });
    expect(checkSplit("-42.10", ["-30.00", "-12.10"])).toEqual({ ok: true, remainder: "0.00", balanced: true });
    expect(checkSplit("0.3", ["0.1", "0.2"])).toEqual({ ok: true, remainder: "0.0", balanced: true });
    expect(checkSplit("-10.00", ["-12.00", "1.00"])).toEqual({ ok: true, remainder: "1.00", balanced: false });
  });

  it("points at the first part that is not an amount", () => {
    expect(checkSplit("-10.00", ["-5", ""])).toEqual({ ok: false, index: 1 });
    expect(checkSplit("-10.00", ["1,5", "-5"])).toEqual({ ok: false, index: 0 });
  });
});

describe("splitProblem", () => {
  it("refuses what the server refuses", () => {
    expect(splitProblem("-10.00", ["-10.00"])).toBe("A split needs at least two parts.");
    expect(splitProblem("-10.00", ["-6.00", "-3.99"])).toBe(
      "The parts do not add up to the amount: -0.01 left to assign.",
    );
    expect(splitProblem("-10.00", ["-6.00", "x"])).toBe("Part 2: enter an amount such as -12.30.");
    expect(splitProblem("-10.00", ["-6.00", "-4.00"])).toBeNull();
  });
});
