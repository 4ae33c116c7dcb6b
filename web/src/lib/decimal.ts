/**
 * Exact arithmetic on `Decimal` strings ("1234.50", "-0.3"), with BigInt: amounts are never JS floats. Only what
 * the screens need: a difference (a portfolio's day change), a sign, and a number for a chart to place a point.
 */

type Scaled = { units: bigint; scale: number };

function parse(amount: string): Scaled | null {
  const match = /^\s*([+-]?)(\d+)(?:\.(\d+))?\s*$/.exec(amount);
  if (!match) return null;
  const [, sign = "", whole = "", fraction = ""] = match;
  const units = BigInt(whole + fraction);
  return { units: sign === "-" ? -units : units, scale: fraction.length };
}

function rescale({ units, scale }: Scaled, to: number): bigint {
  return units * 10n ** BigInt(to - scale);
}

function write(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** a − b, exactly, with the larger of the two scales ("10.5" − "0.25" = "10.25"); null when either is not a decimal. */
export function subtractDecimal(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  return write(rescale(x, scale) - rescale(y, scale), scale);
}

/** −1, 0 or 1: the sign of a decimal string ("-0.00" is 0); 0 for anything that is not a decimal. */
export function signOf(amount: string): -1 | 0 | 1 {
  const x = parse(amount);
  if (!x || x.units === 0n) return 0;
  return x.units < 0n ? -1 : 1;
}

/**
 * A decimal string as a JS number, only to place a point or bar on a chart (pixels, where a float's last digits
 * do not matter). Text — labels, tooltips, the accessible tables — always shows the string itself.
 */
export function chartValue(amount: string): number {
  const value = Number(amount);
  return Number.isFinite(value) ? value : 0;
}
