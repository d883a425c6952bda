import type { Kysely } from "kysely";
import type { ExpenseImportTable, ExpenseImportTables } from "./expense-import-tables.js";

type Db = Kysely<ExpenseImportTables>;

export type ExpenseImportRow = ExpenseImportTable;

/** What a running attempt writes as it goes: progress, then the outcome. */
export type ExpenseImportProgress = Partial<
  Pick<
    ExpenseImportTable,
    | "rows_read"
    | "valid_rows"
    | "inserted_rows"
    | "duplicate_rows"
    | "error_rows"
    | "errors_json"
    | "status"
    | "error_message"
    | "completed_at"
  >
>;

/** The expense imports' job rows (the platform database, beside the job outbox). */
export class ExpenseImportRepository {
  constructor(readonly db: Db) {}

  async insert(row: ExpenseImportRow): Promise<void> {
    await this.db.insertInto("expense_imports").values(row).execute();
  }

  async find(importId: string): Promise<ExpenseImportRow | undefined> {
    return this.db.selectFrom("expense_imports").selectAll().where("import_id", "=", importId).executeTakeFirst();
  }

  /** Newest first. */
  async page(page: number, pageSize: number): Promise<{ items: ExpenseImportRow[]; total: number }> {
    const items = await this.db
      .selectFrom("expense_imports")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("import_id")
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    const count = await this.db
      .selectFrom("expense_imports")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return { items, total: Number(count.n) };
  }

  /**
   * A delivery takes the import (queued, or processing after a crashed delivery) and counts
   * its attempt from zero again; a finished import is left alone (undefined).
   */
  async startAttempt(importId: string, now: string): Promise<number | undefined> {
    const moved = await this.db
      .updateTable("expense_imports")
      .set((eb) => ({
        status: "processing",
        attempts: eb("attempts", "+", 1),
        rows_read: 0,
        valid_rows: 0,
        inserted_rows: 0,
        duplicate_rows: 0,
        error_rows: 0,
        errors_json: null,
        started_at: now,
        updated_at: now,
      }))
      .where("import_id", "=", importId)
      .where("status", "in", ["queued", "processing"])
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return undefined;
    return (await this.find(importId))?.attempts;
  }

  /** Writes the attempt's progress or outcome; 0 when a newer attempt took the import over. */
  async update(importId: string, attempt: number, changes: ExpenseImportProgress, now: string): Promise<number> {
    const moved = await this.db
      .updateTable("expense_imports")
      .set({ ...changes, updated_at: now })
      .where("import_id", "=", importId)
      .where("attempts", "=", attempt)
      .where("status", "=", "processing")
      .executeTakeFirst();
    return Number(moved.numUpdatedRows);
  }

  /** The last delivery failed: the import ends failed, whatever attempt ran it. */
  async fail(importId: string, reason: string, now: string): Promise<number> {
    const moved = await this.db
      .updateTable("expense_imports")
      .set({ status: "failed", error_message: reason.slice(0, 2000), completed_at: now, updated_at: now })
      .where("import_id", "=", importId)
      .where("status", "in", ["queued", "processing"])
      .executeTakeFirst();
    return Number(moved.numUpdatedRows);
  }

  /** Imports queued or processing with no progress written since `before`, oldest first. */
  async stale(before: string, limit: number): Promise<ExpenseImportRow[]> {
    return this.db
      .selectFrom("expense_imports")
      .selectAll()
      .where("status", "in", ["queued", "processing"])
      .where("updated_at", "<", before)
      .orderBy("updated_at")
      .limit(limit)
      .execute();
  }

  async anyUnfinished(): Promise<boolean> {
    const row = await this.db
      .selectFrom("expense_imports")
      .select("import_id")
      .where("status", "in", ["queued", "processing"])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Marks a stale import as handed on (its clock restarts), unless it moved meanwhile. */
  async touch(importId: string, updatedAt: string, now: string): Promise<number> {
    const moved = await this.db
      .updateTable("expense_imports")
      .set({ updated_at: now })
      .where("import_id", "=", importId)
      .where("updated_at", "=", updatedAt)
      .executeTakeFirst();
    return Number(moved.numUpdatedRows);
  }
}
