/**
 * Display helpers. Amounts arrive as decimal strings (the `Decimal` scalar) and are never turned into JS numbers:
 * a float cannot hold 0.1 exactly, let alone a twenty-digit balance.
 */

export type Money = { amount: string; currency: string };

/** "12.30 EUR": the amount exactly as the server sent it, then the ISO 4217 code. */
export function formatMoney({ amount, currency }: Money): string {
  return `${amount} ${currency}`;
}

/** True when the amount is below zero, read from the string itself ("-0.00" is not negative). */
export function isNegative({ amount }: Pick<Money, "amount">): boolean {
  return /^-/.test(amount.trim()) && /[1-9]/.test(amount);
}

/** "CREDIT_CARD" → "Credit card". */
export function formatAccountType(type: string): string {
  const words = type.toLowerCase().split("_");
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
