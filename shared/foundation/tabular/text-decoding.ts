// Turns the bytes of a text file into a string: byte-order mark first, then a UTF-16 guess
// from the NUL pattern (chardet does not see BOM-less UTF-16), then strict UTF-8, then chardet.
import chardet from "chardet";
import iconv from "iconv-lite";

export interface DecodedText {
  readonly text: string;
  readonly encoding: string;
  readonly warnings: string[];
}

const BOMS: readonly { readonly bytes: readonly number[]; readonly encoding: string }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be" },
];

/** chardet's names for the West European single-byte code pages, all read as windows-1252. */
const WESTERN = new Set(["ISO-8859-1", "ISO-8859-15", "windows-1252"]);

/** The encoding a text file is in, and how many bytes of byte-order mark to skip. */
export interface TextEncodingChoice {
  readonly encoding: string;
  readonly bomLength: number;
  readonly warnings: string[];
}

/**
 * Chooses the encoding from the file's first bytes. `complete` says the bytes are the whole
 * file; otherwise a multi-byte character cut at the end is not taken as invalid UTF-8.
 */
export function chooseEncoding(head: Uint8Array, complete: boolean): TextEncodingChoice {
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => head[i] === b))
      return { encoding: bom.encoding, bomLength: bom.bytes.length, warnings: [] };
  }
  const utf16 = utf16ByNulPattern(head);
  if (utf16) {
    return {
      encoding: utf16,
      bomLength: 0,
      warnings: [`The file has no byte-order mark; it was read as ${utf16.toUpperCase()}.`],
    };
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: !complete });
    return { encoding: "utf-8", bomLength: 0, warnings: [] };
  } catch {
    return guessLegacy(head);
  }
}

export function decodeText(bytes: Uint8Array): DecodedText {
  const { encoding, bomLength, warnings } = chooseEncoding(bytes, true);
  return {
    text: iconv.decode(Buffer.from(bytes.subarray(bomLength)), encoding, { stripBOM: false }),
    encoding,
    warnings,
  };
}

/**
 * Text in UTF-16 without a BOM has a NUL in every other byte wherever it is ASCII (digits,
 * delimiters, most letters): NULs at odd offsets mean little-endian, at even offsets big-endian.
 */
function utf16ByNulPattern(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const sample = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (sample < 4) return null;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < sample; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) evenNuls++;
    else oddNuls++;
  }
  const pairs = sample / 2;
  if (oddNuls >= pairs * 0.6 && evenNuls <= pairs * 0.05) return "utf-16le";
  if (evenNuls >= pairs * 0.6 && oddNuls <= pairs * 0.05) return "utf-16be";
  return null;
}

/**
 * chardet's guess. ISO-8859-1 is read as windows-1252, as browsers do (WHATWG Encoding): the
 * bytes 0x80-0x9F are C1 controls in Latin-1 but € ‚ ’ “ in the files people actually save.
 * A guess outside the Western family is taken only when chardet is fairly sure of it, since
 * short Western texts are often scored as Central European or Turkish.
 */
function guessLegacy(bytes: Uint8Array): TextEncodingChoice {
  const [best] = chardet.analyse(bytes);
  const western =
    best === undefined || WESTERN.has(best.name) || best.confidence < 50 || !iconv.encodingExists(best.name);
  const encoding = western ? "windows-1252" : best.name.toLowerCase();
  return {
    encoding,
    bomLength: 0,
    warnings: [`The file is not UTF-8; it was read as ${encoding}. Check that accented letters look right.`],
  };
}
