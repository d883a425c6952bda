// Proposes, for each column of a parsed table, the target field it most likely holds, from
// its header (names and aliases in five languages, typos tolerated) and from its values.
import { bestAssignment } from "./assignment.js";
import { type ColumnProfile, DEFAULT_SAMPLE_ROWS, knownShare, profileColumns } from "./column-profile.js";
import { type HeaderMatch, matchHeader, normalizeHeader } from "./header-text.js";
import { applyLearnedMapping, type LearnedMapping } from "./learned-mapping.js";
import type {
  ColumnMapping,
  Language,
  MappingProposal,
  ParsedTable,
  TargetCatalogue,
  TargetField,
  UnmappedColumn,
  ValueKind,
} from "./targets.js";
import { foldValue } from "./value-shapes.js";

export interface MappingOptions {
  /** Rows looked at for value evidence (default 200). */
  readonly sampleRows?: number;
  /** Pairs scoring below this are not proposed (default 0.3). */
  readonly minConfidence?: number;
  /** The customer's confirmed mapping for this header shape, proposed first when it fits. */
  readonly learned?: LearnedMapping;
}

/** A header match with the language of the alias it matched ("name" for the field's own name). */
interface NamedMatch extends HeaderMatch {
  readonly language: Language | "name";
}

/** A target's names normalised once: its own name first, then aliases by language. */
interface PreparedTarget {
  readonly target: TargetField;
  readonly names: readonly {
    readonly normalized: string;
    readonly text: string;
    readonly language: Language | "name";
  }[];
  readonly known?: ReadonlySet<string>;
}

function prepareTargets(catalogue: TargetCatalogue): PreparedTarget[] {
  return catalogue.map((target) => ({
    target,
    names: [
      { normalized: normalizeHeader(target.name), text: target.name, language: "name" as const },
      ...Object.entries(target.aliases).flatMap(([language, aliases]) =>
        (aliases ?? []).map((text) => ({ normalized: normalizeHeader(text), text, language: language as Language })),
      ),
    ],
    ...(target.knownValues ? { known: new Set(target.knownValues.map(foldValue)) } : {}),
  }));
}

function bestHeaderMatch(column: ColumnProfile, prepared: PreparedTarget): NamedMatch | undefined {
  let best: NamedMatch | undefined;
  for (const name of prepared.names) {
    const match = matchHeader(column.normalized, name.normalized, name.text);
    if (match && (!best || match.score > best.score)) best = { ...match, language: name.language };
  }
  return best;
}

const VALUE_WORDS: Readonly<Record<ValueKind, string>> = {
  amount: "are amounts",
  period: "look like periods",
  currency: "are currency codes",
  date: "are dates",
  code: "look like codes",
  text: "are text",
};
/** Kinds whose values identify a column even when its header says nothing ("Col3"). */
const TELLING_KINDS: ReadonlySet<ValueKind> = new Set(["amount", "period", "currency", "date"]);
/** Value-only evidence is capped well below any header match: a guess to confirm. */
const VALUE_ONLY_WEIGHT = 0.55;
const MIN_VALUE_ONLY_SAMPLES = 3;

const percent = (share: number) => `${Math.round(share * 100)}%`;
const round2 = (x: number) => Math.round(x * 100) / 100;

interface Candidate {
  readonly confidence: number;
  readonly reason: string;
}

function headerReason(column: ColumnProfile, field: string, match: NamedMatch): string {
  const notes: string[] = [];
  if (match.kind === "typo") notes.push(`${match.edits} typo${match.edits > 1 ? "s" : ""} from '${match.alias}'`);
  else if (match.kind === "contains") notes.push(`contains alias '${match.alias}'`);
  else if (match.language !== "name") notes.push(`alias '${match.alias}'`);
  if (match.language !== "name") notes.push(match.language.toUpperCase());
  if (match.ignored.length > 0) notes.push(`'${match.ignored.join(" ")}' ignored`);
  const same = match.kind === "exact" && match.language === "name" && match.ignored.length === 0;
  return `header '${column.label}' ${same ? "=" : "≈"} ${field}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
}

/** The evidence that `column` holds `prepared.target`, or undefined when there is none. */
function scoreColumn(column: ColumnProfile, prepared: PreparedTarget): Candidate | undefined {
  const { target } = prepared;
  const n = column.samples.length;
  const fit = column.fit[target.kind];
  const known = prepared.known && n > 0 ? knownShare(column, prepared.known) : 0;
  const valueReason =
    n === 0
      ? "no sample values"
      : known >= 0.5
        ? `${percent(known)} of sample values match ${target.knownValuesLabel ?? "known values"}`
        : `${percent(fit)} of ${n} sample values ${VALUE_WORDS[target.kind]}`;

  const header = bestHeaderMatch(column, prepared);
  if (header) {
    // Values agreeing lift a header match to its full score; values contradicting it cut 40%.
    const evidence = n === 0 ? 0.5 : Math.max(fit, known);
    return {
      confidence: round2(header.score * (0.6 + 0.4 * evidence)),
      reason: `${headerReason(column, target.name, header)}; ${valueReason}`,
    };
  }
  if (n < MIN_VALUE_ONLY_SAMPLES) return undefined;
  const valueEvidence = Math.max(TELLING_KINDS.has(target.kind) && fit >= 0.8 ? fit : 0, known >= 0.6 ? known : 0);
  if (valueEvidence === 0) return undefined;
  return {
    confidence: round2(VALUE_ONLY_WEIGHT * valueEvidence),
    reason: `header '${column.label}' names no field; ${valueReason}, like ${target.name}`,
  };
}

/**
 * Proposes a mapping of `table`'s columns onto `catalogue`: the customer's learned mapping when
 * it fits every column it names, otherwise the best-scoring assignment (each target at most once).
 */
export function proposeMappings(
  table: ParsedTable,
  catalogue: TargetCatalogue,
  options: MappingOptions = {},
): MappingProposal {
  const columns = profileColumns(table, options.sampleRows ?? DEFAULT_SAMPLE_ROWS);
  const required = catalogue.filter((t) => t.required).map((t) => t.name);

  if (options.learned) {
    const learned = applyLearnedMapping(table.headers, options.learned, catalogue);
    if (learned) {
      const used = new Set(learned.map((m) => m.columnIndex));
      const targets = new Set(learned.map((m) => m.targetField));
      return {
        mappings: learned,
        unmapped: columns
          .filter((c) => !used.has(c.index))
          .map((c) => ({
            sourceColumn: c.header,
            columnIndex: c.index,
            reason: `not in the mapping learned from import ${options.learned!.importId}`,
          })),
        missingRequired: required.filter((name) => !targets.has(name)),
        learnedFrom: options.learned.importId,
      };
    }
  }

  const prepared = prepareTargets(catalogue);
  const minConfidence = options.minConfidence ?? 0.3;
  const candidates = columns.map((column) => prepared.map((p) => scoreColumn(column, p)));
  // Integer weights keep the assignment exact and its ties deterministic.
  const weights = candidates.map((row) =>
    row.map((c) => (c && c.confidence >= minConfidence ? Math.round(c.confidence * 1000) : 0)),
  );
  const pairs = bestAssignment(weights);

  const mappings: ColumnMapping[] = pairs.map(([ci, ti]) => ({
    sourceColumn: columns[ci]!.header,
    columnIndex: ci,
    targetField: prepared[ti]!.target.name,
    confidence: candidates[ci]![ti]!.confidence,
    reason: candidates[ci]![ti]!.reason,
  }));
  const columnOf = new Map(pairs.map(([ci, ti]) => [ti, ci]));
  const assigned = new Set(pairs.map(([ci]) => ci));

  function unmappedReason(column: ColumnProfile): string {
    if (column.samples.length === 0 && column.normalized === "") return `${column.label} is blank`;
    let best = -1;
    candidates[column.index]!.forEach((c, ti) => {
      if (c && (best < 0 || c.confidence > candidates[column.index]![best]!.confidence)) best = ti;
    });
    if (best < 0) return `'${column.label}' matches no field by its header or its values`;
    const candidate = candidates[column.index]![best]!;
    const field = prepared[best]!.target.name;
    const winner = columnOf.get(best);
    if (winner !== undefined) {
      const other = mappings.find((m) => m.columnIndex === winner)!;
      return `best guess ${field} (${candidate.confidence}) went to '${columns[winner]!.label}' (${other.confidence})`;
    }
    return `best guess ${field} (${candidate.confidence}) is below the ${minConfidence} threshold`;
  }

  const unmapped: UnmappedColumn[] = columns
    .filter((c) => !assigned.has(c.index))
    .map((column) => ({ sourceColumn: column.header, columnIndex: column.index, reason: unmappedReason(column) }));

  const mapped = new Set(mappings.map((m) => m.targetField));
  return {
    mappings: mappings.sort((a, b) => a.columnIndex - b.columnIndex),
    unmapped,
    missingRequired: required.filter((name) => !mapped.has(name)),
  };
}
