import type { AnomalyDirection } from "./anomaly-explanation.js";
import type { ExpenseFilter } from "./expense-filter.js";

/** What every detector is asked about: the rows (filter) and which findings matter to the caller. */
export interface AnomalyScope {
  readonly filter: ExpenseFilter;
  /** Only increases (above the normal range / up on the previous period) or only decreases. */
  readonly direction?: AnomalyDirection;
  /** Materiality: the smallest amount at issue (decimal string, each currency's precision). */
  readonly minAmount?: string;
}
