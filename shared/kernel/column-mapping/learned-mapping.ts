// A customer's confirmed mapping, remembered by the shape of the headers it was made for and
// proposed first (confidence 1) when a file of that shape comes back.
import { createHash } from "node:crypto";
import { MAX_COLUMNS } from "./column-profile.js";
import { yearlessHeader } from "./header-text.js";
import type { ColumnMapping, TargetCatalogue } from "./targets.js";

export interface LearnedMapping {
  /** The import whose confirmed mapping this is; reasons name it. */
  readonly importId: string;
  readonly mappings: readonly { readonly sourceColumn: string; readonly targetField: string }[];
}

/**
 * A stable key for a header list: SHA-256 over the headers normalised (case, accents,
 * punctuation, 4-digit and FY years dropped) and sorted. Sorted because mappings go by
 * column name, so the same columns in another order are the same shape; years dropped so
 * next year's "FY2018 Budget" finds the mapping confirmed for "FY2017 Budget". Duplicates
 * count, so a file with one more column is another shape.
 */
export function headerShapeKey(headers: readonly string[]): string {
  const shape = headers.map(yearlessHeader).sort();
  return `hs1:${createHash("sha256").update(JSON.stringify(shape)).digest("hex")}`;
}

/** Where `sourceColumn` is in `headers`: the same text first, else the one same yearless header. */
function findColumn(headers: readonly string[], sourceColumn: string): number {
  const exact = headers.findIndex((h) => h.trim() === sourceColumn.trim());
  if (exact >= 0) return exact;
  const wanted = yearlessHeader(sourceColumn);
  const matches = headers.flatMap((h, i) => (yearlessHeader(h) === wanted ? [i] : []));
  return matches.length === 1 ? matches[0]! : -1;
}

/**
 * The learned mapping laid on `headers`, each pair with confidence 1 and the reason "learned
 * from import X", or undefined when any learned column is missing, two pairs land on one
 * column or one target, or (given a catalogue) a target is no longer a field.
 */
export function applyLearnedMapping(
  headers: readonly string[],
  learned: LearnedMapping,
  catalogue?: TargetCatalogue,
): ColumnMapping[] | undefined {
  if (learned.mappings.length === 0 || learned.mappings.length > MAX_COLUMNS) return undefined;
  const fields = catalogue ? new Set(catalogue.map((t) => t.name)) : undefined;
  const columns = new Set<number>();
  const targets = new Set<string>();
  const mappings: ColumnMapping[] = [];
  for (const { sourceColumn, targetField } of learned.mappings) {
    const index = findColumn(headers, sourceColumn);
    if (index < 0 || columns.has(index) || targets.has(targetField)) return undefined;
    if (fields && !fields.has(targetField)) return undefined;
    columns.add(index);
    targets.add(targetField);
    mappings.push({
      sourceColumn: headers[index]!,
      columnIndex: index,
      targetField,
      confidence: 1,
      reason: `learned from import ${learned.importId}`,
    });
  }
  return mappings.sort((a, b) => a.columnIndex - b.columnIndex);
}
