import type { Kysely, Selectable, Transaction } from "kysely";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type { Differences, RepairProposal } from "./billing-facts.js";
import type { BillingInconsistenciesTable, BillingTables } from "./billing-tables.js";

export type InconsistencyRow = Selectable<BillingInconsistenciesTable>;
type Status = BillingInconsistenciesTable["status"];
type SideState = { readonly entryCount: number; readonly checksum: string };
type Db = Kysely<BillingTables>;

/** The billing_inconsistencies table: reconciliation's findings, and how each one closed. */
export class InconsistencyRepository {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async find(inconsistencyId: string): Promise<InconsistencyRow | undefined> {
    return this.#db
      .selectFrom("billing_inconsistencies")
      .selectAll()
      .where("inconsistency_id", "=", inconsistencyId)
      .executeTakeFirst();
  }

  /** Newest first; the id breaks ties so pages never overlap. */
  async page(
    filter: { status?: Status; projectId?: string },
    page: number,
    pageSize: number,
  ): Promise<{ rows: InconsistencyRow[]; total: number }> {
    let q = this.#db.selectFrom("billing_inconsistencies");
    if (filter.status) q = q.where("status", "=", filter.status);
    if (filter.projectId) q = q.where("project_id", "=", filter.projectId);
    return selectPage(
      q,
      [
        ["detected_at", "desc"],
        ["inconsistency_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  /** The project's most recently detected finding, whatever its status. */
  async latestFor(projectId: string): Promise<InconsistencyRow | undefined> {
    return this.#db
      .selectFrom("billing_inconsistencies")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("detected_at", "desc")
      .executeTakeFirst();
  }

  async listOpen(): Promise<Pick<InconsistencyRow, "inconsistency_id" | "project_id">[]> {
    return this.#db
      .selectFrom("billing_inconsistencies")
      .select(["inconsistency_id", "project_id"])
      .where("status", "=", "OPEN")
      .execute();
  }

  /** The project of each finding in `ids` (one row per finding). */
  async projectsOf(ids: readonly string[]): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("billing_inconsistencies")
      .select("project_id")
      .where("inconsistency_id", "in", ids)
      .execute();
    return rows.map((r) => r.project_id);
  }

  /** A new OPEN finding, detected and last seen `at`. */
  async insertOpen(finding: {
    inconsistencyId: string;
    projectId: string;
    runId: string;
    fingerprint: string;
    sapState: SideState;
    sqlState: SideState;
    differences: Differences;
    proposal: RepairProposal;
    at: string;
  }): Promise<void> {
    await this.#db
      .insertInto("billing_inconsistencies")
      .values({
        inconsistency_id: finding.inconsistencyId,
        project_id: finding.projectId,
        run_id: finding.runId,
        status: "OPEN",
        fingerprint: finding.fingerprint,
        sap_state: JSON.stringify(finding.sapState),
        sql_state: JSON.stringify(finding.sqlState),
        differences: JSON.stringify(finding.differences),
        proposal: JSON.stringify(finding.proposal),
        detected_at: finding.at,
        last_seen_at: finding.at,
        alerted_at: null,
        resolved_at: null,
        resolved_by: null,
        resolution: null,
      })
      .execute();
  }

  /** A known finding seen again by `runId`. */
  async markSeenAgain(inconsistencyId: string, runId: string, at: string): Promise<void> {
    await this.#db
      .updateTable("billing_inconsistencies")
      .set({ last_seen_at: at, run_id: runId })
      .where("inconsistency_id", "=", inconsistencyId)
      .execute();
  }

  async markAlerted(ids: readonly string[], at: string): Promise<void> {
    await this.#db
      .updateTable("billing_inconsistencies")
      .set({ alerted_at: at })
      .where("inconsistency_id", "in", ids)
      .execute();
  }

  /** Closed by `runId`, which found the project consistent again. */
  async markConsistentAgain(inconsistencyId: string, runId: string, at: string): Promise<void> {
    await this.#db
      .updateTable("billing_inconsistencies")
      .set({ status: "RESOLVED", resolved_at: at, resolution: `consistent again in run ${runId}` })
      .where("inconsistency_id", "=", inconsistencyId)
      .execute();
  }

  /** Closed by an admin with a comment; only while OPEN. */
  async markResolved(
    inconsistencyId: string,
    resolvedBy: string | null,
    comment: string,
    trx: Transaction<BillingTables>,
  ): Promise<void> {
    await trx
      .updateTable("billing_inconsistencies")
      .set({
        status: "RESOLVED",
        resolved_at: this.#clock.now().toISOString(),
        resolved_by: resolvedBy,
        resolution: comment,
      })
      .where("inconsistency_id", "=", inconsistencyId)
      .where("status", "=", "OPEN")
      .execute();
  }

  /** Corrected by a repair saga; only while OPEN. */
  async markRepaired(
    inconsistencyId: string,
    repair: { sagaId: string; resolvedBy: string | null; at: string },
    trx: Transaction<BillingTables>,
  ): Promise<void> {
    await trx
      .updateTable("billing_inconsistencies")
      .set({
        status: "REPAIRED",
        resolved_at: repair.at,
        resolved_by: repair.resolvedBy,
        resolution: `repaired by saga ${repair.sagaId}`,
      })
      .where("inconsistency_id", "=", inconsistencyId)
      .where("status", "=", "OPEN")
      .execute();
  }
}
