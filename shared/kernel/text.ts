// The character rules for text: what the edge refuses from callers, and what every file writer
// strips whatever the source (SAP, old rows), so a stored value can never corrupt a file.

/** Why a character is refused in caller text. */
export type ForbiddenCharacterKind = "control character" | "non-character" | "lone surrogate";

export interface ForbiddenCharacter {
  readonly kind: ForbiddenCharacterKind;
  /** The code point (a lone surrogate's own code unit). */
  readonly codePoint: number;
  /** 1-based position in code points. */
  readonly position: number;
}

/** "U+0001", "U+1FFFE". */
export const codePointLabel = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;

/** U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, ...). */
export const isNonCharacter = (codePoint: number) =>
  (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;

/** C0 controls, DEL and C1 controls; tab, LF and CR only when `multiline` is false. */
function isRefusedControl(codePoint: number, multiline: boolean): boolean {
  if (codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d) return !multiline;
  return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
}

// Quick pre-check: anything below U+0020, DEL/C1, a surrogate code unit, or U+FDD0..U+FFFF.
// Supplementary non-characters (U+1FFFE, ...) are surrogate pairs, so they pass through it too.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MAYBE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\uffff]/;

/**
 * The first character caller text may not hold: a control character (C0 but tab, LF and CR
 * where `multiline` allows them; DEL; C1), a non-character, or a lone surrogate. None of them
 * is text anyone types, and each can break a file later (XML 1.0 forbids most of them).
 */
export function findForbiddenCharacter(
  text: string,
  options: { readonly multiline?: boolean } = {},
): ForbiddenCharacter | undefined {
  if (!MAYBE_FORBIDDEN.test(text)) return undefined;
  const multiline = options.multiline ?? false;
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    position++;
    const codePoint = text.codePointAt(i)!;
    if (codePoint > 0xffff) {
      i++; // the pair's low half
      if (isNonCharacter(codePoint)) return { kind: "non-character", codePoint, position };
      continue;
    }
    // codePointAt combines a well-formed pair; a surrogate seen on its own is lone.
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return { kind: "lone surrogate", codePoint, position };
    if (isNonCharacter(codePoint)) return { kind: "non-character", codePoint, position };
    if (isRefusedControl(codePoint, multiline)) return { kind: "control character", codePoint, position };
  }
  return undefined;
}

/** The problem as a field-level message: `must not contain control character U+0001 (at character 4)`. */
export function describeForbiddenCharacter(found: ForbiddenCharacter): string {
  const article = found.kind === "lone surrogate" ? "a " : "";
  return `must not contain ${article}${found.kind} ${codePointLabel(found.codePoint)} (at character ${found.position})`;
}

// XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// With the u flag a lone surrogate is one code point outside every range, so it matches too.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const XML_FORBIDDEN_ALL = new RegExp(XML_FORBIDDEN.source, "gu");

/**
 * `text` without the characters XML 1.0 forbids: C0 controls but tab, LF and CR, lone
 * surrogates, U+FFFE and U+FFFF. One such character makes an .xlsx sheet invalid XML (Excel
 * reports corruption, LibreOffice drops every row after it); PDF and CSV writers strip the
 * same set, so every file shows a stored value the same way. Every file writer passes its
 * text through here, whatever the source.
 */
export function stripXmlForbidden(text: string): string {
  return XML_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN_ALL, "") : text;
}
