import type { Kysely } from "kysely";
import type { BudgetCaller, PlannedAmount } from "../budgets/index.js";
import { ValidationError } from "../../kernel/errors.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import type { ExpenseFilter } from "./expense-filter.js";
import { BUDGET_DIMENSIONS, BudgetCellSource, isBudgetDimension, selectBudget } from "./rca-budget.js";
import {
  DEFAULT_DECOMPOSITION,
  IMPORTANCE_METHOD,
  decompose,
  segmentLabel,
  type CurrencyDecomposition,
  type Segment,
} from "./rca-decomposition.js";
import { ExpenseCellSource, type EvidenceRow, type PeriodRange } from "./rca-repository.js";
import { rcaWaterfall, type RcaWaterfall } from "./rca-waterfall.js";

/** What budgets gives analytics: a customer's planned amounts, isolation checked (404 otherwise). */
export interface BudgetReader {
  plannedAmounts(caller: BudgetCaller, customerId: string): Promise<PlannedAmount[]>;
}

export const RCA_MAX_DIMENSIONS = 6;
export const RCA_MAX_DEPTH = 3;
/** When the request names none: where expense changes usually come from. */
export const RCA_DEFAULT_DIMENSIONS: readonly Dimension[] = [
  "functional_area_name",
  "cost_center_id",
  "general_ledger_account_name",
  "supplier",
];
export const RCA_DEFAULT_BUDGET_DIMENSIONS: readonly Dimension[] = [
  "cost_center_id",
  "directorate",
  "functional_area_name",
];

export interface RcaRequest {
  /** Period over period: baseline → comparison. */
  readonly baseline?: PeriodRange;
  /** Actual vs budget over `comparison`: the customer's budgets are the baseline. */
  readonly budget?: { readonly customerId: string };
  readonly comparison: PeriodRange;
  readonly dimensions?: readonly Dimension[];
  /** Company code and dimension equalities. */
  readonly filter?: Pick<ExpenseFilter, "companyCode" | "dimensions">;
  readonly maxDepth?: number;
  readonly minImpactShare?: number;
  readonly minSupportShare?: number;
  readonly maxSegments?: number;
  readonly maxSteps?: number;
  /** Evidence rows per driver (0 for none). */
  readonly evidence?: number;
}

export interface BudgetEvidence {
  readonly budgetId: string;
  readonly fiscalPeriod: string;
  readonly budgetedMinor: bigint;
}

export interface ExplainedSegment extends Segment {
  readonly label: string;
  readonly evidence: readonly EvidenceRow[];
  /** Actual vs budget: the segment's budget lines (a sample id per group). */
  readonly budgetLines?: readonly BudgetEvidence[];
}

export interface CurrencyRca extends Omit<CurrencyDecomposition, "drivers" | "newSegments" | "vanishedSegments"> {
  readonly drivers: readonly ExplainedSegment[];
  readonly newSegments: readonly ExplainedSegment[];
  readonly vanishedSegments: readonly ExplainedSegment[];
  readonly waterfall: RcaWaterfall;
}

export interface RcaResult {
  readonly mode: "periods" | "budget";
  readonly baseline: { readonly label: string; readonly range: PeriodRange | null };
  readonly comparison: { readonly label: string; readonly range: PeriodRange };
  readonly dimensions: readonly Dimension[];
  readonly maxDepth: number;
  /** One decomposition per currency: amounts in different currencies are never added. */
  readonly currencies: readonly CurrencyRca[];
  readonly importanceMethod: typeof IMPORTANCE_METHOD;
  readonly notes: readonly string[];
}

/** Segments per currency and kind that get evidence rows (each costs one small query). */
const EVIDENCE_SEGMENTS = 3;
/** Groups of the finest cube up to which one GROUP BY serves every level (summed in memory). */
const CUBE_CAP = 100_000;

export function rangeLabel(r: PeriodRange): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return r.periodFrom === r.periodTo
    ? `${r.fiscalYear}-${p(r.periodFrom)}`
    : `${r.fiscalYear}-${p(r.periodFrom)}..${r.fiscalYear}-${p(r.periodTo)}`;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message, location: "body" }]);
}

/**
 * Root-cause analysis: the change between two periods (or actual vs budget) decomposed
 * exactly into segments of up to three dimensions, with evidence, the exact partition
 * behind the waterfall and a dimension importance view.
 */
export class RcaService {
  readonly #db: Kysely<AnalyticsTables>;
  readonly #budgets: BudgetReader;

  constructor(db: Kysely<AnalyticsTables>, budgets: BudgetReader) {
    this.#db = db;
    this.#budgets = budgets;
  }

  async analyze(caller: BudgetCaller, request: RcaRequest): Promise<RcaResult> {
    if ((request.baseline === undefined) === (request.budget === undefined)) {
      throw invalid("baseline", "give either baseline (period over period) or budget (actual vs budget), not both");
    }
    const budgetMode = request.budget !== undefined;
    const notes: string[] = [];
    const fixed = Object.keys(request.filter?.dimensions ?? {});
    const asked = [
      ...new Set(request.dimensions ?? (budgetMode ? RCA_DEFAULT_BUDGET_DIMENSIONS : RCA_DEFAULT_DIMENSIONS)),
    ];
    // A dimension the filter fixes to one value is the whole population: nothing to split.
    const dimensions = asked.filter((d) => !fixed.includes(d));
    if (dimensions.length < asked.length) {
      notes.push(`Not split by ${asked.filter((d) => fixed.includes(d)).join(", ")}: the filters fix it to one value.`);
    }
    if (dimensions.length === 0 || dimensions.length > RCA_MAX_DIMENSIONS) {
      throw invalid("dimensions", `give 1 to ${RCA_MAX_DIMENSIONS} dimensions the filters do not fix`);
    }
    const maxDepth = Math.min(request.maxDepth ?? RCA_MAX_DEPTH, RCA_MAX_DEPTH);
    const filter = request.filter ?? {};
    const options = {
      ...DEFAULT_DECOMPOSITION,
      dimensions,
      maxDepth,
      ...(request.minImpactShare !== undefined ? { minImpactShare: request.minImpactShare } : {}),
      ...(request.minSupportShare !== undefined ? { minSupportShare: request.minSupportShare } : {}),
      ...(request.maxSegments !== undefined ? { maxSegments: request.maxSegments } : {}),
      ...(request.maxSteps !== undefined ? { maxSteps: request.maxSteps } : {}),
    };

    let expenses: ExpenseCellSource;
    let budgetSource: BudgetCellSource | undefined;
    if (request.budget) {
      const allowed = Object.keys(BUDGET_DIMENSIONS).join(", ");
      const wrong = dimensions.find((d) => !isBudgetDimension(d));
      if (wrong)
        throw invalid("dimensions", `'${wrong}' has no budget counterpart; actual vs budget segments by ${allowed}`);
      if (filter.companyCode !== undefined) throw invalid("filters.companyCode", "budgets have no company code");
      const wrongFilter = Object.keys(filter.dimensions ?? {}).find((d) => !isBudgetDimension(d));
      if (wrongFilter) throw invalid(`filters.${wrongFilter}`, `actual vs budget filters by ${allowed} only`);
      const planned = await this.#budgets.plannedAmounts(caller, request.budget.customerId);
      const selection = selectBudget(planned, request.comparison);
      const used = selection.used.filter((p) =>
        Object.entries(filter.dimensions ?? {}).every(
          ([d, v]) => p[BUDGET_DIMENSIONS[d as keyof typeof BUDGET_DIMENSIONS]].trim() === v,
        ),
      );
      const costCenters = [...new Set(used.map((p) => p.costCenter.trim()))].sort();
      expenses = new ExpenseCellSource(this.#db, { comparison: request.comparison, filter, costCenters });
      budgetSource = new BudgetCellSource(expenses, used);
      notes.push(
        `Actual vs budget of customer ${request.budget.customerId}: ${used.length} budget line groups over ${costCenters.length} cost centers; actuals are the expenses of those cost centers in ${rangeLabel(request.comparison)}.`,
        "Budget fiscal periods map to posting periods: 'YYYY-PP' / 'FYYYYY PNN' one period, 'FYYYYY QN' periods 3N-2..3N, 'FYYYYY' periods 1-12; a line counts only when its whole span lies in the range (never pro-rated).",
      );
      if (selection.unmapped > 0)
        notes.push(`${selection.unmapped} budget lines have a fiscal period that could not be read and were left out.`);
      if (selection.partlyInRange > 0)
        notes.push(
          `${selection.partlyInRange} budget lines cover periods only partly inside the range and were left out.`,
        );
      if (selection.withoutCostCenter > 0)
        notes.push(`${selection.withoutCostCenter} budget lines have no cost center and were left out.`);
    } else {
      expenses = new ExpenseCellSource(this.#db, {
        baseline: request.baseline!,
        comparison: request.comparison,
        filter,
      });
    }

    await expenses.useCube(dimensions, CUBE_CAP);
    const decompositions = await decompose(budgetSource ?? expenses, options);
    if (decompositions.length > 1) {
      notes.push(
        `The data holds ${decompositions.length} currencies (${decompositions.map((d) => d.currency).join(", ")}): each is decomposed on its own; amounts in different currencies are never added.`,
      );
    }
    const evidencePerSegment = Math.max(0, Math.min(request.evidence ?? 3, 10));
    const currencies: CurrencyRca[] = [];
    for (const d of decompositions) {
      const explain = async (segments: readonly Segment[], budgetEvidence: boolean) => {
        const out: ExplainedSegment[] = [];
        for (const [i, s] of segments.entries()) {
          const withRows = i < EVIDENCE_SEGMENTS && evidencePerSegment > 0;
          const increase = s.changeMinor >= 0n;
          const evidence = withRows
            ? await expenses.evidence(
                d.currency,
                s.where,
                increase || budgetMode ? "comparison" : "baseline",
                increase || !budgetMode ? "desc" : "asc",
                evidencePerSegment,
              )
            : [];
          const budgetLines =
            budgetSource && budgetEvidence
              ? budgetSource
                  .linesOf(d.currency, s.where)
                  .slice(0, Math.max(evidencePerSegment, 1))
                  .map((p) => ({
                    budgetId: p.sampleBudgetId,
                    fiscalPeriod: p.fiscalPeriod,
                    budgetedMinor: p.budgetedMinor,
                  }))
              : undefined;
          out.push({ ...s, label: segmentLabel(s.where), evidence, ...(budgetLines ? { budgetLines } : {}) });
        }
        return out;
      };
      currencies.push({
        ...d,
        drivers: await explain(d.drivers, true),
        newSegments: await explain(d.newSegments, false),
        vanishedSegments: await explain(d.vanishedSegments, true),
        waterfall: rcaWaterfall(d, {
          start: budgetMode ? "Budget" : rangeLabel(request.baseline!),
          end: budgetMode ? "Actual" : rangeLabel(request.comparison),
        }),
      });
    }
    if (currencies.length === 0) notes.push("No expenses (or budget) in the periods and filters given.");
    return {
      mode: budgetMode ? "budget" : "periods",
      baseline: budgetMode
        ? { label: "Budget", range: null }
        : { label: rangeLabel(request.baseline!), range: request.baseline! },
      comparison: { label: budgetMode ? "Actual" : rangeLabel(request.comparison), range: request.comparison },
      dimensions,
      maxDepth,
      currencies,
      importanceMethod: IMPORTANCE_METHOD,
      notes,
    };
  }
}
