// How a column header is compared with a target's names: normalised the same way on both sides
// (case, accents, punctuation, camelCase, year tokens) and matched exactly, by containment, or
// within a small edit distance, so "Departmnet", "FY2017 Budget" and "Monto aprobado" all land.

/** Letters that NFKD does not decompose into a base letter and a mark. */
const FOLDED: Readonly<Record<string, string>> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ł: "l", þ: "th" };

/** Header text → lower-case ASCII-ish words separated by single spaces. */
export function normalizeHeader(text: string): string {
  return text
    .slice(0, 200)
    .replace(/([a-z])([A-Z])/g, "$1 $2") // budgetedAmount → budgeted Amount
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđłþ]/g, (c) => FOLDED[c] ?? c)
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** A token that only says which year or period a column is for: 2017, 20, FY2017, FY, Q1, P03. */
const DATED_TOKEN = /^(?:\d+|(?:fy|cy|ay|q|p|h)\d+|fy|cy)$/;

/** The header's words without its dated tokens ("fy2017 budget" → "budget"). */
export function undatedWords(normalized: string): string[] {
  return normalized.split(" ").filter((word) => word !== "" && !DATED_TOKEN.test(word));
}

/** 4-digit years and FY-prefixed years only: what changes from one year's file to the next. */
const YEAR_TOKEN = /^(?:(?:fy|cy)?(?:19|20)\d\d|(?:fy|cy)\d\d)$/;

/** The header as remembered across years: "FY2017 Budget" and "FY2018 Budget" are one column. */
export function yearlessHeader(text: string): string {
  return normalizeHeader(text)
    .split(" ")
    .filter((word) => word !== "" && !YEAR_TOKEN.test(word))
    .join(" ");
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1 (Damerau-Levenshtein without editing a substring twice).
 * "departmnet" → "department" is 1.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Edits tolerated in a word of this length: none below 5 letters ("amt" is not "art"). */
const typoBudget = (length: number) => (length < 5 ? 0 : length < 9 ? 1 : 2);

export type HeaderMatchKind = "exact" | "contains" | "typo";

export interface HeaderMatch {
  readonly kind: HeaderMatchKind;
  /** The alias as written in the catalogue. */
  readonly alias: string;
  /** 0..1: how strongly the header names the alias. */
  readonly score: number;
  /** Edits needed for a typo match (0 otherwise). */
  readonly edits: number;
  /** Dated header words left out of the comparison ("fy2017"). */
  readonly ignored: readonly string[];
}

/** "amounts", "costes", "categories" for "amount", "coste", "category" (EN/ES/FR/NL plural -s). */
const isPlural = (word: string, singular: string) =>
  singular.length >= 3 &&
  (word === `${singular}s` ||
    word === `${singular}es` ||
    (singular.endsWith("y") && word === `${singular.slice(0, -1)}ies`));

/** Does `word` equal `aliasWord` within the typo budget of the shorter one? Returns edits or -1. */
function wordEdits(word: string, aliasWord: string): number {
  if (word === aliasWord || isPlural(word, aliasWord)) return 0;
  // A different digit is a different column ("level7" is not a typo of "level1").
  if (/\d/.test(word) || /\d/.test(aliasWord)) return -1;
  const allowed = typoBudget(Math.min(word.length, aliasWord.length));
  if (allowed === 0 || Math.abs(word.length - aliasWord.length) > allowed) return -1;
  const edits = editDistance(word, aliasWord);
  return edits <= allowed ? edits : -1;
}

/**
 * How a normalised header matches one normalised alias, or undefined. Dated tokens are
 * ignored only when the alias has none ("level 1" must not match "level 7").
 */
export function matchHeader(header: string, alias: string, aliasText: string): HeaderMatch | undefined {
  if (header === "" || alias === "") return undefined;
  const aliasWords = alias.split(" ");
  const aliasDated = aliasWords.some((w) => DATED_TOKEN.test(w));
  const all = header.split(" ");
  const words = aliasDated ? all : undatedWords(header);
  if (words.length === 0) return undefined;
  const ignored = all.filter((w) => !words.includes(w));
  if (words.join(" ") === alias) return { kind: "exact", alias: aliasText, score: 1, edits: 0, ignored };

  // Written together or apart: "Costcenter", "cost-center", "CostCenter".
  if (words.length !== aliasWords.length || words.length > 1) {
    const e = wordEdits(words.join(""), aliasWords.join(""));
    if (e >= 0)
      return { kind: e === 0 ? "exact" : "typo", alias: aliasText, score: round3(0.95 - 0.05 * e), edits: e, ignored };
  }

  // Every alias word found among the header's words, in any order, each within its typo budget.
  let edits = 0;
  const unused = [...words];
  for (const aliasWord of aliasWords) {
    let found = -1;
    let foundEdits = Infinity;
    unused.forEach((word, i) => {
      const e = wordEdits(word, aliasWord);
      if (e >= 0 && e < foundEdits) [found, foundEdits] = [i, e];
    });
    if (found < 0) return undefined;
    edits += foundEdits;
    unused.splice(found, 1);
  }
  const penalty = 0.05 * edits;
  if (unused.length === 0)
    return { kind: edits === 0 ? "exact" : "typo", alias: aliasText, score: round3(0.95 - penalty), edits, ignored };
  // The header says more than the alias ("cost center name"): strong, less so the more it adds.
  const coverage = aliasWords.length / words.length;
  return { kind: "contains", alias: aliasText, score: round3(0.75 + 0.15 * coverage - penalty), edits, ignored };
}
