// The budget analyze step over a parsed table: mappings (learned first), the file's type and
// whether it may be imported, and the header-shape key the confirmed mapping is stored under.
import { BUDGET_TARGETS } from "./budget-targets.js";
import { type MappingOptions, proposeMappings } from "./column-mapper.js";
import { detectFileType, type FileTypeDetection } from "./file-type.js";
import { headerShapeKey } from "./learned-mapping.js";
import type { MappingProposal, ParsedTable } from "./targets.js";

export interface BudgetColumnAnalysis extends MappingProposal {
  readonly headerShapeKey: string;
  readonly fileTypeDetection: FileTypeDetection;
  readonly canProceed: boolean;
}

export function analyzeBudgetColumns(table: ParsedTable, options: MappingOptions = {}): BudgetColumnAnalysis {
  const proposal = proposeMappings(table, BUDGET_TARGETS, options);
  // File type is judged on the header and value evidence, never on a learned mapping's 1.0s.
  const evidence = proposal.learnedFrom
    ? proposeMappings(table, BUDGET_TARGETS, { ...options, learned: undefined })
    : proposal;
  const verdict = detectFileType(table, evidence, options.sampleRows);
  return { ...proposal, headerShapeKey: headerShapeKey(table.headers), ...verdict };
}
