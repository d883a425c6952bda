// Column mapping and file-type detection over an already-parsed table, shared by the budget
// import (#19) and the analytics import (#20): each brings its own target catalogue.
export { analyzeBudgetColumns, type BudgetColumnAnalysis } from "./budget-analysis.js";
export { BUDGET_TARGETS } from "./budget-targets.js";
export { MAX_COLUMNS } from "./column-profile.js";
export { type MappingOptions, proposeMappings } from "./column-mapper.js";
export {
  detectFileType,
  FILE_TYPE_THRESHOLD,
  type FileType,
  type FileTypeDetection,
  type FileVerdict,
} from "./file-type.js";
export { editDistance, normalizeHeader } from "./header-text.js";
export { checkMappings, type MappingRequest } from "./mapping-check.js";
export { EXPENSE_TARGETS } from "./expense-targets.js";
export { applyLearnedMapping, headerShapeKey, type LearnedMapping } from "./learned-mapping.js";
export type {
  ColumnMapping,
  Language,
  MappingProposal,
  ParsedTable,
  TargetCatalogue,
  TargetField,
  UnmappedColumn,
  ValueKind,
} from "./targets.js";
export { isAmountLike, isCurrencyCode, isDateLike, isPeriodLike } from "./value-shapes.js";
