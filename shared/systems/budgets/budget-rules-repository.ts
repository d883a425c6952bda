import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Clock } from "../../ports/clock.js";
import type { BudgetApprovalRulesTable, BudgetsTables } from "./budgets-tables.js";
import type { ApprovalRule, OverBudget } from "./budget-rules.js";

export interface RuleFields {
  readonly department: string | null;
  readonly subCategory: string | null;
  readonly currency: string;
  readonly thresholdMinor: bigint;
  readonly overBudget: OverBudget;
  readonly warnPercent: number;
}

export interface StoredRule extends ApprovalRule {
  readonly ruleId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type Row = Omit<BudgetApprovalRulesTable, "threshold_minor"> & { threshold: string };

function ruleOf(row: Row): StoredRule {
  return {
    ruleId: row.rule_id,
    customerId: row.customer_id,
    department: row.department,
    subCategory: row.sub_category,
    currency: row.currency,
    thresholdMinor: BigInt(row.threshold),
    overBudget: row.over_budget,
    warnPercent: row.warn_percent,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Auto-approval rules per customer. */
export class BudgetRulesRepository {
  readonly #db: Kysely<BudgetsTables>;
  readonly #clock: Clock;

  constructor(db: Kysely<BudgetsTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  #select() {
    return this.#db
      .selectFrom("budget_approval_rules")
      .select([
        "rule_id",
        "customer_id",
        "department",
        "sub_category",
        "currency",
        "over_budget",
        "warn_percent",
        "created_at",
        "updated_at",
        sql<string>`cast(threshold_minor as varchar(20))`.as("threshold"),
      ]);
  }

  async rulesOf(customerId: string): Promise<StoredRule[]> {
    const rows = await this.#select()
      .where("customer_id", "=", customerId)
      .orderBy("created_at")
      .orderBy("rule_id")
      .limit(1000)
      .execute();
    return rows.map(ruleOf);
  }

  async find(ruleId: string): Promise<StoredRule | undefined> {
    const row = await this.#select().where("rule_id", "=", ruleId).executeTakeFirst();
    return row ? ruleOf(row) : undefined;
  }

  async insert(customerId: string, fields: RuleFields): Promise<StoredRule> {
    const now = this.#clock.now().toISOString();
    const ruleId = randomUUID();
    await this.#db
      .insertInto("budget_approval_rules")
      .values({
        rule_id: ruleId,
        customer_id: customerId,
        department: fields.department,
        sub_category: fields.subCategory,
        currency: fields.currency,
        threshold_minor: fields.thresholdMinor.toString(),
        over_budget: fields.overBudget,
        warn_percent: fields.warnPercent,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return (await this.find(ruleId))!;
  }

  async update(ruleId: string, fields: RuleFields): Promise<void> {
    await this.#db
      .updateTable("budget_approval_rules")
      .set({
        department: fields.department,
        sub_category: fields.subCategory,
        currency: fields.currency,
        threshold_minor: fields.thresholdMinor.toString(),
        over_budget: fields.overBudget,
        warn_percent: fields.warnPercent,
        updated_at: this.#clock.now().toISOString(),
      })
      .where("rule_id", "=", ruleId)
      .execute();
  }

  async remove(ruleId: string): Promise<void> {
    await this.#db.deleteFrom("budget_approval_rules").where("rule_id", "=", ruleId).execute();
  }
}
