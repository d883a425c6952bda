/**
 * Exact decimals for the EN 16931 arithmetic rules: a bigint of units at a scale, so
 * "100.10" + "0.2" is exactly "100.30", never a binary float. The kernel's money module
 * fixes the scale per currency; the rules need any scale (quantities, percentages), so
 * this small type lives beside them.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Parses an xs:decimal lexical value (whitespace trimmed); undefined when it is not one. */
export function parseDecimalText(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = "", fraction = ""] = match;
  if (whole === "" && fraction === "") return undefined;
  const units = BigInt(`${whole || "0"}${fraction}`);
  return { units: sign === "-" ? -units : units, scale: fraction.length };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b);
  return { units: x - y, scale };
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function abs(a: Decimal): Decimal {
  return a.units < 0n ? { units: -a.units, scale: a.scale } : a;
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce(add, ZERO);
}

/**
 * Rounds to `places` decimals as the official Schematron does with
 * `round(x * 100) div 100`: XPath round() takes halves towards positive infinity.
 */
export function roundHalfUp(a: Decimal, places = 2): Decimal {
  if (a.scale <= places) return a;
  const divisor = 10n ** BigInt(a.scale - places);
  let quotient = a.units / divisor; // truncates towards zero
  const remainder = a.units - quotient * divisor;
  if (remainder !== 0n) {
    if (a.units < 0n) quotient -= 1n; // floor for negatives
    const floorRemainder = a.units - quotient * divisor; // in [0, divisor)
    if (floorRemainder * 2n >= divisor) quotient += 1n;
  }
  return { units: quotient, scale: places };
}

/** Divides by a power of ten exactly (a percentage rate into a factor). */
export function shift(a: Decimal, places: number): Decimal {
  return { units: a.units, scale: a.scale + places };
}

/** Plain decimal text without trailing fractional zeros beyond two places ("100.10"). */
export function formatDecimal(a: Decimal): string {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, "0");
  let whole = digits.slice(0, digits.length - a.scale);
  let fraction = a.scale > 0 ? digits.slice(digits.length - a.scale) : "";
  fraction = fraction.replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  whole = whole === "" ? "0" : whole;
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}
