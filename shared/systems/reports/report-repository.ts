import type { Kysely, Selectable, Transaction } from "kysely";
import { tablesOf } from "../../foundation/sql/database.js";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type { ReportRequest } from "./report-content.js";
import type { ReportRequestsTable, ReportsTables } from "./reports-tables.js";

export type ReportRow = Selectable<ReportRequestsTable>;

/** The report_requests table: every query the report service makes. */
export class ReportRepository {
  readonly #db: Kysely<ReportsTables>;
  readonly #clock: Clock;

  constructor(db: Kysely<ReportsTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A requested report, QUEUED; inside the job protocol's transaction when one is given. */
  async insertRequested<T>(
    request: { reportId: string; requestedBy: string; requestedByName: string; request: ReportRequest },
    trx?: Transaction<T>,
  ): Promise<void> {
    const now = this.#clock.now().toISOString();
    await (trx ? tablesOf<ReportsTables, T>(trx) : this.#db)
      .insertInto("report_requests")
      .values({
        report_id: request.reportId,
        requested_by: request.requestedBy,
        requested_by_name: request.requestedByName,
        report_type: request.request.reportType,
        format: request.request.options.format,
        request_json: JSON.stringify(request.request),
        status: "QUEUED",
        progress: 0,
        attempts: 0,
        error: null,
        warnings_json: null,
        blob_name: null,
        size_bytes: null,
        row_count: null,
        // The message is recorded with the row (the job protocol's outbox): queued from now.
        queued_at: now,
        created_at: now,
        updated_at: now,
        started_at: null,
        completed_at: null,
      })
      .execute();
  }

  async find(reportId: string): Promise<ReportRow | undefined> {
    return this.#db.selectFrom("report_requests").selectAll().where("report_id", "=", reportId).executeTakeFirst();
  }

  /** A requester's reports, newest first; the id breaks ties so pages never overlap. */
  async pageFor(userId: string, page: number, pageSize: number): Promise<{ rows: ReportRow[]; total: number }> {
    return selectPage(
      this.#db.selectFrom("report_requests").where("requested_by", "=", userId),
      [
        ["created_at", "desc"],
        ["report_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  /** Whether any report is QUEUED or PROCESSING (one row read at most). */
  async anyUnfinished(): Promise<boolean> {
    const row = await this.#db
      .selectFrom("report_requests")
      .select("report_id")
      .where("status", "in", ["QUEUED", "PROCESSING"])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Reports QUEUED or PROCESSING with no change since `before` (ISO), at most `limit`. */
  async stale(before: string, limit: number): Promise<ReportRow[]> {
    return this.#db
      .selectFrom("report_requests")
      .selectAll()
      .where("status", "in", ["QUEUED", "PROCESSING"])
      .where("updated_at", "<", before)
      .limit(limit)
      .execute();
  }

  async update(reportId: string, changes: Partial<ReportRequestsTable>): Promise<void> {
    await this.#db
      .updateTable("report_requests")
      .set({ ...changes, updated_at: this.#clock.now().toISOString() })
      .where("report_id", "=", reportId)
      .execute();
  }
}
