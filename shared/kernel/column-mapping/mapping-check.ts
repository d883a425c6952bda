import { ValidationError } from "../errors.js";
import type { TargetCatalogue } from "./targets.js";

/** A confirmed column → field pair as a client sends it. */
export interface MappingRequest {
  readonly sourceColumn: string;
  readonly targetField: string;
}

/**
 * Target field → column index for an import's confirmed mapping; a 400 naming the field for
 * a column the file lacks, a field the catalogue lacks, a field mapped twice or a `required`
 * field left unmapped (an importer may require fewer than its catalogue marks: a default
 * can stand in).
 */
export function checkMappings(
  mappings: readonly MappingRequest[],
  headers: readonly string[],
  catalogue: TargetCatalogue,
  required: readonly string[],
): ReadonlyMap<string, number> {
  const targets = new Set(catalogue.map((t) => t.name));
  const columns = new Map<string, number>();
  const issues: { field: string; message: string }[] = [];
  mappings.forEach((m, i) => {
    const index = headers.indexOf(m.sourceColumn);
    if (index < 0)
      issues.push({ field: `mappings[${i}].sourceColumn`, message: `the file has no column '${m.sourceColumn}'` });
    if (!targets.has(m.targetField))
      issues.push({ field: `mappings[${i}].targetField`, message: `must be one of ${[...targets].join(", ")}` });
    else if (columns.has(m.targetField))
      issues.push({ field: `mappings[${i}].targetField`, message: `${m.targetField} is mapped twice` });
    else if (index >= 0) columns.set(m.targetField, index);
  });
  for (const target of required)
    if (!columns.has(target) && !issues.some((i) => i.message.includes(target)))
      issues.push({ field: "mappings", message: `${target} must be mapped` });
  if (issues.length > 0) throw new ValidationError(issues);
  return columns;
}
