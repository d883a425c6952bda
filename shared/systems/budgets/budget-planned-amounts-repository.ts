import { sql, type Kysely } from "kysely";
import type { BudgetsTables } from "./budgets-tables.js";

/**
 * A customer's budgeted amounts by department, sub-category, fiscal period, cost center and
 * currency (what other systems compare actuals with), exact minor units; "" where a line
 * has none.
 */
export interface PlannedAmount {
  readonly department: string;
  readonly subCategory: string;
  readonly fiscalPeriod: string;
  readonly costCenter: string;
  readonly currency: string;
  readonly budgetedMinor: bigint;
  readonly lines: number;
  /** One of the lines' ids (evidence). */
  readonly sampleBudgetId: string;
}

/** The most planned-amount groups one read returns (a customer's budget is far smaller). */
export const PLANNED_AMOUNTS_CAP = 50_000;

/** Summed in SQL over the customer's current lines (removed ones left out). */
export async function readPlannedAmounts(db: Kysely<BudgetsTables>, customerId: string): Promise<PlannedAmount[]> {
  const rows = await db
    .selectFrom("budgets")
    .where("customer_id", "=", customerId)
    .where("removed_at", "is", null)
    .select([
      "department",
      "sub_category",
      "fiscal_period",
      "cost_center",
      "currency",
      sql<string>`cast(sum(budgeted_minor) as varchar(20))`.as("budgeted"),
      sql<number>`count(*)`.as("lines"),
      sql<string>`min(budget_id)`.as("sample_id"),
    ])
    .groupBy(["department", "sub_category", "fiscal_period", "cost_center", "currency"])
    .orderBy("fiscal_period")
    .orderBy("cost_center")
    .orderBy("department")
    .orderBy("sub_category")
    .orderBy("currency")
    .limit(PLANNED_AMOUNTS_CAP)
    .execute();
  return rows.map((r) => ({
    department: r.department,
    subCategory: r.sub_category,
    fiscalPeriod: r.fiscal_period,
    costCenter: r.cost_center,
    currency: r.currency,
    budgetedMinor: BigInt(r.budgeted),
    lines: Number(r.lines),
    sampleBudgetId: r.sample_id,
  }));
}
