import { sql, type Insertable, type Kysely, type Transaction } from "kysely";
import { tablesOf } from "../../foundation/sql/database.js";
import { ROW_CHUNK, chunks } from "./esg-chunks.js";
import type { EsgAccountStatus, EsgRunAccountsTable, EsgScoreColumns, EsgTables } from "./esg-tables.js";

/** What finishing an account writes: its status, why, when, and its scores when it has them. */
export type EsgAccountResult = Pick<EsgRunAccountsTable, "status" | "error" | "completed_at"> &
  Partial<EsgScoreColumns> & { reused?: number };

type Counted = number | string;

/** The esg_run_accounts table: each run's accounts, as listed and as rated. */
export class EsgResultRepository {
  readonly #db: Kysely<EsgTables>;

  constructor(db: Kysely<EsgTables>) {
    this.#db = db;
  }

  // ---------------------------------------------------------------- listing (in the page's transaction)

  /** Which of `accountIds` the run has listed already. */
  async listedAmong<T>(runId: string, accountIds: readonly string[], trx: Transaction<T>): Promise<Set<string>> {
    const seen = new Set<string>();
    for (const part of chunks(accountIds)) {
      const rows = await tablesOf<EsgTables, T>(trx)
        .selectFrom("esg_run_accounts")
        .select("account_id")
        .where("run_id", "=", runId)
        .where("account_id", "in", part)
        .execute();
      rows.forEach((r) => seen.add(r.account_id));
    }
    return seen;
  }

  /** The listed accounts' rows, a hundred a statement (16 columns each). */
  async insertListed<T>(rows: readonly Insertable<EsgRunAccountsTable>[], trx: Transaction<T>): Promise<void> {
    for (const part of chunks(rows, ROW_CHUNK))
      await tablesOf<EsgTables, T>(trx).insertInto("esg_run_accounts").values(part).execute();
  }

  /** Notes on accounts listed again that they were rated once (an error already there stays). */
  async noteRepeated<T>(runId: string, accountIds: readonly string[], trx: Transaction<T>): Promise<void> {
    for (const part of chunks(accountIds)) {
      await tablesOf<EsgTables, T>(trx)
        .updateTable("esg_run_accounts")
        .set({ error: "Listed more than once by the Account Management System; rated once" })
        .where("run_id", "=", runId)
        .where("account_id", "in", part)
        .where("error", "is", null)
        .execute();
    }
  }

  // ---------------------------------------------------------------- rating

  /** A batch's pending accounts, unordered (the caller sorts them by seq). */
  async pendingInBatch(runId: string, batchNo: number): Promise<Pick<EsgRunAccountsTable, "account_id" | "seq">[]> {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select(["account_id", "seq"])
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .where("status", "=", "PENDING")
      .execute();
  }

  /** Stores an account's result only while it is PENDING, so a result is never stored or counted twice. */
  async finishPending<T>(
    runId: string,
    accountId: string,
    result: EsgAccountResult,
    trx: Transaction<T>,
  ): Promise<void> {
    await tablesOf<EsgTables, T>(trx)
      .updateTable("esg_run_accounts")
      .set(result)
      .where("run_id", "=", runId)
      .where("account_id", "=", accountId)
      .where("status", "=", "PENDING")
      .execute();
  }

  /** The run's pending accounts (only the batch's, when given) fail with `reason`. */
  async failPending(runId: string, reason: string, at: string, batchNo?: number): Promise<void> {
    let q = this.#db
      .updateTable("esg_run_accounts")
      .set({ status: "Failed", error: reason, completed_at: at })
      .where("run_id", "=", runId);
    if (batchNo !== undefined) q = q.where("batch_no", "=", batchNo);
    await q.where("status", "=", "PENDING").execute();
  }

  // ---------------------------------------------------------------- reading

  /** Accounts by status (and how many reused) for several runs, in one query. */
  async countsByRunAndStatus(
    runIds: readonly string[],
  ): Promise<{ run_id: string; status: EsgAccountStatus; n: Counted; reused: Counted | null }[]> {
    if (runIds.length === 0) return [];
    return this.#db
      .selectFrom("esg_run_accounts")
      .select(["run_id", "status", sql<Counted>`count(*)`.as("n"), sql<Counted>`sum(reused)`.as("reused")])
      .where("run_id", "in", runIds)
      .groupBy(["run_id", "status"])
      .execute();
  }

  /** The file's next `limit` lines after `afterSeq`, in list order. */
  async fileRows(runId: string, afterSeq: number, limit: number) {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select([
        "account_id",
        "account_name",
        "status",
        "overall",
        "environmental",
        "social",
        "governance",
        "primary_focus",
        "primary_focus_score",
        "analysis_date",
        "seq",
      ])
      .where("run_id", "=", runId)
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
  }

  /** The error file's next `limit` accounts after `afterSeq`: failed, unfinished, or with a note. */
  async errorRows(runId: string, afterSeq: number, limit: number) {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select(["account_id", "status", "error", "completed_at", "seq"])
      .where("run_id", "=", runId)
      .where("seq", ">", afterSeq)
      .where((eb) => eb.or([eb("error", "is not", null), eb("status", "in", ["Failed", "PENDING"])]))
      .orderBy("seq")
      .limit(limit)
      .execute();
  }

  // ---------------------------------------------------------------- the summary

  async countsByStatus(runId: string): Promise<{ status: EsgAccountStatus; n: Counted }[]> {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select(["status", sql<Counted>`count(*)`.as("n")])
      .where("run_id", "=", runId)
      .groupBy("status")
      .execute();
  }

  /** Per pillar, the sum (as bigint, so no overflow) and count of the rated accounts' scores. */
  async scoreSums(runId: string) {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select([
        sql<Counted | null>`sum(cast(overall as bigint))`.as("overall_sum"),
        sql<Counted>`count(overall)`.as("overall_n"),
        sql<Counted | null>`sum(cast(environmental as bigint))`.as("environmental_sum"),
        sql<Counted>`count(environmental)`.as("environmental_n"),
        sql<Counted | null>`sum(cast(social as bigint))`.as("social_sum"),
        sql<Counted>`count(social)`.as("social_n"),
        sql<Counted | null>`sum(cast(governance as bigint))`.as("governance_sum"),
        sql<Counted>`count(governance)`.as("governance_n"),
      ])
      .where("run_id", "=", runId)
      .where("status", "in", ["Successful", "Partial"])
      .executeTakeFirstOrThrow();
  }

  /** How many rated accounts have each primary focus. */
  async focusCounts(runId: string): Promise<{ primary_focus: string | null; n: Counted }[]> {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select(["primary_focus", sql<Counted>`count(*)`.as("n")])
      .where("run_id", "=", runId)
      .where("status", "in", ["Successful", "Partial"])
      .groupBy("primary_focus")
      .execute();
  }

  /** The first `limit` failed (or unfinished) accounts, in list order. */
  async firstFailed(runId: string, limit: number): Promise<Pick<EsgRunAccountsTable, "account_id" | "error">[]> {
    return this.#db
      .selectFrom("esg_run_accounts")
      .select(["account_id", "error"])
      .where("run_id", "=", runId)
      .where("status", "in", ["Failed", "PENDING"])
      .orderBy("seq")
      .limit(limit)
      .execute();
  }

  /** The accounts whose overall score moved most since `previousRunId`, biggest first, ties by id. */
  async biggestMovers(runId: string, previousRunId: string, limit: number) {
    return this.#db
      .selectFrom("esg_run_accounts as a")
      .innerJoin("esg_run_accounts as p", (join) =>
        join.onRef("p.account_id", "=", "a.account_id").on("p.run_id", "=", previousRunId),
      )
      .select(["a.account_id", "a.account_name", "a.overall as current", "p.overall as previous"])
      .where("a.run_id", "=", runId)
      .where("a.overall", "is not", null)
      .where("p.overall", "is not", null)
      .orderBy(sql`abs(a.overall - p.overall)`, "desc")
      .orderBy("a.account_id")
      .limit(limit)
      .execute();
  }

  // ---------------------------------------------------------------- retention

  async deleteOfRuns(runIds: readonly string[]): Promise<void> {
    for (const part of chunks(runIds))
      await this.#db.deleteFrom("esg_run_accounts").where("run_id", "in", part).execute();
  }
}
