// What the sample cells under one header look like, computed once per column and shared by
// the mapper and the file-type detector.
import { ValidationError } from "../errors.js";
import { normalizeHeader } from "./header-text.js";
import type { ParsedTable, ValueKind } from "./targets.js";
import {
  foldValue,
  isAmountLike,
  isCodeLike,
  isCurrencyLike,
  isDateLike,
  isIbanLike,
  isPeriodLike,
  isPersonNameLike,
  isSsnLike,
  isTextLike,
} from "./value-shapes.js";

/** Wider tables are not budgets or ledgers anyone maps by hand; refusing keeps the work bounded. */
export const MAX_COLUMNS = 512;
export const DEFAULT_SAMPLE_ROWS = 200;
export const MAX_SAMPLE_ROWS = 2000;
/** Longer cells are cut before they are looked at: shapes never need more. */
const MAX_CELL_CHARS = 200;

export interface ColumnProfile {
  readonly index: number;
  readonly header: string;
  /** The header for reasons: the text, or "column 3" when it is blank. */
  readonly label: string;
  readonly normalized: string;
  /** Non-empty trimmed sample cells. */
  readonly samples: readonly string[];
  /** Share of samples of each shape, 0..1. */
  readonly fit: Readonly<Record<ValueKind, number>>;
  readonly personNames: number;
  readonly ibans: number;
  readonly ssns: number;
}

const share = (values: readonly string[], test: (v: string) => boolean) =>
  values.length === 0 ? 0 : values.filter(test).length / values.length;

function profile(index: number, header: string, samples: string[]): ColumnProfile {
  const period = share(samples, isPeriodLike);
  // A column of years or YYYYMM is periods, not amounts, though each cell is also a number.
  const amount =
    period >= 0.8 ? share(samples, (v) => isAmountLike(v) && !isPeriodLike(v)) : share(samples, isAmountLike);
  return {
    index,
    header,
    label: header.trim() === "" ? `column ${index + 1}` : header.trim(),
    normalized: normalizeHeader(header),
    samples,
    fit: {
      amount,
      period,
      date: share(samples, isDateLike),
      currency: share(samples, isCurrencyLike),
      code: share(samples, isCodeLike),
      text: share(samples, isTextLike),
    },
    personNames: share(samples, isPersonNameLike),
    ibans: share(samples, isIbanLike),
    ssns: share(samples, isSsnLike),
  };
}

/** Profiles every column from the first `sampleRows` rows. */
export function profileColumns(table: ParsedTable, sampleRows = DEFAULT_SAMPLE_ROWS): ColumnProfile[] {
  if (table.headers.length > MAX_COLUMNS) {
    throw new ValidationError(
      [{ field: "headers", message: `has ${table.headers.length} columns; at most ${MAX_COLUMNS} can be mapped` }],
      "The table has too many columns",
    );
  }
  const rows = table.rows.slice(0, Math.min(Math.max(sampleRows, 1), MAX_SAMPLE_ROWS));
  return table.headers.map((header, index) => {
    const samples: string[] = [];
    for (const row of rows) {
      const cell = (row[index] ?? "").slice(0, MAX_CELL_CHARS).trim();
      if (cell !== "") samples.push(cell);
    }
    return profile(index, header, samples);
  });
}

/** Share of the column's samples that are among `known` (folded), whole or as a leading word group. */
export function knownShare(column: ColumnProfile, known: ReadonlySet<string>): number {
  return share(column.samples, (v) => {
    const folded = foldValue(v);
    if (known.has(folded)) return true;
    // "Marketing EMEA", "Sales - North": the department followed by a qualifier.
    const words = folded.split(" ");
    for (let n = words.length - 1; n >= 1; n--) if (known.has(words.slice(0, n).join(" "))) return true;
    return false;
  });
}
