import type { PlannedAmount } from "../budgets/index.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { Cell, CellSource, CurrencyTotal } from "./rca-decomposition.js";
import type { ExpenseCellSource, PeriodRange } from "./rca-repository.js";

/**
 * Actual vs budget. A budget line's fields map onto expense dimensions; only these can
 * segment the comparison (the other expense dimensions have no budget counterpart).
 */
export const BUDGET_DIMENSIONS = {
  cost_center_id: "costCenter",
  directorate: "department",
  functional_area_name: "subCategory",
} as const satisfies Partial<Record<Dimension, keyof PlannedAmount>>;

export type BudgetDimension = keyof typeof BUDGET_DIMENSIONS;

export function isBudgetDimension(d: string): d is BudgetDimension {
  return Object.hasOwn(BUDGET_DIMENSIONS, d);
}

/**
 * The posting periods a budget line's `fiscalPeriod` covers (case and spacing ignored):
 * - one period: `2025-03`, `2025/03`, `2025 P03`, `FY2025 P03`, `FY2025-P3`, `P03 2025`;
 * - a quarter: `FY2025 Q1`, `2025-Q1` → periods 1–3 (Q2 4–6, Q3 7–9, Q4 10–12);
 * - a whole year: `FY2025`, `2025` → periods 1–12 (special periods 13–16 hold closing
 *   adjustments of the same year and have no budget of their own).
 * Anything else is not mapped (null) and the line is left out, and counted.
 */
export function fiscalPeriodSpan(text: string): PeriodRange | null {
  const s = text.trim().toUpperCase().replace(/\s+/g, " ");
  let m = /^(?:FY ?)?(\d{4}) ?(?:[-/] ?P? ?|P ?)(\d{1,2})$/.exec(s);
  if (m) {
    const period = Number(m[2]);
    return period >= 1 && period <= 16 ? { fiscalYear: Number(m[1]), periodFrom: period, periodTo: period } : null;
  }
  m = /^P ?(\d{1,2}) ?[-/ ]? ?(?:FY ?)?(\d{4})$/.exec(s);
  if (m) {
    const period = Number(m[1]);
    return period >= 1 && period <= 16 ? { fiscalYear: Number(m[2]), periodFrom: period, periodTo: period } : null;
  }
  m = /^(?:FY ?)?(\d{4}) ?[-/ ]? ?Q([1-4])$/.exec(s);
  if (m) {
    const q = Number(m[2]);
    return { fiscalYear: Number(m[1]), periodFrom: 3 * q - 2, periodTo: 3 * q };
  }
  m = /^(?:FY ?)?(\d{4})$/.exec(s);
  if (m) return { fiscalYear: Number(m[1]), periodFrom: 1, periodTo: 12 };
  return null;
}

/** Which of a customer's planned amounts an actual-vs-budget comparison over `range` takes. */
export interface BudgetSelection {
  readonly used: readonly PlannedAmount[];
  /** Lines whose period could not be read. */
  readonly unmapped: number;
  /** Lines of the same year only partly inside the range (never pro-rated: that would not be exact). */
  readonly partlyInRange: number;
  /** Lines without a cost center (the comparison is by cost center). */
  readonly withoutCostCenter: number;
}

export function selectBudget(planned: readonly PlannedAmount[], range: PeriodRange): BudgetSelection {
  const used: PlannedAmount[] = [];
  let unmapped = 0;
  let partlyInRange = 0;
  let withoutCostCenter = 0;
  for (const p of planned) {
    const span = fiscalPeriodSpan(p.fiscalPeriod);
    if (!span) {
      unmapped += p.lines;
      continue;
    }
    if (span.fiscalYear !== range.fiscalYear || span.periodTo < range.periodFrom || span.periodFrom > range.periodTo) {
      continue;
    }
    if (span.periodFrom < range.periodFrom || span.periodTo > range.periodTo) {
      partlyInRange += p.lines;
      continue;
    }
    if (p.costCenter.trim() === "") {
      withoutCostCenter += p.lines;
      continue;
    }
    used.push(p);
  }
  return { used, unmapped, partlyInRange, withoutCostCenter };
}

function budgetValue(p: PlannedAmount, d: BudgetDimension): string | null {
  const v = p[BUDGET_DIMENSIONS[d]].trim();
  return v === "" ? null : v;
}

/**
 * Budget (baseline, from the selected planned amounts, a small set) against actual
 * (comparison, SQL aggregates of the budgeted cost centers over the range), merged by
 * currency and segment. A "row" on the budget side is a budget line.
 */
export class BudgetCellSource implements CellSource {
  readonly #actual: ExpenseCellSource;
  readonly #budget: readonly PlannedAmount[];

  constructor(actual: ExpenseCellSource, budget: readonly PlannedAmount[]) {
    this.#actual = actual;
    this.#budget = budget;
  }

  async totals(): Promise<CurrencyTotal[]> {
    const cells = await this.#merge(await this.#actual.totals(), [], new Map());
    return cells.map(({ values: _v, ...t }) => t).sort((a, b) => (a.currency < b.currency ? -1 : 1));
  }

  async cells(
    dimensions: readonly Dimension[],
    allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>,
  ): Promise<Cell[]> {
    return this.#merge(await this.#actual.cells(dimensions, allowed), dimensions, allowed);
  }

  /** The budget lines of a segment (evidence). */
  linesOf(currency: string, where: readonly (readonly [Dimension, string | null])[]): PlannedAmount[] {
    return this.#budget.filter(
      (p) => p.currency === currency && where.every(([d, v]) => budgetValue(p, d as BudgetDimension) === v),
    );
  }

  async #merge(
    actual: readonly (Omit<Cell, "values"> & { values?: Cell["values"] })[],
    dimensions: readonly Dimension[],
    allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>,
  ): Promise<Cell[]> {
    const merged = new Map<string, Cell>();
    for (const a of actual) {
      const values = a.values ?? [];
      merged.set(JSON.stringify([a.currency, ...values]), { ...a, values, baseMinor: 0n, baseRows: 0 });
    }
    for (const p of this.#budget) {
      const values = dimensions.map((d) => budgetValue(p, d as BudgetDimension));
      if (dimensions.some((d, i) => allowed.has(d) && !allowed.get(d)!.has(values[i]!))) continue;
      const key = JSON.stringify([p.currency, ...values]);
      const cell = merged.get(key) ?? {
        currency: p.currency,
        values,
        baseMinor: 0n,
        compMinor: 0n,
        baseRows: 0,
        compRows: 0,
      };
      merged.set(key, { ...cell, baseMinor: cell.baseMinor + p.budgetedMinor, baseRows: cell.baseRows + p.lines });
    }
    return [...merged.values()];
  }
}
