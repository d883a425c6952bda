// The fields a table's columns can be mapped to. Each importer brings its own catalogue: the
// budget import below, the analytics import its finance_expense columns.

export type ValueKind = "text" | "amount" | "period" | "currency" | "date" | "code";

export type Language = "en" | "nl" | "fr" | "de" | "es";

export interface TargetField {
  /** The field's name in the importer's contract ("budgetedAmount", "cost_center_id"). */
  readonly name: string;
  /** Other ways customers write the header, per language. The name itself always counts. */
  readonly aliases: Readonly<Partial<Record<Language, readonly string[]>>>;
  readonly kind: ValueKind;
  readonly required: boolean;
  /** Values that, when most sample cells are among them, identify the column on their own. */
  readonly knownValues?: readonly string[];
  /** What the known values are, for reasons: "known departments". */
  readonly knownValuesLabel?: string;
}

export type TargetCatalogue = readonly TargetField[];

/** The table a reader produced: header texts and the cells as displayed. */
export interface ParsedTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One proposed (or confirmed) column → field pair, the seed's shape plus the column's position. */
export interface ColumnMapping {
  readonly sourceColumn: string;
  readonly columnIndex: number;
  readonly targetField: string;
  /** 0..1, two decimals. */
  readonly confidence: number;
  readonly reason: string;
}

export interface UnmappedColumn {
  readonly sourceColumn: string;
  readonly columnIndex: number;
  readonly reason: string;
}

export interface MappingProposal {
  readonly mappings: readonly ColumnMapping[];
  readonly unmapped: readonly UnmappedColumn[];
  /** Required targets no column was mapped to. */
  readonly missingRequired: readonly string[];
  /** Set when the mappings are a customer's confirmed mapping for this header shape. */
  readonly learnedFrom?: string;
}
