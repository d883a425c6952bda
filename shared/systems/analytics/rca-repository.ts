import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from "kysely";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { expenseWhere, type ExpenseFilter } from "./expense-filter.js";
import type { Cell, CellSource, CurrencyTotal } from "./rca-decomposition.js";

/** A fiscal year and a posting-period range in it (periods 1–16). */
export interface PeriodRange {
  readonly fiscalYear: number;
  readonly periodFrom: number;
  readonly periodTo: number;
}

export interface ExpenseSides {
  /** Absent: the baseline comes from elsewhere (budgets) and sums to zero here. */
  readonly baseline?: PeriodRange;
  readonly comparison: PeriodRange;
  /** Company code and dimension equalities (its own period fields are not used). */
  readonly filter: ExpenseFilter;
  /** Only these cost centers (actual vs budget: the budgeted ones). */
  readonly costCenters?: readonly string[];
}

/** One expense row shown as evidence for a segment. */
export interface EvidenceRow {
  readonly id: number;
  readonly side: "baseline" | "comparison";
  readonly monthYear: string;
  readonly amountMinor: bigint;
  readonly costCenterId: string | null;
  readonly generalLedgerAccount: string | null;
  readonly supplier: string | null;
  readonly segment: Readonly<Record<string, string | null>>;
}

type Eb = ExpressionBuilder<AnalyticsTables, "finance_expense">;

function inRange(eb: Eb, range: PeriodRange): Expression<SqlBool> {
  return eb.and([
    eb("general_ledger_fiscal_year", "=", range.fiscalYear),
    eb("posting_period", ">=", range.periodFrom),
    eb("posting_period", "<=", range.periodTo),
  ]);
}

function valueIn(eb: Eb, dimension: Dimension, values: ReadonlySet<string | null>): Expression<SqlBool> {
  const named = [...values].filter((v): v is string => v !== null);
  const conditions: Expression<SqlBool>[] = [];
  if (named.length > 0) conditions.push(eb(eb.ref(dimension), "in", named));
  if (values.has(null)) conditions.push(eb(eb.ref(dimension), "is", null));
  return eb.or(conditions);
}

/**
 * The expense side of an RCA as SQL aggregates: one GROUP BY per dimension combination,
 * both periods summed in the same scan with CASE, amounts read as text (exact bigint).
 */
export class ExpenseCellSource implements CellSource {
  readonly #db: Kysely<AnalyticsTables>;
  readonly #sides: ExpenseSides;
  /** The finest cube of every dimension asked for, when it is small enough (one scan). */
  #cube: { readonly dimensions: readonly Dimension[]; readonly cells: readonly Cell[] } | undefined;

  constructor(db: Kysely<AnalyticsTables>, sides: ExpenseSides) {
    this.#db = db;
    this.#sides = sides;
  }

  #scope(eb: Eb): Expression<SqlBool> {
    const { baseline, comparison, filter, costCenters } = this.#sides;
    const periods = baseline ? eb.or([inRange(eb, baseline), inRange(eb, comparison)]) : inRange(eb, comparison);
    const conditions = [
      periods,
      expenseWhere(eb, { ...filter, fiscalYear: undefined, periodFrom: undefined, periodTo: undefined }),
    ];
    if (costCenters) conditions.push(costCenters.length > 0 ? eb("cost_center_id", "in", costCenters) : eb.lit(false));
    return eb.and(conditions);
  }

  #sums(eb: Eb) {
    const { baseline, comparison } = this.#sides;
    const base = baseline ? inRange(eb, baseline) : eb.lit(false);
    const comp = inRange(eb, comparison);
    return [
      sql<string>`cast(coalesce(sum(case when ${base} then amount_minor else 0 end), 0) as varchar(20))`.as("base"),
      sql<string>`cast(coalesce(sum(case when ${comp} then amount_minor else 0 end), 0) as varchar(20))`.as("comp"),
      sql<number>`coalesce(sum(case when ${base} then 1 else 0 end), 0)`.as("base_rows"),
      sql<number>`coalesce(sum(case when ${comp} then 1 else 0 end), 0)`.as("comp_rows"),
    ] as const;
  }

  /**
   * Reads the finest cube (one GROUP BY over all `dimensions`) so every coarser aggregate is
   * summed from it in memory: one scan instead of one per combination. Only when it has at
   * most `cap` groups; otherwise each level stays a pruned GROUP BY of its own.
   */
  async useCube(dimensions: readonly Dimension[], cap: number): Promise<boolean> {
    this.#cube = undefined;
    const cells = await this.#query(dimensions, new Map(), cap + 1);
    if (cells.length > cap) return false;
    this.#cube = { dimensions, cells };
    return true;
  }

  async totals(): Promise<CurrencyTotal[]> {
    if (this.#cube) {
      const cells = this.#rollUp([], new Map());
      return cells.map(({ values: _v, ...t }) => t).sort((a, b) => (a.currency < b.currency ? -1 : 1));
    }
    const rows = await this.#db
      .selectFrom("finance_expense")
      .where((eb) => this.#scope(eb))
      .select((eb) => ["company_code_currency_key as currency", ...this.#sums(eb)])
      .groupBy("company_code_currency_key")
      .orderBy("company_code_currency_key")
      .execute();
    return rows.map((r) => ({
      currency: r.currency,
      baseMinor: BigInt(r.base),
      compMinor: BigInt(r.comp),
      baseRows: Number(r.base_rows),
      compRows: Number(r.comp_rows),
    }));
  }

  async cells(
    dimensions: readonly Dimension[],
    allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>,
  ): Promise<Cell[]> {
    return this.#cube ? this.#rollUp(dimensions, allowed) : this.#query(dimensions, allowed);
  }

  /** Sums of the cube's cells by `dimensions` (exact bigint additions). */
  #rollUp(dimensions: readonly Dimension[], allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>): Cell[] {
    const cube = this.#cube!;
    const at = dimensions.map((d) => cube.dimensions.indexOf(d));
    const out = new Map<string, Cell>();
    for (const cell of cube.cells) {
      const values = at.map((i) => cell.values[i] ?? null);
      if (dimensions.some((d, i) => allowed.has(d) && !allowed.get(d)!.has(values[i]!))) continue;
      const key = JSON.stringify([cell.currency, ...values]);
      const c = out.get(key);
      out.set(
        key,
        c
          ? {
              ...c,
              baseMinor: c.baseMinor + cell.baseMinor,
              compMinor: c.compMinor + cell.compMinor,
              baseRows: c.baseRows + cell.baseRows,
              compRows: c.compRows + cell.compRows,
            }
          : { ...cell, values },
      );
    }
    return [...out.values()];
  }

  async #query(
    dimensions: readonly Dimension[],
    allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>,
    limit?: number,
  ): Promise<Cell[]> {
    let query = this.#db
      .selectFrom("finance_expense")
      .where((eb) => eb.and([this.#scope(eb), ...[...allowed].map(([d, values]) => valueIn(eb, d, values))]))
      .select((eb) => [
        "company_code_currency_key as currency",
        ...dimensions.map((d, i) => eb.ref(d).as(`d${i}`)),
        ...this.#sums(eb),
      ])
      .groupBy(["company_code_currency_key", ...dimensions]);
    if (limit !== undefined) query = query.orderBy("company_code_currency_key").limit(limit);
    const rows = await query.execute();
    return rows.map((r) => {
      const row = r as unknown as Record<string, string | number | null>;
      return {
        currency: r.currency,
        values: dimensions.map((_, i) => (row[`d${i}`] as string | null) ?? null),
        baseMinor: BigInt(r.base),
        compMinor: BigInt(r.comp),
        baseRows: Number(r.base_rows),
        compRows: Number(r.comp_rows),
      };
    });
  }

  /** A few rows of a segment on one side: the largest in the direction of the change. */
  async evidence(
    currency: string,
    where: readonly (readonly [Dimension, string | null])[],
    side: "baseline" | "comparison",
    direction: "desc" | "asc",
    limit: number,
  ): Promise<EvidenceRow[]> {
    const range = side === "baseline" ? this.#sides.baseline : this.#sides.comparison;
    if (!range || limit <= 0) return [];
    const rows = await this.#db
      .selectFrom("finance_expense")
      .where((eb) =>
        eb.and([
          this.#scope(eb),
          inRange(eb, range),
          eb("company_code_currency_key", "=", currency),
          ...where.map(([d, v]) => (v === null ? eb(eb.ref(d), "is", null) : eb(eb.ref(d), "=", v))),
        ]),
      )
      .select([
        "id",
        "month_year",
        sql<string>`cast(amount_minor as varchar(20))`.as("amount"),
        "cost_center_id",
        "general_ledger_account",
        "supplier",
        ...where.map(([d], i) => sql.ref<string | null>(d).as(`s${i}`)),
      ])
      .orderBy("amount_minor", direction)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const row = r as unknown as Record<string, string | null>;
      return {
        id: Number(r.id),
        side,
        monthYear: r.month_year,
        amountMinor: BigInt(r.amount),
        costCenterId: r.cost_center_id,
        generalLedgerAccount: r.general_ledger_account,
        supplier: r.supplier,
        segment: Object.fromEntries(where.map(([d], i) => [d, row[`s${i}`] ?? null])),
      };
    });
  }
}
