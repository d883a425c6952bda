import { stripXmlForbidden } from "./text.js";

/** The first characters that make a spreadsheet read a cell as a formula. */
const FORMULA_STARTS: ReadonlySet<number> = new Set([
  0x3d, // =
  0x2b, // +
  0x2d, // -
  0x40, // @
  0x09, // tab
  0x0d, // CR
  // Full-width forms: Excel with an East Asian input method takes ＝1+1 as the formula =1+1.
  0xff1d, // ＝
  0xff0b, // ＋
  0xff0d, // －
  0xff20, // ＠
]);

/**
 * True when a spreadsheet would read the text as a formula: it starts with = + - @, tab or
 * CR, or with the full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20).
 */
export function isFormulaLike(text: string): boolean {
  return text.length > 0 && FORMULA_STARTS.has(text.charCodeAt(0));
}

/**
 * One RFC 4180 field. Text first loses the characters XML 1.0 forbids (stripXmlForbidden, the
 * set the xlsx and PDF writers strip too: a stored NUL, control character or U+FFFE never
 * reaches a file); then text a spreadsheet would run as a formula gets a leading apostrophe
 * (OWASP's CSV-injection advice), checked after stripping so "\u0001=1+1" is caught too.
 * Numbers and booleans are written as they are.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = typeof value === "string" ? stripXmlForbidden(value) : String(value);
  if (typeof value === "string" && isFormulaLike(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF line break (RFC 4180). */
export const csvRecord = (fields: readonly (string | number | boolean | null)[]) =>
  `${fields.map(csvField).join(",")}\r\n`;
