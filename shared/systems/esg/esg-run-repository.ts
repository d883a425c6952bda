import type { Kysely, Selectable, Transaction } from "kysely";
import { isUniqueViolation, tablesOf } from "../../foundation/sql/database.js";
import { selectPage } from "../../foundation/sql/paging.js";
import { NotFoundError } from "../../kernel/errors.js";
import { ACTIVE, FINAL, type EsgRunStatus, type EsgRunsTable, type EsgTables, type EsgTrigger } from "./esg-tables.js";

export type EsgRunRow = Selectable<EsgRunsTable>;

/** The esg_runs table: every query about a run as a whole, from its start to its retention. */
export class EsgRunRepository {
  readonly #db: Kysely<EsgTables>;

  constructor(db: Kysely<EsgTables>) {
    this.#db = db;
  }

  /**
   * What stands in the way of the date's scheduled run: the scheduled run itself (it exists:
   * never again that day), an unfinished full run (try again later), or nothing.
   */
  async scheduledStartBlocker(runDate: string): Promise<"scheduled" | "active-full" | undefined> {
    const existing = await this.#db
      .selectFrom("esg_runs")
      .select("trigger_source")
      .where("run_date", "=", runDate)
      .where((eb) => eb.or([eb("trigger_source", "=", "SCHEDULED"), eb("active_full", "=", 1)]))
      .execute();
    if (existing.some((r) => r.trigger_source === "SCHEDULED")) return "scheduled";
    return existing.length > 0 ? "active-full" : undefined;
  }

  /**
   * A QUEUED run, inside the job protocol's transaction; false when a unique index refuses
   * it (the date's scheduled run, or an unfinished full run of the date, exists).
   */
  async insertQueued<T>(
    run: {
      runId: string;
      runDate: string;
      trigger: EsgTrigger;
      requestedBy: string | null;
      accountIds: readonly string[] | null;
      full: boolean;
      deadlineAt: string;
      now: string;
    },
    trx: Transaction<T>,
  ): Promise<boolean> {
    try {
      await tablesOf<EsgTables, T>(trx)
        .insertInto("esg_runs")
        .values({
          run_id: run.runId,
          run_date: run.runDate,
          trigger_source: run.trigger,
          requested_by: run.requestedBy,
          requested_account_ids: run.accountIds ? JSON.stringify(run.accountIds) : null,
          status: "QUEUED",
          active_full: run.full ? 1 : null,
          list_cursor: null,
          list_complete: 0,
          accounts_listed: 0,
          duplicates_skipped: 0,
          timed_out: 0,
          list_queued_at: run.now,
          deadline_at: run.deadlineAt,
          created_at: run.now,
          updated_at: run.now,
          started_at: null,
          completed_at: null,
          file_blob: null,
          error_file_blob: null,
          summary_blob: null,
          summary_json: null,
          error: null,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(runId: string): Promise<EsgRunRow> {
    const run = await this.#db.selectFrom("esg_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
    if (!run) throw new NotFoundError("ESG run", runId);
    return run;
  }

  /** What a batch step checks first. */
  async findStatusAndDeadline(runId: string): Promise<Pick<EsgRunRow, "status" | "deadline_at"> | undefined> {
    return this.#db
      .selectFrom("esg_runs")
      .select(["status", "deadline_at"])
      .where("run_id", "=", runId)
      .executeTakeFirst();
  }

  /** What the fan-in checks: is the list complete, is the run final. */
  async findListState(runId: string): Promise<Pick<EsgRunRow, "list_complete" | "status"> | undefined> {
    return this.#db
      .selectFrom("esg_runs")
      .select(["list_complete", "status"])
      .where("run_id", "=", runId)
      .executeTakeFirst();
  }

  /** Marks the run as looked at (the monitor's 15-minute takeover clock restarts). */
  async touch(runId: string, at: string): Promise<void> {
    await this.#db.updateTable("esg_runs").set({ updated_at: at }).where("run_id", "=", runId).execute();
  }

  /** QUEUED becomes LISTING; a run already past QUEUED is left alone. */
  async startListing(runId: string, startedAt: string, at: string): Promise<void> {
    await this.#db
      .updateTable("esg_runs")
      .set({ status: "LISTING", started_at: startedAt, updated_at: at })
      .where("run_id", "=", runId)
      .where("status", "=", "QUEUED")
      .execute();
  }

  /** The listing's counters, read inside the page's transaction. */
  async listedSoFar<T>(
    runId: string,
    trx: Transaction<T>,
  ): Promise<Pick<EsgRunRow, "accounts_listed" | "duplicates_skipped">> {
    return tablesOf<EsgTables, T>(trx)
      .selectFrom("esg_runs")
      .select(["accounts_listed", "duplicates_skipped"])
      .where("run_id", "=", runId)
      .executeTakeFirstOrThrow();
  }

  /**
   * A listed page's counters and the cursor after it (RUNNING once the list is complete);
   * false when the run timed out or left listing meanwhile.
   */
  async recordListedPage<T>(
    runId: string,
    page: { accountsListed: number; duplicatesSkipped: number; cursor: string | null; last: boolean; at: string },
    trx: Transaction<T>,
  ): Promise<boolean> {
    const listed = await tablesOf<EsgTables, T>(trx)
      .updateTable("esg_runs")
      .set({
        accounts_listed: page.accountsListed,
        duplicates_skipped: page.duplicatesSkipped,
        list_cursor: page.cursor,
        list_complete: page.last ? 1 : 0,
        ...(page.last ? { status: "RUNNING" as const } : {}),
        updated_at: page.at,
      })
      .where("run_id", "=", runId)
      .where("status", "in", ["QUEUED", "LISTING"])
      .where("timed_out", "=", 0)
      .executeTakeFirst();
    return Number(listed.numUpdatedRows) > 0;
  }

  /** Takes the run for the monitor's time-out; false when it moved on or another monitor took it. */
  async claimTimeOut(runId: string, at: string): Promise<boolean> {
    const claimed = await this.#db
      .updateTable("esg_runs")
      .set({ timed_out: 1, updated_at: at })
      .where("run_id", "=", runId)
      .where("status", "in", ACTIVE)
      .where("timed_out", "=", 0)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) > 0;
  }

  /** The list takes no more accounts (a timed-out run). */
  async closeList(runId: string, at: string): Promise<void> {
    await this.#db
      .updateTable("esg_runs")
      .set({ list_complete: 1, updated_at: at })
      .where("run_id", "=", runId)
      .execute();
  }

  /** Takes the run for writing its file, if it is still in `from`. */
  async claimAssembly(runId: string, from: EsgRunStatus, at: string): Promise<boolean> {
    const claimed = await this.#db
      .updateTable("esg_runs")
      .set({ status: "ASSEMBLING", updated_at: at })
      .where("run_id", "=", runId)
      .where("status", "=", from)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) > 0;
  }

  /** An ASSEMBLING run ends with its files; false when another delivery finished it first. */
  async finish(
    runId: string,
    status: EsgRunStatus,
    files: Pick<EsgRunRow, "file_blob" | "error_file_blob" | "summary_blob" | "summary_json">,
    at: string,
  ): Promise<boolean> {
    const finished = await this.#db
      .updateTable("esg_runs")
      .set({ status, active_full: null, completed_at: at, updated_at: at, ...files })
      .where("run_id", "=", runId)
      .where("status", "=", "ASSEMBLING")
      .executeTakeFirst();
    return Number(finished.numUpdatedRows) > 0;
  }

  /** FAILED unless already final; false when it was. */
  async fail(runId: string, reason: string, at: string): Promise<boolean> {
    const result = await this.#db
      .updateTable("esg_runs")
      .set({ status: "FAILED", error: reason, active_full: null, completed_at: at, updated_at: at })
      .where("run_id", "=", runId)
      .where("status", "not in", FINAL)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The runs the monitor watches: taking accounts, or writing their file. */
  async unfinished(): Promise<EsgRunRow[]> {
    return this.#db
      .selectFrom("esg_runs")
      .selectAll()
      .where("status", "in", [...ACTIVE, "ASSEMBLING"])
      .execute();
  }

  /** True once the date has a full run, scheduled or manual, in any state. */
  async fullRunStartedOn(runDate: string): Promise<boolean> {
    const started = await this.#db
      .selectFrom("esg_runs")
      .select("run_id")
      .where("run_date", "=", runDate)
      .where("trigger_source", "in", ["SCHEDULED", "MANUAL_FULL"])
      .executeTakeFirst();
    return started !== undefined;
  }

  /** Runs that still name files and completed before `cutoff` (ISO). */
  async withFilesCompletedBefore(cutoff: string) {
    return this.#db
      .selectFrom("esg_runs")
      .select(["run_id", "file_blob", "error_file_blob", "summary_blob", "completed_at"])
      .where("file_blob", "is not", null)
      .where("completed_at", "<", cutoff)
      .execute();
  }

  /** The run's files are gone; its history stays. */
  async forgetFiles(runId: string, at: string): Promise<void> {
    await this.#db
      .updateTable("esg_runs")
      .set({ file_blob: null, error_file_blob: null, summary_blob: null, updated_at: at })
      .where("run_id", "=", runId)
      .execute();
  }

  /** Ids of the final runs completed before `cutoff` (ISO). */
  async finishedBefore(cutoff: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("esg_runs")
      .select("run_id")
      .where("status", "in", FINAL)
      .where("completed_at", "<", cutoff)
      .execute();
    return rows.map((r) => r.run_id);
  }

  /** Newest first; the id breaks ties so pages never overlap. */
  async page(page: number, pageSize: number, runDate?: string): Promise<{ rows: EsgRunRow[]; total: number }> {
    let q = this.#db.selectFrom("esg_runs");
    if (runDate) q = q.where("run_date", "=", runDate);
    return selectPage(
      q,
      [
        ["created_at", "desc"],
        ["run_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  /** Final runs between two dates, oldest first (at most 5,000). */
  async finishedBetween(from: string, to: string) {
    return this.#db
      .selectFrom("esg_runs")
      .select(["run_id", "run_date", "trigger_source", "status", "started_at", "completed_at", "summary_json", "error"])
      .where("run_date", ">=", from)
      .where("run_date", "<=", to)
      .where("status", "in", FINAL)
      .orderBy("run_date")
      .orderBy("created_at")
      .limit(5000)
      .execute();
  }

  /** A run's file, or the date's: the latest full run of that date that produced one. */
  async latestWithFile(target: { runDate: string } | { runId: string }): Promise<EsgRunRow | undefined> {
    let q = this.#db.selectFrom("esg_runs").selectAll().where("file_blob", "is not", null);
    q =
      "runId" in target
        ? q.where("run_id", "=", target.runId)
        : q.where("run_date", "=", target.runDate).where("trigger_source", "in", ["SCHEDULED", "MANUAL_FULL"]);
    return q.orderBy("completed_at", "desc").limit(1).executeTakeFirst();
  }

  /** What the summary names the run by. */
  async findForSummary(runId: string): Promise<Pick<EsgRunRow, "run_id" | "run_date" | "created_at">> {
    return this.#db
      .selectFrom("esg_runs")
      .select(["run_id", "run_date", "created_at"])
      .where("run_id", "=", runId)
      .executeTakeFirstOrThrow();
  }

  /** The last full run that finished with a file before `createdAt`: the day before's, normally. */
  async previousFullRun(runId: string, createdAt: string): Promise<string | undefined> {
    const previous = await this.#db
      .selectFrom("esg_runs")
      .select("run_id")
      .where("run_id", "!=", runId)
      .where("trigger_source", "in", ["SCHEDULED", "MANUAL_FULL"])
      .where("status", "in", ["COMPLETED", "TIMED_OUT"])
      .where("created_at", "<", createdAt)
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
    return previous?.run_id;
  }
}
