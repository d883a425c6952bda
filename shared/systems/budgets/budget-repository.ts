import { randomUUID } from "node:crypto";
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { SqlDialectName } from "../../foundation/sql/database.js";
import type { Clock } from "../../ports/clock.js";
import type { BudgetsTable, BudgetsTables } from "./budgets-tables.js";
import type { CustomerScope } from "./customer-access.js";

/** A budget line as read: amounts exact (bigint minor units). */
export interface BudgetLine {
  readonly budgetId: string;
  readonly customerId: string;
  readonly department: string;
  readonly subCategory: string;
  readonly fiscalPeriod: string;
  readonly costCenter: string;
  readonly currency: string;
  readonly budgetedMinor: bigint;
  readonly committedMinor: bigint;
  readonly reservedMinor: bigint;
  readonly actualMinor: bigint;
  readonly source: string;
  readonly importId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a new (manual) line needs. */
export interface NewBudgetLine {
  readonly customerId: string;
  readonly department: string;
  readonly subCategory?: string;
  readonly fiscalPeriod: string;
  readonly costCenter?: string;
  readonly currency: string;
  readonly budgetedMinor: bigint;
  readonly source?: string;
  readonly importId?: string | null;
}

export interface BudgetFilter {
  readonly scope: CustomerScope;
  readonly customerId?: string;
  readonly importId?: string;
  readonly source?: string;
  readonly department?: string;
}

/** Which utilization column a reservation's amount moves between. */
export type UtilizationColumn = "reserved_minor" | "committed_minor" | "actual_minor";

/** A bigint parameter both dialects read as bigint (drivers differ on JS bigint). */
export function bigintParam(value: bigint): RawBuilder<number> {
  return sql<number>`cast(${value.toString()} as bigint)`;
}

/** Amounts read as text: exact on both dialects. */
const LINE_COLUMNS = [
  "budget_id",
  "customer_id",
  "department",
  "sub_category",
  "fiscal_period",
  "cost_center",
  "currency",
  "source",
  "import_id",
  "created_at",
  "updated_at",
  sql<string>`cast(budgeted_minor as varchar(20))`.as("budgeted"),
  sql<string>`cast(committed_minor as varchar(20))`.as("committed"),
  sql<string>`cast(reserved_minor as varchar(20))`.as("reserved"),
  sql<string>`cast(actual_minor as varchar(20))`.as("actual"),
] as const;

type LineRow = Pick<
  BudgetsTable,
  | "budget_id"
  | "customer_id"
  | "department"
  | "sub_category"
  | "fiscal_period"
  | "cost_center"
  | "currency"
  | "source"
  | "import_id"
  | "created_at"
  | "updated_at"
> & { budgeted: string; committed: string; reserved: string; actual: string };

function lineOf(row: LineRow): BudgetLine {
  return {
    budgetId: row.budget_id,
    customerId: row.customer_id,
    department: row.department,
    subCategory: row.sub_category,
    fiscalPeriod: row.fiscal_period,
    costCenter: row.cost_center,
    currency: row.currency,
    budgetedMinor: BigInt(row.budgeted),
    committedMinor: BigInt(row.committed),
    reservedMinor: BigInt(row.reserved),
    actualMinor: BigInt(row.actual),
    source: row.source,
    importId: row.import_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The key a line is unique by within its customer (case and spacing do not make a new line). */
export function lineKey(department: string, subCategory: string, fiscalPeriod: string, costCenter: string): string {
  const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
  return [department, subCategory, fiscalPeriod, costCenter].map(norm).join("|");
}

/** A LIKE pattern matching what starts with `prefix` (its own wildcards escaped with "\\"). */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_[]/g, (c) => `\\${c}`)}%`;
}

/** Budget lines and their utilization: reading, and the atomic moves of money between columns. */
export class BudgetRepository {
  readonly #db: Kysely<BudgetsTables>;
  readonly #dialect: SqlDialectName;
  readonly #clock: Clock;

  constructor(db: Kysely<BudgetsTables>, dialect: SqlDialectName, clock: Clock) {
    this.#db = db;
    this.#dialect = dialect;
    this.#clock = clock;
  }

  /** A repository bound to a transaction (the reservations move money and rows together). */
  with(db: Kysely<BudgetsTables>): BudgetRepository {
    return new BudgetRepository(db, this.#dialect, this.#clock);
  }

  async insertLine(line: NewBudgetLine): Promise<BudgetLine> {
    const now = this.#clock.now().toISOString();
    const budgetId = randomUUID();
    const subCategory = line.subCategory ?? "";
    const costCenter = line.costCenter ?? "";
    await this.#db
      .insertInto("budgets")
      .values({
        budget_id: budgetId,
        customer_id: line.customerId,
        department: line.department,
        sub_category: subCategory,
        fiscal_period: line.fiscalPeriod,
        cost_center: costCenter,
        line_key: lineKey(line.department, subCategory, line.fiscalPeriod, costCenter),
        currency: line.currency,
        budgeted_minor: line.budgetedMinor.toString(),
        committed_minor: "0",
        reserved_minor: "0",
        actual_minor: "0",
        source: line.source ?? "manual",
        import_id: line.importId ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return (await this.findLine(budgetId))!;
  }

  async findLine(budgetId: string): Promise<BudgetLine | undefined> {
    const row = await this.#db
      .selectFrom("budgets")
      .select(LINE_COLUMNS)
      .where("budget_id", "=", budgetId)
      .where("removed_at", "is", null)
      .executeTakeFirst();
    return row ? lineOf(row) : undefined;
  }

  /**
   * The live line of a customer's department, sub-category ("" for none) and period, as
   * the import keys lines (case and spacing do not matter): the one without a cost center,
   * else the first by cost center. Index seeks on (customer_id, line_key), never a scan of
   * the customer's lines: a budget check runs this on every call.
   */
  async matchLine(
    customerId: string,
    department: string,
    subCategory: string,
    fiscalPeriod: string,
  ): Promise<BudgetLine | undefined> {
    const prefix = lineKey(department, subCategory, fiscalPeriod, "");
    const live = this.#db
      .selectFrom("budgets")
      .select(LINE_COLUMNS)
      .where("customer_id", "=", customerId)
      .where("removed_at", "is", null);
    const exact = await live.where("line_key", "=", prefix).executeTakeFirst();
    if (exact) return lineOf(exact);
    // Keys starting with the prefix: a LIKE with a literal prefix is a range seek on SQL
    // Server; SQLite only seeks a case-insensitive LIKE on a NOCASE column, so it gets the
    // range spelled out (its keys compare as UTF-8 bytes; "}" follows the "|" separator).
    let withCostCenter = live.where(sql<boolean>`line_key like ${likePrefix(prefix)} escape '\\'`);
    if (this.#dialect === "sqlite")
      withCostCenter = withCostCenter.where("line_key", ">", prefix).where("line_key", "<", `${prefix.slice(0, -1)}}`);
    const rows = await withCostCenter.orderBy("cost_center").orderBy("budget_id").limit(20).execute();
    // A "|" inside a department or sub-category could make another line's key share the prefix.
    const row = rows.find((r) => lineKey(r.department, r.sub_category, r.fiscal_period, "") === prefix);
    return row ? lineOf(row) : undefined;
  }

  async pageLines(
    filter: BudgetFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: BudgetLine[]; total: number }> {
    if (filter.scope !== "all" && filter.scope.length === 0) return { items: [], total: 0 };
    let query = this.#db.selectFrom("budgets").where("removed_at", "is", null);
    if (filter.scope !== "all") query = query.where("customer_id", "in", filter.scope);
    if (filter.customerId) query = query.where("customer_id", "=", filter.customerId);
    if (filter.importId) query = query.where("import_id", "=", filter.importId);
    if (filter.source) query = query.where("source", "=", filter.source);
    if (filter.department) query = query.where(sql`lower(department)`, "=", filter.department.trim().toLowerCase());
    const [rows, count] = await Promise.all([
      query
        .select(LINE_COLUMNS)
        .orderBy("customer_id")
        .orderBy("fiscal_period")
        .orderBy("line_key")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      query.select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(lineOf), total: Number(count.n) };
  }

  /**
   * Adds `amount` to a column in ONE conditional UPDATE. With `guarded`, the row changes
   * only while actual + committed + reserved + amount stays within the budgeted amount, so
   * parallel requests can never over-commit: the database decides, never a read before.
   * False when the guard refused (or the line is gone).
   */
  async add(budgetId: string, column: UtilizationColumn, amount: bigint, guarded: boolean): Promise<boolean> {
    let update = this.#db
      .updateTable("budgets")
      .set((eb) => ({
        [column]: eb(column, "+", bigintParam(amount)),
        updated_at: this.#clock.now().toISOString(),
      }))
      .where("budget_id", "=", budgetId)
      .where("removed_at", "is", null);
    if (guarded) {
      update = update.where(
        sql`actual_minor + committed_minor + reserved_minor + ${bigintParam(amount)}`,
        "<=",
        sql.ref("budgeted_minor"),
      );
    }
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Moves `amount` from one column to another in one statement (release, commit, actual). */
  async move(budgetId: string, from: UtilizationColumn, to: UtilizationColumn | null, amount: bigint): Promise<void> {
    await this.#db
      .updateTable("budgets")
      .set((eb) => ({
        [from]: eb(from, "-", bigintParam(amount)),
        ...(to ? { [to]: eb(to, "+", bigintParam(amount)) } : {}),
        updated_at: this.#clock.now().toISOString(),
      }))
      .where("budget_id", "=", budgetId)
      .execute();
  }
}
