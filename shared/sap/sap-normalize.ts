import { isKnownCurrency, parseDecimal } from "../kernel/money.js";

/**
 * Turns SAP field values into the platform's types. SAP sends fixed-width character
 * fields (trailing blanks), zero-padded numeric ids (ALPHA format), dates as YYYYMMDD with
 * 00000000 as "no date", and CURR amounts in SAP's internal format: always two decimals,
 * whatever the currency. Each function throws SapFieldError naming the field and the value.
 */
export class SapFieldError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${field}: ${reason} (got ${JSON.stringify(value)})`);
    this.name = "SapFieldError";
  }
}

function text(field: string, raw: unknown): string {
  if (typeof raw !== "string") throw new SapFieldError(field, raw, "expected a character field");
  return raw;
}

/** A character field without SAP's trailing (and any leading) blanks; may be empty. */
export function sapText(field: string, raw: unknown): string {
  return text(field, raw).trim();
}

/** An id: trimmed, and numeric ids without ALPHA zero padding ("00004711" → "4711"). */
export function sapId(field: string, raw: unknown): string {
  const value = sapText(field, raw);
  if (value === "") throw new SapFieldError(field, raw, "is blank; an id is required");
  if (/^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, "");
  return value;
}

/** An ISO 4217 code the platform knows (WAERS). */
export function sapCurrency(field: string, raw: unknown): string {
  const value = sapText(field, raw).toUpperCase();
  if (value === "") throw new SapFieldError(field, raw, "is blank; a currency is required");
  if (!isKnownCurrency(value)) throw new SapFieldError(field, raw, `is not a currency the platform knows (ISO 4217)`);
  return value;
}

/**
 * A CURR amount in minor units of its currency. SAP keeps every CURR value with two
 * decimals and shifts the digits of currencies with other precision (TCURX): JPY 1234
 * is stored 12.34 and KWD 12.345 as 123.45. The digits are therefore always the amount in
 * the currency's minor units, so minor units = internal value × 100, for every currency.
 * Accepts SAP's leading or trailing minus ("1234.50-").
 */
export function sapAmountMinor(field: string, raw: unknown): bigint {
  const value = sapText(field, raw).replace(/\s+/g, "");
  if (value === "") throw new SapFieldError(field, raw, "is blank; an amount is required");
  const trailingMinus = value.endsWith("-");
  const unsigned = trailingMinus ? value.slice(0, -1) : value;
  if (trailingMinus && unsigned.startsWith("-")) throw new SapFieldError(field, raw, "has two signs");
  try {
    const units = parseDecimal(unsigned, 2);
    return trailingMinus ? -units : units;
  } catch {
    throw new SapFieldError(field, raw, "is not an amount with at most two decimals");
  }
}

/** A QUAN/DEC quantity (hours) as units of 10^-scale, exactly. */
export function sapQuantity(field: string, raw: unknown, scale: number): bigint {
  const value = sapText(field, raw);
  if (value === "") throw new SapFieldError(field, raw, "is blank; a quantity is required");
  try {
    return parseDecimal(value, scale);
  } catch {
    throw new SapFieldError(field, raw, `is not a number with at most ${scale} decimals`);
  }
}

/**
 * A DATS field as an ISO date. "00000000" and blanks are SAP's initial value, "no date":
 * null for optional fields, an error for required ones.
 */
export function sapDate(field: string, raw: unknown, options: { required: boolean }): string | null {
  const value = sapText(field, raw);
  if (value === "" || value === "00000000") {
    if (options.required) throw new SapFieldError(field, raw, "is SAP's initial date (no date); a date is required");
    return null;
  }
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!match) throw new SapFieldError(field, raw, "is not a date in YYYYMMDD form");
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) {
    throw new SapFieldError(field, raw, "is not a calendar date");
  }
  return `${y}-${m}-${d}`;
}

/** A problem found while normalising or cross-checking a record; kept on the record. */
export interface DataIssue {
  readonly field: string;
  readonly code:
    | "INVALID_SAP_VALUE"
    | "ID_MISMATCH"
    | "COST_TOTAL_MISMATCH"
    | "NO_SQL_RECORD"
    | "CURRENCY_MISMATCH"
    | "BILLING_CURRENCY_MISMATCH";
  readonly message: string;
}

/**
 * Collects field errors instead of throwing, so one bad value marks the record rather than
 * hiding the whole project: `issues.read(() => sapAmountMinor(...))` gives undefined and
 * records why.
 */
export class IssueCollector {
  readonly issues: DataIssue[] = [];

  read<T>(parse: () => T): T | null {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof SapFieldError)) throw error;
      this.issues.push({ field: error.field, code: "INVALID_SAP_VALUE", message: error.message });
      return null;
    }
  }

  add(issue: DataIssue): void {
    this.issues.push(issue);
  }
}

/** Normalised ids in SAP's order: numeric ids numerically ("99" before "1000"), others by text. */
export function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A SAP TIMESTAMP (YYYYMMDDhhmmss, UTC) for an instant. */
export function toSapTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** The instant of a SAP TIMESTAMP (YYYYMMDDhhmmss, UTC), or undefined when it is not one. */
export function fromSapTimestamp(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

/** An RFC scalar as text (CHAR and NUMC fields arrive as strings, numbers as numbers); absent is "". */
export function rfcText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "";
  throw new TypeError(`expected an RFC scalar, got ${typeof value}`);
}
