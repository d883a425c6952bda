import type { Kysely, Selectable, Transaction } from "kysely";
import { tablesOf } from "../../foundation/sql/database.js";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type { BillingTables, ReconciliationRunsTable, ReconciliationStateTable } from "./billing-tables.js";

export type RunRow = Selectable<ReconciliationRunsTable>;
export type ReconciliationStateRow = Selectable<ReconciliationStateTable>;
type Db = Kysely<BillingTables>;

/** Billing's one row in reconciliation_state: its watermarks and its lease. */
const STATE = "billing";

/** The reconciliation_runs and reconciliation_state tables: the passes, the watermarks, the lease. */
export class ReconciliationRepository {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A pass, QUEUED; inside the job protocol's transaction when one is given. */
  async insertQueued<T>(
    run: {
      runId: string;
      mode: RunRow["mode"];
      trigger: RunRow["trigger_source"];
      requestedBy: string | null;
    },
    trx?: Transaction<T>,
  ): Promise<void> {
    await (trx ? tablesOf<BillingTables, T>(trx) : this.#db)
      .insertInto("reconciliation_runs")
      .values({
        run_id: run.runId,
        mode: run.mode,
        trigger_source: run.trigger,
        status: "QUEUED",
        requested_by: run.requestedBy,
        watermark_from: null,
        watermark_to: null,
        projects_checked: 0,
        sap_calls: 0,
        inconsistencies_found: 0,
        error: null,
        created_at: this.#clock.now().toISOString(),
        started_at: null,
        finished_at: null,
      })
      .execute();
  }

  async findRun(runId: string): Promise<RunRow | undefined> {
    return this.#db.selectFrom("reconciliation_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
  }

  /** Newest first; the id breaks ties so pages never overlap. */
  async pageRuns(page: number, pageSize: number): Promise<{ rows: RunRow[]; total: number }> {
    return selectPage(
      this.#db.selectFrom("reconciliation_runs"),
      [
        ["created_at", "desc"],
        ["run_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  async updateRun(
    runId: string,
    changes: Partial<ReconciliationRunsTable>,
    trx?: Transaction<BillingTables>,
  ): Promise<void> {
    await (trx ?? this.#db).updateTable("reconciliation_runs").set(changes).where("run_id", "=", runId).execute();
  }

  /** The watermarks (and lease); the row exists once a lease was acquired. */
  async state(): Promise<ReconciliationStateRow> {
    return this.#db.selectFrom("reconciliation_state").selectAll().where("name", "=", STATE).executeTakeFirstOrThrow();
  }

  /** Takes the lease until `until` when it is free, expired before `now` or already `runId`'s. */
  async acquireLease(runId: string, now: string, until: string): Promise<boolean> {
    const existing = await this.#db
      .selectFrom("reconciliation_state")
      .select("name")
      .where("name", "=", STATE)
      .executeTakeFirst();
    if (!existing) {
      await this.#db
        .insertInto("reconciliation_state")
        .values({ name: STATE, sap_watermark: null, sql_watermark: null, lease_owner: null, lease_until: null })
        .execute()
        .catch(() => undefined); // another instance inserted it first
    }
    const result = await this.#db
      .updateTable("reconciliation_state")
      .set({ lease_owner: runId, lease_until: until })
      .where("name", "=", STATE)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now), eb("lease_owner", "=", runId)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease back, if `runId` still holds it. */
  async releaseLease(runId: string): Promise<void> {
    await this.#db
      .updateTable("reconciliation_state")
      .set({ lease_owner: null, lease_until: null })
      .where("name", "=", STATE)
      .where("lease_owner", "=", runId)
      .execute();
  }

  /** A completed pass moves the watermarks and gives the lease back, if `runId` still holds it. */
  async advanceWatermarks(
    runId: string,
    watermarks: { sap: string; sql: string },
    trx: Transaction<BillingTables>,
  ): Promise<void> {
    await trx
      .updateTable("reconciliation_state")
      .set({ sap_watermark: watermarks.sap, sql_watermark: watermarks.sql, lease_owner: null, lease_until: null })
      .where("name", "=", STATE)
      .where("lease_owner", "=", runId)
      .execute();
  }
}
