import { stripXmlForbidden } from "./text.js";

/** True when a spreadsheet would read the text as a formula (starts with = + - @, tab or CR). */
export function isFormulaLike(text: string): boolean {
  if (text.length === 0) return false;
  const first = text.charCodeAt(0);
  // = + - @ \t \r
  return first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40 || first === 0x09 || first === 0x0d;
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
