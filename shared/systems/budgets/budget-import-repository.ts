import type { Insertable, Kysely, Selectable } from "kysely";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type { BudgetImportTables, BudgetFilesTable, BudgetImportsTable } from "./budget-import-tables.js";
import type { BudgetsTables } from "./budgets-tables.js";

type Db = Kysely<BudgetImportTables & BudgetsTables>;
export type FileRow = Selectable<BudgetFilesTable>;
export type ImportRow = Selectable<BudgetImportsTable>;

export interface StagedLine {
  readonly lineKey: string;
  readonly department: string;
  readonly subCategory: string;
  readonly fiscalPeriod: string;
  readonly costCenter: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly rowNumber: number;
}

export interface RowError {
  readonly rowNumber: number;
  readonly column: string;
  readonly value: string;
  readonly message: string;
}

/** The import side's queries: files, imports, staged lines and errors, learned mappings, customer access. */
export class BudgetImportRepository {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }

  /** This connection (the transaction, inside inTransaction), for rows another part writes with an import. */
  get db(): Db {
    return this.#db;
  }

  async inTransaction<T>(work: (rows: BudgetImportRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new BudgetImportRepository(trx, this.#clock)));
  }

  async insertFile(row: Insertable<BudgetFilesTable>): Promise<void> {
    await this.#db.insertInto("budget_files").values(row).execute();
  }

  async findFile(customerId: string, fileId: string): Promise<FileRow | undefined> {
    return this.#db
      .selectFrom("budget_files")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where("file_id", "=", fileId)
      .executeTakeFirst();
  }

  /** The customer's completed import of a file with these bytes, if any (whatever it was called). */
  async importOfContent(
    customerId: string,
    sha256: string,
  ): Promise<{ import_id: string; file_name: string; completed_at: string | null } | undefined> {
    return this.#db
      .selectFrom("budget_imports")
      .innerJoin("budget_files", "budget_files.file_id", "budget_imports.file_id")
      .select(["budget_imports.import_id", "budget_imports.file_name", "budget_imports.completed_at"])
      .where("budget_files.customer_id", "=", customerId)
      .where("budget_files.content_sha256", "=", sha256)
      .where("budget_imports.status", "=", "completed")
      .orderBy("budget_imports.completed_at", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  async latestLearned(
    customerId: string,
    headerKey: string,
  ): Promise<{ importId: string; mappings: { sourceColumn: string; targetField: string }[] } | undefined> {
    const row = await this.#db
      .selectFrom("budget_learned_mappings")
      .select(["import_id", "mapping_json"])
      .where("customer_id", "=", customerId)
      .where("header_key", "=", headerKey)
      .orderBy("version", "desc")
      .limit(1)
      .executeTakeFirst();
    return row
      ? {
          importId: row.import_id,
          mappings: JSON.parse(row.mapping_json) as { sourceColumn: string; targetField: string }[],
        }
      : undefined;
  }

  async learn(customerId: string, headerKey: string, mappingJson: string, importId: string): Promise<void> {
    const last = await this.#db
      .selectFrom("budget_learned_mappings")
      .select((eb) => eb.fn.max("version").as("v"))
      .where("customer_id", "=", customerId)
      .where("header_key", "=", headerKey)
      .executeTakeFirst();
    await this.#db
      .insertInto("budget_learned_mappings")
      .values({
        customer_id: customerId,
        header_key: headerKey,
        version: Number(last?.v ?? 0) + 1,
        mapping_json: mappingJson,
        import_id: importId,
        created_at: this.#now(),
      })
      .execute();
  }

  async insertImport(row: Insertable<BudgetImportsTable>): Promise<void> {
    await this.#db.insertInto("budget_imports").values(row).execute();
  }

  async findImport(customerIds: readonly string[] | "all", importId: string): Promise<ImportRow | undefined> {
    let query = this.#db.selectFrom("budget_imports").selectAll().where("import_id", "=", importId);
    if (customerIds !== "all") {
      if (customerIds.length === 0) return undefined;
      query = query.where("customer_id", "in", customerIds);
    }
    return query.executeTakeFirst();
  }

  async updateImport(importId: string, changes: Partial<Omit<BudgetImportsTable, "import_id">>): Promise<number> {
    const result = await this.#db
      .updateTable("budget_imports")
      .set(changes)
      .where("import_id", "=", importId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async pageImports(customerId: string, page: number, pageSize: number) {
    return selectPage(
      this.#db.selectFrom("budget_imports").where("customer_id", "=", customerId),
      [
        ["created_at", "desc"],
        ["import_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  async stage(importId: string, lines: readonly StagedLine[], errors: readonly RowError[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 500) {
      await this.#db
        .insertInto("budget_import_lines")
        .values(
          lines.slice(i, i + 500).map((l) => ({
            import_id: importId,
            line_key: l.lineKey,
            department: l.department,
            sub_category: l.subCategory,
            fiscal_period: l.fiscalPeriod,
            cost_center: l.costCenter,
            currency: l.currency,
            amount_minor: l.amountMinor.toString(),
            row_number: l.rowNumber,
          })),
        )
        .execute();
    }
    for (let i = 0; i < errors.length; i += 500) {
      await this.#db
        .insertInto("budget_import_errors")
        .values(
          errors.slice(i, i + 500).map((e, n) => ({
            import_id: importId,
            seq: i + n + 1,
            row_number: e.rowNumber,
            column_name: e.column.slice(0, 200),
            value: e.value.slice(0, 500),
            message: e.message.slice(0, 500),
          })),
        )
        .execute();
    }
  }

  async stagedLines(importId: string) {
    return this.#db
      .selectFrom("budget_import_lines")
      .selectAll()
      .where("import_id", "=", importId)
      .orderBy("row_number")
      .execute();
  }

  async errorsOf(importId: string, limit: number) {
    return this.#db
      .selectFrom("budget_import_errors")
      .select(["row_number", "column_name", "value", "message"])
      .where("import_id", "=", importId)
      .orderBy("seq")
      .limit(limit)
      .execute();
  }

  /** The customer's current budget lines (not removed). */
  async currentLines(customerId: string) {
    return this.#db
      .selectFrom("budgets")
      .select([
        "budget_id",
        "line_key",
        "department",
        "sub_category",
        "fiscal_period",
        "cost_center",
        "currency",
        "budgeted_minor",
      ])
      .where("customer_id", "=", customerId)
      .where("removed_at", "is", null)
      .execute();
  }

  /** Sets the customer's budget to the staged lines: adds, changes and removes, in the caller's transaction. */
  async applyLines(
    customerId: string,
    importId: string,
    source: string,
    lines: readonly StagedLine[],
    current: readonly { budget_id: string; line_key: string }[],
    newId: () => string,
  ): Promise<void> {
    const now = this.#now();
    const existing = new Map(current.map((c) => [c.line_key, c.budget_id]));
    const keep = new Set<string>();
    for (const line of lines) {
      keep.add(line.lineKey);
      const budgetId = existing.get(line.lineKey);
      if (budgetId) {
        await this.#db
          .updateTable("budgets")
          .set({
            budgeted_minor: line.amountMinor.toString(),
            currency: line.currency,
            import_id: importId,
            source,
            updated_at: now,
          })
          .where("budget_id", "=", budgetId)
          .execute();
        continue;
      }
      // A line removed by an earlier import comes back under its old id (documents may point at it).
      const revived = await this.#db
        .updateTable("budgets")
        .set({
          budgeted_minor: line.amountMinor.toString(),
          currency: line.currency,
          import_id: importId,
          source,
          updated_at: now,
          removed_at: null,
        })
        .where("customer_id", "=", customerId)
        .where("line_key", "=", line.lineKey)
        .executeTakeFirst();
      if (Number(revived.numUpdatedRows) > 0) continue;
      await this.#db
        .insertInto("budgets")
        .values({
          budget_id: newId(),
          customer_id: customerId,
          department: line.department,
          sub_category: line.subCategory,
          fiscal_period: line.fiscalPeriod,
          cost_center: line.costCenter,
          line_key: line.lineKey,
          currency: line.currency,
          budgeted_minor: line.amountMinor.toString(),
          committed_minor: "0",
          reserved_minor: "0",
          actual_minor: "0",
          source,
          import_id: importId,
          created_at: now,
          updated_at: now,
          removed_at: null,
        })
        .execute();
    }
    const removed = current.filter((c) => !keep.has(c.line_key)).map((c) => c.budget_id);
    for (let i = 0; i < removed.length; i += 500) {
      await this.#db
        .updateTable("budgets")
        .set({ budgeted_minor: "0", removed_at: now, updated_at: now, import_id: importId })
        .where("budget_id", "in", removed.slice(i, i + 500))
        .execute();
    }
  }
}
