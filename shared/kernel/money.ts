/**
 * Exact money. Amounts are integer minor units held as `bigint` (cents for EUR, yen for
 * JPY, fils for KWD) and leave the platform as decimal strings with the currency's own
 * number of decimals. Binary floats never touch an amount.
 */

/** ISO 4217 minor-unit exponents of the currencies the platform accepts. */
const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  AED: 2,
  AUD: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PHP: 2,
  PLN: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UGX: 0,
  USD: 2,
  VND: 0,
  ZAR: 2,
};

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

/** Decimals of a currency; throws for a code the platform does not know. */
export function currencyExponent(code: string): number {
  const exponent = CURRENCY_EXPONENTS[code];
  if (exponent === undefined) throw new RangeError(`unknown currency '${code}'`);
  return exponent;
}

/** An amount on the wire: a decimal string in the currency's own precision. */
export interface Money {
  readonly amount: string;
  readonly currency: string;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal string ("-1234.5") into units of 10^-scale, exactly. More
 * fractional digits than `scale` is an error, never a silent rounding.
 */
export function parseDecimal(text: string, scale: number): bigint {
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`'${text}' is not a decimal number`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > scale) throw new RangeError(`'${text}' has more than ${scale} decimal places`);
  const units = BigInt(whole! + fraction.padEnd(scale, "0"));
  return sign ? -units : units;
}

/** Formats units of 10^-scale as a decimal string with exactly `scale` decimals. */
export function formatDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? "" : `.${digits.slice(-scale)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

export function toMoney(minorUnits: bigint, currency: string): Money {
  return { amount: formatDecimal(minorUnits, currencyExponent(currency)), currency };
}

/** Parses an API amount ("1234.50") in a currency into minor units. */
export function parseMoney(amount: string, currency: string): bigint {
  return parseDecimal(amount, currencyExponent(currency));
}

/** Divides with rounding half away from zero (the commercial rounding finance expects). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return negative ? -quotient : quotient;
}

/**
 * Variance of actual against plan, in minor units, and as a percentage of plan with two
 * decimals ("12.35"); the percentage is null when the plan is zero.
 */
export function variance(actualMinor: bigint, plannedMinor: bigint): { variance: bigint; variancePct: string | null } {
  const diff = actualMinor - plannedMinor;
  // percent with 2 decimals = diff / plan * 100 * 100, rounded once at the end.
  const pct = plannedMinor === 0n ? null : formatDecimal(divideRounded(diff * 10_000n, plannedMinor), 2);
  return { variance: diff, variancePct: pct };
}

/**
 * A decimal string with thousands separators for people: "-1234567.5" -> "-1,234,567.5".
 * A string operation on the digits given, so nothing is rounded; text that is not a plain
 * decimal comes back unchanged.
 */
export function groupThousands(decimal: string): string {
  const match = DECIMAL.exec(decimal);
  if (!match) return decimal;
  const [, sign = "", whole, fraction] = match;
  return `${sign}${whole!.replace(/\B(?=(\d{3})+$)/g, ",")}${fraction === undefined ? "" : `.${fraction}`}`;
}

/**
 * An amount for people, "1,234,567.89 EUR": the exact digits of the money string, padded
 * to the currency's decimals ("12.5" EUR shows as "12.50 EUR"), never through a float.
 */
export function displayMoney(amount: string, currency: string): string {
  const match = DECIMAL.exec(amount);
  const decimals = isKnownCurrency(currency) ? currencyExponent(currency) : 0;
  const fraction = match?.[3] ?? "";
  const padded = match && fraction.length < decimals ? formatDecimal(parseDecimal(amount, decimals), decimals) : amount;
  return `${groupThousands(padded)} ${currency}`;
}
