import type { Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";
import { isUniqueViolation, tablesOf } from "../../foundation/sql/database.js";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type {
  InvoiceJobItemsTable,
  InvoiceJobsTable,
  InvoicesTable,
  InvoicesTables,
  InvoiceStatus,
  InvoiceUploadsTable,
  ItemOutcome,
} from "./invoices-tables.js";

export type InvoiceRow = Selectable<InvoicesTable>;
export type JobRow = Selectable<InvoiceJobsTable>;
export type ItemRow = Selectable<InvoiceJobItemsTable>;
export type UploadRow = Selectable<InvoiceUploadsTable>;

type Db = Kysely<InvoicesTables>;

export interface InvoiceFilter {
  readonly status?: InvoiceStatus;
  readonly jobId?: string;
  /** Received on or after (ISO). */
  readonly from?: string;
  /** Received before (ISO). */
  readonly to?: string;
}

/** What finishing one item changes on its job's counters. */
const COUNTER: Readonly<Record<ItemOutcome, "processed" | "failed" | "duplicates" | "held">> = {
  sent: "processed",
  failed: "failed",
  duplicate: "duplicates",
  held: "held",
};

/** Every query of the invoices system: invoices, jobs and their items, uploads, identities, configuration. */
export class InvoiceRepository {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }

  /** Runs `work` in one transaction, with a repository bound to it. */
  async inTransaction<T>(work: (rows: InvoiceRepository) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new InvoiceRepository(trx, this.#clock)));
  }

  // ---- invoices -------------------------------------------------------------------------

  /** A received document; false when its source already delivered it (same source and id). */
  async insertInvoice(row: Insertable<InvoicesTable>): Promise<boolean> {
    try {
      await this.#db.insertInto("invoices").values(row).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async findInvoice(id: string): Promise<InvoiceRow | undefined> {
    return this.#db.selectFrom("invoices").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async findBySource(source: string, sourceRef: string): Promise<InvoiceRow | undefined> {
    return this.#db
      .selectFrom("invoices")
      .selectAll()
      .where("source", "=", source as InvoicesTable["source"])
      .where("source_ref", "=", sourceRef)
      .executeTakeFirst();
  }

  /** Invoices by our id or their own number (a manual run's invoice_ids). */
  async findByIdsOrNumbers(ids: readonly string[]): Promise<InvoiceRow[]> {
    if (ids.length === 0) return [];
    return this.#db
      .selectFrom("invoices")
      .selectAll()
      .where((eb) => eb.or([eb("id", "in", ids), eb("invoice_id", "in", ids)]))
      .execute();
  }

  /** Of these invoices, the ones an unfinished job other than `jobId` is forwarding. */
  async busyElsewhere(refs: readonly string[], jobId: string): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom("invoice_job_items")
      .select("invoice_ref")
      .where("invoice_ref", "in", refs)
      .where("job_id", "<>", jobId)
      .where("outcome", "is", null)
      .execute();
    return new Set(rows.map((r) => r.invoice_ref));
  }

  /** Pending invoices no unfinished job is forwarding already, oldest first. */
  async pendingNotInAJob(limit: number): Promise<InvoiceRow[]> {
    return this.#db
      .selectFrom("invoices")
      .selectAll()
      .where("status", "=", "pending")
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("invoice_job_items")
              .select("invoice_job_items.job_id")
              .whereRef("invoice_job_items.invoice_ref", "=", "invoices.id")
              .where("invoice_job_items.outcome", "is", null),
          ),
        ),
      )
      .orderBy("received_at")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  async pageInvoices(filter: InvoiceFilter, page: number, pageSize: number) {
    let query = this.#db.selectFrom("invoices");
    if (filter.status) query = query.where("status", "=", filter.status);
    if (filter.jobId) query = query.where("job_id", "=", filter.jobId);
    if (filter.from) query = query.where("received_at", ">=", filter.from);
    if (filter.to) query = query.where("received_at", "<", filter.to);
    return selectPage(
      query,
      [
        ["received_at", "desc"],
        ["id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  async updateInvoice(id: string, changes: Updateable<InvoicesTable>): Promise<void> {
    await this.#db
      .updateTable("invoices")
      .set({ ...changes, updated_at: this.#now() })
      .where("id", "=", id)
      .execute();
  }

  // ---- identities (duplicate detection) -------------------------------------------------

  /**
   * Claims the invoice's number for it. Answers the claim that stands: its own (new or
   * from an earlier delivery), or another invoice's.
   */
  async claimNumber(claim: {
    numberKey: string;
    fingerprint: string;
    invoiceRef: string;
  }): Promise<{ invoiceRef: string; fingerprint: string }> {
    try {
      await this.#db
        .insertInto("invoice_identities")
        .values({
          number_key: claim.numberKey,
          fingerprint: claim.fingerprint,
          invoice_ref: claim.invoiceRef,
          created_at: this.#now(),
        })
        .execute();
      return { invoiceRef: claim.invoiceRef, fingerprint: claim.fingerprint };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const row = await this.#db
      .selectFrom("invoice_identities")
      .select(["invoice_ref", "fingerprint"])
      .where("number_key", "=", claim.numberKey)
      .executeTakeFirstOrThrow();
    return { invoiceRef: row.invoice_ref, fingerprint: row.fingerprint };
  }

  /** Gives a number back when its invoice was refused for good, so a corrected resend may use it. */
  async releaseNumber(numberKey: string, invoiceRef: string): Promise<void> {
    await this.#db
      .deleteFrom("invoice_identities")
      .where("number_key", "=", numberKey)
      .where("invoice_ref", "=", invoiceRef)
      .execute();
  }

  // ---- uploads (idempotency records) ----------------------------------------------------

  async insertUpload(row: Insertable<InvoiceUploadsTable>): Promise<void> {
    await this.#db.insertInto("invoice_uploads").values(row).execute();
  }

  async updateUpload(uploadId: string, changes: Updateable<InvoiceUploadsTable>): Promise<void> {
    await this.#db
      .updateTable("invoice_uploads")
      .set({ ...changes, finished_at: this.#now() })
      .where("upload_id", "=", uploadId)
      .execute();
  }

  async lastUpload(invoiceRef: string): Promise<UploadRow | undefined> {
    return this.#db
      .selectFrom("invoice_uploads")
      .selectAll()
      .where("invoice_ref", "=", invoiceRef)
      .orderBy("started_at", "desc")
      .orderBy("attempt", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  async uploadsOf(invoiceRef: string): Promise<UploadRow[]> {
    return this.#db
      .selectFrom("invoice_uploads")
      .selectAll()
      .where("invoice_ref", "=", invoiceRef)
      .orderBy("started_at")
      .orderBy("attempt")
      .execute();
  }

  // ---- jobs -----------------------------------------------------------------------------

  async insertJob<T>(row: Insertable<InvoiceJobsTable>, trx: Transaction<T>): Promise<void> {
    await tablesOf<InvoicesTables, T>(trx).insertInto("invoice_jobs").values(row).execute();
  }

  /** The local day's scheduled job, once: false when that day has one. */
  async claimScheduleDay<T>(runDate: string, jobId: string, trx: Transaction<T>): Promise<boolean> {
    try {
      await tablesOf<InvoicesTables, T>(trx)
        .insertInto("invoice_schedule_runs")
        .values({ run_date: runDate, job_id: jobId, created_at: this.#now() })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async scheduledJobOn(runDate: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom("invoice_schedule_runs")
      .select("job_id")
      .where("run_date", "=", runDate)
      .executeTakeFirst();
    return row?.job_id;
  }

  async findJob(jobId: string): Promise<JobRow | undefined> {
    return this.#db.selectFrom("invoice_jobs").selectAll().where("job_id", "=", jobId).executeTakeFirst();
  }

  async pageJobs(filter: { status?: string; jobType?: string }, page: number, pageSize: number) {
    let query = this.#db.selectFrom("invoice_jobs");
    if (filter.status) query = query.where("status", "=", filter.status as JobRow["status"]);
    if (filter.jobType) query = query.where("job_type", "=", filter.jobType as JobRow["job_type"]);
    return selectPage(
      query,
      [
        ["created_at", "desc"],
        ["job_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  async updateJob(jobId: string, changes: Updateable<InvoiceJobsTable>): Promise<void> {
    await this.#db
      .updateTable("invoice_jobs")
      .set({ ...changes, updated_at: this.#now() })
      .where("job_id", "=", jobId)
      .execute();
  }

  /** Marks a job running (the first delivery of its gathering step). */
  async markRunning(jobId: string): Promise<void> {
    const now = this.#now();
    await this.#db
      .updateTable("invoice_jobs")
      .set({ status: "running", started_at: now, updated_at: now })
      .where("job_id", "=", jobId)
      .where("status", "=", "pending")
      .execute();
  }

  /** Completes a running job; true for the one caller that did. */
  async completeJob(jobId: string, status: "completed" | "failed", errorMessage?: string): Promise<boolean> {
    const now = this.#now();
    const result = await this.#db
      .updateTable("invoice_jobs")
      .set({ status, completed_at: now, updated_at: now, ...(errorMessage ? { error_message: errorMessage } : {}) })
      .where("job_id", "=", jobId)
      .where("status", "in", ["pending", "running"])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Whether any job is unfinished or any finished job's notice is unsent (one row read at most each). */
  async anyUnfinished(): Promise<boolean> {
    const open = await this.#db
      .selectFrom("invoice_jobs")
      .select("job_id")
      .where((eb) => eb.or([eb("status", "in", ["pending", "running"]), eb("notified_at", "is", null)]))
      .limit(1)
      .executeTakeFirst();
    return open !== undefined;
  }

  /** Finished jobs whose notice went out before `before` did not. */
  async unnotified(before: string, limit: number): Promise<JobRow[]> {
    return this.#db
      .selectFrom("invoice_jobs")
      .selectAll()
      .where("status", "in", ["completed", "failed"])
      .where("notified_at", "is", null)
      .where("completed_at", "<", before)
      .limit(limit)
      .execute();
  }

  /** Jobs finished in [from, to), for the daily digest. */
  async jobsFinishedBetween(from: string, to: string): Promise<JobRow[]> {
    return this.#db
      .selectFrom("invoice_jobs")
      .selectAll()
      .where("completed_at", ">=", from)
      .where("completed_at", "<", to)
      .orderBy("completed_at")
      .execute();
  }

  /** Invoices by status (all of them: a digest shows what waits for a person). */
  async countByStatus(): Promise<Partial<Record<InvoiceStatus, number>>> {
    const rows = await this.#db
      .selectFrom("invoices")
      .select((eb) => ["status", eb.fn.countAll<number | string>().as("n")])
      .groupBy("status")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  // ---- job items ------------------------------------------------------------------------

  /** Adds the invoices to the job (an item already there is kept: a redelivered step adds nothing twice). */
  async addItems(jobId: string, invoiceRefs: readonly string[]): Promise<void> {
    const now = this.#now();
    const existing = new Set(
      (await this.#db.selectFrom("invoice_job_items").select("invoice_ref").where("job_id", "=", jobId).execute()).map(
        (r) => r.invoice_ref,
      ),
    );
    const fresh = invoiceRefs.filter((ref) => !existing.has(ref));
    for (let i = 0; i < fresh.length; i += 200) {
      await this.#db
        .insertInto("invoice_job_items")
        .values(
          fresh.slice(i, i + 200).map((ref) => ({
            job_id: jobId,
            invoice_ref: ref,
            outcome: null,
            attempts: 1,
            next_attempt_at: null,
            leased_until: null,
            error_code: null,
            error_message: null,
            error_details: null,
            created_at: now,
            updated_at: now,
            finished_at: null,
          })),
        )
        .execute();
    }
  }

  async countItems(jobId: string): Promise<number> {
    const row = await this.#db
      .selectFrom("invoice_job_items")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("job_id", "=", jobId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findItem(jobId: string, invoiceRef: string): Promise<ItemRow | undefined> {
    return this.#db
      .selectFrom("invoice_job_items")
      .selectAll()
      .where("job_id", "=", jobId)
      .where("invoice_ref", "=", invoiceRef)
      .executeTakeFirst();
  }

  async openItems(jobId: string): Promise<ItemRow[]> {
    return this.#db
      .selectFrom("invoice_job_items")
      .selectAll()
      .where("job_id", "=", jobId)
      .where("outcome", "is", null)
      .execute();
  }

  async itemsOf(jobId: string): Promise<(ItemRow & { invoice_id: string | null })[]> {
    return this.#db
      .selectFrom("invoice_job_items")
      .leftJoin("invoices", "invoices.id", "invoice_job_items.invoice_ref")
      .selectAll("invoice_job_items")
      .select("invoices.invoice_id")
      .where("invoice_job_items.job_id", "=", jobId)
      .orderBy("invoice_job_items.created_at")
      .orderBy("invoice_job_items.invoice_ref")
      .execute();
  }

  /**
   * Leases the item for one worker until `until`; false when it is finished or another
   * delivery holds it (that one finishes it, or the sweeper re-sends once the lease ends).
   */
  async leaseItem(jobId: string, invoiceRef: string, until: string): Promise<boolean> {
    const now = this.#now();
    const result = await this.#db
      .updateTable("invoice_job_items")
      .set({ leased_until: until, updated_at: now })
      .where("job_id", "=", jobId)
      .where("invoice_ref", "=", invoiceRef)
      .where("outcome", "is", null)
      .where((eb) => eb.or([eb("leased_until", "is", null), eb("leased_until", "<", now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseLease(jobId: string, invoiceRef: string): Promise<void> {
    await this.#db
      .updateTable("invoice_job_items")
      .set({ leased_until: null, updated_at: this.#now() })
      .where("job_id", "=", jobId)
      .where("invoice_ref", "=", invoiceRef)
      .execute();
  }

  /** The item waits for attempt `attempts` at `nextAttemptAt`; the lease ends. */
  async scheduleRetry(
    jobId: string,
    invoiceRef: string,
    retry: { attempts: number; nextAttemptAt: string; errorCode: string; errorMessage: string; errorDetails: unknown },
  ): Promise<void> {
    await this.#db
      .updateTable("invoice_job_items")
      .set({
        attempts: retry.attempts,
        next_attempt_at: retry.nextAttemptAt,
        leased_until: null,
        error_code: retry.errorCode,
        error_message: retry.errorMessage,
        error_details: JSON.stringify(retry.errorDetails),
        updated_at: this.#now(),
      })
      .where("job_id", "=", jobId)
      .where("invoice_ref", "=", invoiceRef)
      .where("outcome", "is", null)
      .execute();
  }

  /**
   * Records the item's outcome and counts it on its job, exactly once: only the call that
   * turns the item from open to finished counts. Run inside a transaction. Answers whether
   * this call finished the item and whether it was the job's last open one.
   */
  async finishItem(
    jobId: string,
    invoiceRef: string,
    outcome: ItemOutcome,
    error?: { code: string; message: string; details?: unknown },
  ): Promise<{ counted: boolean; jobDone: boolean }> {
    const now = this.#now();
    const result = await this.#db
      .updateTable("invoice_job_items")
      .set({
        outcome,
        finished_at: now,
        updated_at: now,
        leased_until: null,
        error_code: error?.code ?? null,
        error_message: error?.message ?? null,
        error_details: error?.details === undefined ? null : JSON.stringify(error.details),
      })
      .where("job_id", "=", jobId)
      .where("invoice_ref", "=", invoiceRef)
      .where("outcome", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { counted: false, jobDone: false };
    const counter = COUNTER[outcome];
    await this.#db
      .updateTable("invoice_jobs")
      .set((eb) => ({ [counter]: eb(counter, "+", 1), updated_at: now }))
      .where("job_id", "=", jobId)
      .execute();
    const job = await this.#db
      .selectFrom("invoice_jobs")
      .select(["processed", "failed", "duplicates", "held", "collected_at", "total_invoices"])
      .where("job_id", "=", jobId)
      .executeTakeFirstOrThrow();
    return { counted: true, jobDone: job.collected_at !== null && countedOf(job) >= job.total_invoices };
  }

  /** Open items of running jobs untouched since `before`: their message was lost or their worker died. */
  async staleItems(before: string, limit: number): Promise<ItemRow[]> {
    return this.#db
      .selectFrom("invoice_job_items")
      .selectAll()
      .where("outcome", "is", null)
      .where("updated_at", "<", before)
      .orderBy("updated_at")
      .limit(limit)
      .execute();
  }

  async touchItem(jobId: string, invoiceRef: string): Promise<void> {
    await this.#db
      .updateTable("invoice_job_items")
      .set({ updated_at: this.#now() })
      .where("job_id", "=", jobId)
      .where("invoice_ref", "=", invoiceRef)
      .execute();
  }

  // ---- configuration --------------------------------------------------------------------

  async getConfiguration(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom("invoice_configuration")
      .select("value")
      .where("key", "=", key)
      .executeTakeFirst();
    return row?.value;
  }

  async allConfiguration() {
    return this.#db.selectFrom("invoice_configuration").selectAll().orderBy("key").execute();
  }

  async setConfiguration(key: string, value: string, description: string, updatedBy: string | null): Promise<void> {
    const now = this.#now();
    const updated = await this.#db
      .updateTable("invoice_configuration")
      .set({ value, updated_by: updatedBy, updated_at: now })
      .where("key", "=", key)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    try {
      await this.#db
        .insertInto("invoice_configuration")
        .values({ key, value, description, updated_by: updatedBy, updated_at: now })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.#db
        .updateTable("invoice_configuration")
        .set({ value, updated_by: updatedBy, updated_at: now })
        .where("key", "=", key)
        .execute();
    }
  }
}

/** Items finished so far, plus requested ids that matched nothing (counted failed at gathering). */
function countedOf(job: { processed: number; failed: number; duplicates: number; held: number }): number {
  return job.processed + job.failed + job.duplicates + job.held;
}
