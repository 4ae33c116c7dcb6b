/**
 * Split arithmetic for the account screen, exact on `Decimal` strings (`decimal.ts`, BigInt): the parts of a split
 * must sum exactly to the transaction's amount, as the server requires, and what is left is shown to the cent.
 */
import { signOf, subtractDecimal } from "@/lib/decimal";
import { isDecimal } from "@/lib/format";

/** The sum of decimal strings, exactly, at the largest scale among them ("0.1" + "0.20" = "0.30"); null if one is not a decimal. */
export function sumDecimals(amounts: readonly string[]): string | null {
  let total = "0";
  for (const amount of amounts) {
    const negated = subtractDecimal("0", amount);
    if (negated === null) return null;
    const next = subtractDecimal(total, negated);
    if (next === null) return null;
    total = next;
  }
  return total;
}

export type SplitCheck =
  /** Every part is a decimal: `remainder` is the amount less their sum, exactly ("0.00" when they add up). */
  | { ok: true; remainder: string; balanced: boolean }
  /** `index` is the first part that is not a decimal (or is empty). */
  | { ok: false; index: number };

/**
 * How the parts stand against the transaction's amount: the exact remainder and whether it is zero. A split needs
 * at least two parts; `splitProblem` says why one would be refused.
 */
export function checkSplit(amount: string, parts: readonly string[]): SplitCheck {
  const index = parts.findIndex((part) => !isDecimal(part));
  if (index >= 0) return { ok: false, index };
  const sum = sumDecimals(parts.map((part) => part.trim()));
  const remainder = sum === null ? null : subtractDecimal(amount, sum);
  if (remainder === null) return { ok: false, index: 0 };
  return { ok: true, remainder, balanced: signOf(remainder) === 0 };
}

/** Why the server would refuse these parts, in words; null when they can be sent. */
export function splitProblem(amount: string, parts: readonly string[]): string | null {
  if (parts.length < 2) return "A split needs at least two parts.";
  const check = checkSplit(amount, parts);
  if (!check.ok) return `Part ${check.index + 1}: enter an amount such as -12.30.`;
  if (!check.balanced) return `The parts do not add up to the amount: ${check.remainder} left to assign.`;
  return null;
}
