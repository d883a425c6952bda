// Amount text as people type it into spreadsheets, to an exact decimal string. Never a float.

export type DecimalSeparator = "." | ",";

export type AmountResult =
  /**
   * `value` is a plain decimal ("-1234.50") or null for a blank cell; `currency` a three-letter
   * code found beside it, not checked against ISO 4217 (see isKnownCurrency in kernel/money).
   */
  { readonly value: string | null; readonly currency?: string } | { readonly error: string };

export interface AmountOptions {
  /**
   * The column's decimal separator (see inferDecimalSeparator). Without it "1,234" and
   * "1.234" are ambiguous and read the way software writes them: "," groups, "." is decimal.
   */
  readonly decimalSeparator?: DecimalSeparator;
}

/** Dashes accountants write for zero: hyphen, en dash, em dash, minus sign. */
const ZERO_DASHES = new Set(["-", "–", "—", "−", "--"]);
/** Currency signs, including the ones written with letters ("US$", "kr", "zł"). */
const SYMBOLS = /(?:US|NZ|HK|[ARC])\$|[€$£¥₹₩₽₺₪₫฿₱₦]|kr\.?|Fr\.|zł|Kč|Ft/g;
/** An ISO 4217-shaped code beside the number ("EUR 1.000", "1,000USD"). */
const CODE = /(?<![A-Za-z])[A-Z]{3}(?![A-Za-z])/;
/** Spaces used to group digits: space, no-break space, narrow no-break space, thin space. */
const GROUP_SPACES = /[ \u00a0\u202f\u2009]/g;

/**
 * Parses "1,234.50", "1.234,50", "1 234,50", "1'234.50", "(1,234.00)", "1234.50-",
 * "€ -12,5", "EUR 1.000" and "-" (zero). Thousands groups must be of three digits (or the
 * Indian 12,34,567); anything else is an error that says what was wrong.
 */
export function parseAmount(text: string, options: AmountOptions = {}): AmountResult {
  let body = text.trim();
  if (body === "") return { value: null };
  if (ZERO_DASHES.has(body)) return { value: "0" };

  let currency: string | undefined;
  const code = CODE.exec(body);
  if (code) {
    currency = code[0];
    body = body.replace(code[0], " ");
  }
  body = body.replace(SYMBOLS, " ").trim();

  let negative = false;
  if (body.startsWith("(") && body.endsWith(")")) {
    negative = true;
    body = body.slice(1, -1).trim();
  }
  const leading = /^[-−]/.test(body);
  const trailing = /[-−]$/.test(body);
  if ([negative, leading, trailing].filter(Boolean).length > 1)
    return { error: `'${text}' has more than one minus sign` };
  if (leading || trailing) {
    negative = true;
    body = leading ? body.slice(1).trim() : body.slice(0, -1).trim();
  } else if (body.startsWith("+")) {
    body = body.slice(1).trim();
  }
  // A symbol may sit between the sign and the digits ("-€12"): strip it once more.
  body = body.replace(SYMBOLS, "").trim();
  if (body === "") return { error: `'${text}' is not an amount` };
  if (/[eE][+-]?\d+$/.test(body) && /^[\d.,]+[eE]/.test(body)) {
    return { error: `'${text}' is in scientific notation, which loses digits; format the column as a number` };
  }
  if (!/^[\d.,' ’\u00a0\u202f\u2009]+$/.test(body) || !/\d/.test(body)) return { error: `'${text}' is not an amount` };

  const digits = splitDecimal(body, options.decimalSeparator);
  if (digits === null) return { error: `'${text}' has misplaced thousands separators` };
  const whole = digits.whole.replace(/^0+(?=\d)/, "") || "0";
  const value = digits.fraction === "" ? whole : `${whole}.${digits.fraction}`;
  const isZero = !/[1-9]/.test(value);
  const signed = negative && !isZero ? `-${value}` : value;
  return currency === undefined ? { value: signed } : { value: signed, currency };
}

function splitDecimal(body: string, hint: DecimalSeparator | undefined): { whole: string; fraction: string } | null {
  const decimal = hint ?? guessDecimal(body);
  const at = decimal === null ? -1 : body.lastIndexOf(decimal);
  const wholePart = at < 0 ? body : body.slice(0, at);
  const fraction = at < 0 ? "" : body.slice(at + 1);
  if (!/^\d*$/.test(fraction)) return null;
  const grouped = wholePart.replace(GROUP_SPACES, ",").replace(/['’.]/g, ",");
  if (grouped === "") return fraction === "" ? null : { whole: "0", fraction };
  if (!/^\d+$/.test(grouped) && !/^\d{1,3}(,\d{3})+$/.test(grouped) && !/^\d{1,2}(,\d{2})+,\d{3}$/.test(grouped))
    return null;
  return { whole: grouped.replaceAll(",", ""), fraction };
}

/**
 * The decimal separator of one value when nothing says otherwise: the last of "." and ","
 * when both appear; neither when one appears twice (it groups); "," followed by exactly three
 * digits groups ("1,234"); otherwise the one that appears.
 */
function guessDecimal(body: string): DecimalSeparator | null {
  const dot = body.lastIndexOf(".");
  const comma = body.lastIndexOf(",");
  if (dot >= 0 && comma >= 0) return dot > comma ? "." : ",";
  const only = dot >= 0 ? "." : comma >= 0 ? "," : null;
  if (only === null) return null;
  if (body.indexOf(only) !== body.lastIndexOf(only)) return null;
  if (only === "," && /^\d{1,3},\d{3}$/.test(body.replace(GROUP_SPACES, ""))) return null;
  return only;
}

/**
 * The decimal separator a column of amounts uses, from the values that tell: both
 * separators in one value, one separator repeated (it groups), or one followed by other than
 * three digits. Null when no value tells ("1,234" and "1.234" alone could be either).
 */
export function inferDecimalSeparator(values: Iterable<string>): DecimalSeparator | null {
  const votes = { ".": 0, ",": 0 };
  for (const raw of values) {
    const vote = decimalOf(raw.replace(/[^\d.,]/g, ""));
    if (vote !== null) votes[vote]++;
  }
  if (votes["."] === votes[","]) return null;
  return votes["."] > votes[","] ? "." : ",";
}

/** What one value says about the decimal separator, or null when it says nothing. */
function decimalOf(digits: string): DecimalSeparator | null {
  const dot = digits.lastIndexOf(".");
  const comma = digits.lastIndexOf(",");
  if (dot >= 0 && comma >= 0) return dot > comma ? "." : ",";
  const only = dot >= 0 ? "." : comma >= 0 ? "," : null;
  if (only === null) return null;
  const other = only === "." ? "," : ".";
  if (digits.indexOf(only) !== digits.lastIndexOf(only)) return other;
  return digits.length - digits.lastIndexOf(only) - 1 === 3 ? null : only;
}
