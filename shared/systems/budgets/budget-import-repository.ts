import { CompiledQuery, sql, type Insertable, type Kysely, type Selectable } from "kysely";
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
  /** The id the line gets if the commit adds it. */
  readonly budgetId?: string;
}

/** What staging a file's lines left, counted in SQL over the staged lines. */
export interface StagedCounts {
  readonly staged: number;
  /** Staged lines whose line the budget has now (not removed). */
  readonly matched: number;
  /** Of those, the ones whose amount or currency differs. */
  readonly changed: number;
  /** The budget's lines now (not removed). */
  readonly current: number;
}

/** A staged line whose budget line an earlier row of the same import already set. */
export interface DuplicateLine {
  readonly row_number: number;
  readonly department: string;
  readonly first_row: number;
}

/**
 * Rows per multi-row INSERT: SQL Server takes at most 2,100 parameters a statement, so
 * ten columns a staged line allow 200 lines.
 */
const LINES_PER_INSERT = 200;
const ERRORS_PER_INSERT = 300;

/**
 * Statement texts of the staged-line INSERT by dialect (its one-row text) and row count:
 * built by the query builder once, then only the parameters change. Compiling 200 rows of
 * ten values per statement was most of staging's JavaScript time at a million rows.
 */
const STAGE_TEXTS = new Map<string, string>();

function stagedRow(importId: string, l: StagedLine) {
  return {
    import_id: importId,
    line_key: l.lineKey,
    department: l.department,
    sub_category: l.subCategory,
    fiscal_period: l.fiscalPeriod,
    cost_center: l.costCenter,
    currency: l.currency,
    amount_minor: l.amountMinor.toString(),
    row_number: l.rowNumber,
    budget_id: l.budgetId ?? null,
  };
}

/** stagedRow's values in its order, without an object per line. */
function pushStagedValues(into: unknown[], importId: string, l: StagedLine): void {
  into.push(
    importId,
    l.lineKey,
    l.department,
    l.subCategory,
    l.fiscalPeriod,
    l.costCenter,
    l.currency,
    l.amountMinor.toString(),
    l.rowNumber,
    l.budgetId ?? null,
  );
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

  /** Runs `work` in a transaction; within one already (an inline import), in that one. */
  async inTransaction<T>(work: (rows: BudgetImportRepository) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return work(this);
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

  /** Stages lines and row errors; errors are numbered from `firstSeq`. */
  async stage(
    importId: string,
    lines: readonly StagedLine[],
    errors: readonly RowError[],
    firstSeq = 1,
  ): Promise<void> {
    const dialectKey = lines.length
      ? this.#db.insertInto("budget_import_lines").values(stagedRow(importId, lines[0]!)).compile().sql
      : "";
    for (let i = 0; i < lines.length; i += LINES_PER_INSERT) {
      const end = Math.min(lines.length, i + LINES_PER_INSERT);
      const key = `${end - i}\u0000${dialectKey}`;
      const text = STAGE_TEXTS.get(key);
      if (text === undefined) {
        // The first chunk of a size runs as compiled, and leaves its text for the next ones.
        const chunk = lines.slice(i, end).map((l) => stagedRow(importId, l));
        const compiled = this.#db.insertInto("budget_import_lines").values(chunk).compile();
        STAGE_TEXTS.set(key, compiled.sql);
        await this.#db.executeQuery(compiled);
        continue;
      }
      // The builder's order: each row's values in stagedRow's column order.
      const parameters: unknown[] = [];
      for (let n = i; n < end; n++) pushStagedValues(parameters, importId, lines[n]!);
      await this.#db.executeQuery(CompiledQuery.raw(text, parameters));
    }
    for (let i = 0; i < errors.length; i += ERRORS_PER_INSERT) {
      await this.#db
        .insertInto("budget_import_errors")
        .values(
          errors.slice(i, i + ERRORS_PER_INSERT).map((e, n) => ({
            import_id: importId,
            seq: firstSeq + i + n,
            row_number: e.rowNumber,
            column_name: e.column.slice(0, 200),
            value: e.value.slice(0, 500),
            message: e.message.slice(0, 500),
          })),
        )
        .execute();
    }
  }

  /**
   * A delivery takes a queued or processing import: its attempt number goes up (fencing out
   * an older delivery still running) and what an earlier attempt staged is dropped. Answers
   * the attempt, or undefined when the import has finished (a redelivered message).
   */
  async startAttempt(importId: string): Promise<number | undefined> {
    return this.inTransaction(async (rows) => {
      const now = rows.#now();
      const moved = await rows.#db
        .updateTable("budget_imports")
        .set((eb) => ({
          status: "processing",
          attempts: eb("attempts", "+", 1),
          rows_read: 0,
          rows_staged: 0,
          started_at: now,
          updated_at: now,
        }))
        .where("import_id", "=", importId)
        .where("status", "in", ["queued", "processing"])
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return undefined;
      await rows.#db.deleteFrom("budget_import_lines").where("import_id", "=", importId).execute();
      await rows.#db.deleteFrom("budget_import_errors").where("import_id", "=", importId).execute();
      const row = await rows.findImport("all", importId);
      return row!.attempts;
    });
  }

  /** Moves the current attempt's import to its outcome; 0 when a newer attempt took it over. */
  async finishAttempt(
    importId: string,
    attempt: number,
    changes: Partial<Omit<BudgetImportsTable, "import_id">>,
  ): Promise<number> {
    const result = await this.#db
      .updateTable("budget_imports")
      .set(changes)
      .where("import_id", "=", importId)
      .where("attempts", "=", attempt)
      .where("status", "=", "processing")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Imports still `processing` whose last progress is older than the cutoff: their worker died on the last delivery. */
  async staleImports(updatedBefore: string, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("budget_imports")
      .select("import_id")
      .where("status", "=", "processing")
      .where("updated_at", "<", updatedBefore)
      .orderBy("updated_at")
      .limit(limit)
      .execute();
    return rows.map((r) => r.import_id);
  }

  /** Drops a failed import's staged lines (its errors stay to be read). */
  async clearStaged(importId: string): Promise<void> {
    await this.#db.deleteFrom("budget_import_lines").where("import_id", "=", importId).execute();
  }

  /** Records progress; 0 when a newer attempt took the import over. */
  async progress(importId: string, attempt: number, rowsRead: number, rowsStaged: number): Promise<number> {
    const result = await this.#db
      .updateTable("budget_imports")
      .set({ rows_read: rowsRead, rows_staged: rowsStaged, updated_at: this.#now() })
      .where("import_id", "=", importId)
      .where("attempts", "=", attempt)
      .where("status", "=", "processing")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Staged lines setting a budget line an earlier row of the import set already. Lines are
   * indexed by row, not key: one sort of the import's keys finds the repeated ones (none,
   * in a clean file), and only then are their rows read.
   */
  async duplicateLines(importId: string, limit: number): Promise<DuplicateLine[]> {
    const repeated = sql`select line_key, min(row_number) as first_row from budget_import_lines
      where import_id = ${importId} group by line_key having count(*) > 1`;
    const { rows: found } = await sql<{ n: number }>`select count(*) as n from (${repeated}) d`.execute(this.#db);
    if (Number(found[0]?.n ?? 0) === 0) return [];
    const { rows } = await sql<DuplicateLine>`
      select l.row_number, l.department, d.first_row
      from budget_import_lines l inner join (${repeated}) d on d.line_key = l.line_key
      where l.import_id = ${importId} and l.row_number > d.first_row
      order by l.row_number`.execute(this.#db);
    return rows.slice(0, limit).map((r) => ({
      row_number: Number(r.row_number),
      department: r.department,
      first_row: Number(r.first_row),
    }));
  }

  /** The staged lines against the customer's budget now, counted in SQL (a million lines never come back). */
  async stagedCounts(importId: string, customerId: string): Promise<StagedCounts> {
    const { rows } = await sql<{ staged: number; matched: number; changed: number; current: number }>`
      select
        (select count(*) from budget_import_lines where import_id = ${importId}) as staged,
        (select count(*) from budget_import_lines l inner join budgets b
          on b.customer_id = ${customerId} and b.line_key = l.line_key and b.removed_at is null
          where l.import_id = ${importId}) as matched,
        (select count(*) from budget_import_lines l inner join budgets b
          on b.customer_id = ${customerId} and b.line_key = l.line_key and b.removed_at is null
          where l.import_id = ${importId}
            and (b.budgeted_minor <> l.amount_minor or b.currency <> l.currency)) as changed,
        (select count(*) from budgets where customer_id = ${customerId} and removed_at is null) as current`.execute(
      this.#db,
    );
    const r = rows[0]!;
    return {
      staged: Number(r.staged),
      matched: Number(r.matched),
      changed: Number(r.changed),
      current: Number(r.current),
    };
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

  /**
   * Sets the customer's budget to the import's staged lines, in the caller's transaction and
   * in three set-based statements: lines the budget has (removed ones come back under their
   * old id: documents may point at them) take the staged amount; new lines are added under
   * the id staged with them; lines the import lacks are removed.
   */
  async applyStaged(customerId: string, importId: string, source: string, newId: () => string): Promise<void> {
    const now = this.#now();
    // Lines staged before 0016 have no id for a new line yet.
    for (;;) {
      const unnamed = await this.#db
        .selectFrom("budget_import_lines")
        .select("row_number")
        .where("import_id", "=", importId)
        .where("budget_id", "is", null)
        .limit(500)
        .execute();
      if (unnamed.length === 0) break;
      for (const u of unnamed)
        await this.#db
          .updateTable("budget_import_lines")
          .set({ budget_id: newId() })
          .where("import_id", "=", importId)
          .where("row_number", "=", u.row_number)
          .execute();
    }
    // Driven from the staged lines (each finds its budget line on ux_budgets_line): UPDATE
    // ... FROM reads the same on SQLite and SQL Server. A committed import has no key twice.
    await sql`
      update budgets set
        budgeted_minor = l.amount_minor, currency = l.currency,
        import_id = ${importId}, source = ${source}, updated_at = ${now}, removed_at = null
      from budget_import_lines l
      where l.import_id = ${importId} and budgets.customer_id = ${customerId} and budgets.line_key = l.line_key`.execute(
      this.#db,
    );
    // In key order, so (customer_id, line_key) and (customer_id, department, ...) grow at
    // their ends: in file order a million-line insert wrote pages all over both (1M lines,
    // this statement alone: 83 s -> 12 s, one sort included).
    await sql`
      insert into budgets (budget_id, customer_id, department, sub_category, fiscal_period, cost_center,
        line_key, currency, budgeted_minor, committed_minor, reserved_minor, actual_minor, source,
        import_id, created_at, updated_at, removed_at)
      select l.budget_id, ${customerId}, l.department, l.sub_category, l.fiscal_period, l.cost_center,
        l.line_key, l.currency, l.amount_minor, 0, 0, 0, ${source}, ${importId}, ${now}, ${now}, null
      from budget_import_lines l
      where l.import_id = ${importId}
        and not exists (select 1 from budgets b where b.customer_id = ${customerId} and b.line_key = l.line_key)
      order by l.line_key`.execute(this.#db);
    // Every line of the import now names it (set or added above): the others are removed.
    await sql`
      update budgets set budgeted_minor = 0, removed_at = ${now}, updated_at = ${now}, import_id = ${importId}
      where customer_id = ${customerId} and removed_at is null
        and (import_id is null or import_id <> ${importId})`.execute(this.#db);
  }
}
