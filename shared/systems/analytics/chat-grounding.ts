/**
 * Keeps a language model's phrasing honest: every number it writes must be one the
 * calculation produced (or the question stated). Numbers are compared by value, whatever
 * the thousands separators ("1,234.50", "1.234,50" and "1234.5" are one number).
 */

/** A numeric token's value as a canonical decimal string, or undefined when it is not one. */
export function canonicalNumber(token: string): string | undefined {
  let text = token.replace(/['\u2009\u202f]/g, "");
  const lastComma = text.lastIndexOf(",");
  const lastDot = text.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) {
    // Both: the later one is the decimal separator.
    text = lastDot > lastComma ? text.replace(/,/g, "") : text.replace(/\./g, "").replace(",", ".");
  } else if (lastComma >= 0) {
    text = /^\d{1,3}(,\d{3})+$/.test(text) ? text.replace(/,/g, "") : text.replace(",", ".");
  } else if (/^\d{1,3}(\.\d{3}){2,}$/.test(text)) {
    text = text.replace(/\./g, "");
  }
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const [whole, fraction] = text.split(".");
  const integer = whole!.replace(/^0+(?=\d)/, "");
  const decimals = (fraction ?? "").replace(/0+$/, "");
  return decimals ? `${integer}.${decimals}` : integer;
}

/** Every number a text cites, canonical, in order. */
export function numbersIn(text: string): string[] {
  return [...text.matchAll(/\d(?:[\d,.'\u2009\u202f]*\d)?/g)]
    .map((m) => canonicalNumber(m[0]))
    .filter((n): n is string => n !== undefined);
}

/** The numbers of `phrased` that none of the `sources` cites (empty: the phrasing is grounded). */
export function strayNumbers(phrased: string, sources: readonly string[]): string[] {
  const allowed = new Set(sources.flatMap(numbersIn));
  return [...new Set(numbersIn(phrased).filter((n) => !allowed.has(n)))];
}
