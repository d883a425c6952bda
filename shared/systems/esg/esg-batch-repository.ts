import { sql, type Kysely, type Transaction } from "kysely";
import { tablesOf } from "../../foundation/sql/database.js";
import { chunks } from "./esg-chunks.js";
import type { EsgBatchesTable, EsgTables } from "./esg-tables.js";

/** The esg_batches table: a run's batches, their queueing, leases and completion. */
export class EsgBatchRepository {
  readonly #db: Kysely<EsgTables>;

  constructor(db: Kysely<EsgTables>) {
    this.#db = db;
  }

  /** New PENDING batches, not yet queued, inside the listing's transaction. */
  async insertPending<T>(runId: string, batchNos: readonly number[], trx: Transaction<T>): Promise<void> {
    for (const part of chunks(batchNos)) {
      await tablesOf<EsgTables, T>(trx)
        .insertInto("esg_batches")
        .values(
          part.map((batch_no) => ({
            run_id: runId,
            batch_no,
            status: "PENDING" as const,
            queued_at: null,
            leased_until: null,
            completed_at: null,
          })),
        )
        .execute();
    }
  }

  /** Pending batches whose message was never sent, in order. */
  async unqueued(runId: string): Promise<number[]> {
    const rows = await this.#db
      .selectFrom("esg_batches")
      .select("batch_no")
      .where("run_id", "=", runId)
      .where("status", "=", "PENDING")
      .where("queued_at", "is", null)
      .orderBy("batch_no")
      .execute();
    return rows.map((r) => r.batch_no);
  }

  async markQueued(runId: string, batchNos: readonly number[], at: string): Promise<void> {
    for (const part of chunks(batchNos)) {
      await this.#db
        .updateTable("esg_batches")
        .set({ queued_at: at })
        .where("run_id", "=", runId)
        .where("batch_no", "in", part)
        .execute();
    }
  }

  /** Takes a pending batch's lease until `until` if no one holds it at `now`; true when taken. */
  async takeLease(runId: string, batchNo: number, until: string, now: string): Promise<boolean> {
    const taken = await this.#leasing(runId, batchNo, until)
      .where((eb) => eb.or([eb("leased_until", "is", null), eb("leased_until", "<", now)]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  /** Extends the lease of a pending batch (the holder's renewal); true when it is still pending. */
  async renewLease(runId: string, batchNo: number, until: string): Promise<boolean> {
    const renewed = await this.#leasing(runId, batchNo, until).executeTakeFirst();
    return Number(renewed.numUpdatedRows) === 1;
  }

  #leasing(runId: string, batchNo: number, until: string) {
    return this.#db
      .updateTable("esg_batches")
      .set({ leased_until: until })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .where("status", "=", "PENDING");
  }

  async findLease(
    runId: string,
    batchNo: number,
  ): Promise<Pick<EsgBatchesTable, "status" | "leased_until"> | undefined> {
    return this.#db
      .selectFrom("esg_batches")
      .select(["status", "leased_until"])
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .executeTakeFirst();
  }

  /** Lets the next delivery take the batch at once. */
  async releaseLease(runId: string, batchNo: number): Promise<void> {
    await this.#db
      .updateTable("esg_batches")
      .set({ leased_until: null })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .execute();
  }

  /** A pending batch is DONE (a batch already done keeps its completion time). */
  async markDone(runId: string, batchNo: number, at: string): Promise<void> {
    await this.#db
      .updateTable("esg_batches")
      .set({ status: "DONE", completed_at: at })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .where("status", "=", "PENDING")
      .execute();
  }

  /** The batch is DONE whatever its state: its message is being dead-lettered. */
  async settle(runId: string, batchNo: number, at: string): Promise<void> {
    await this.#db
      .updateTable("esg_batches")
      .set({ status: "DONE", completed_at: at })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .execute();
  }

  /** Every pending batch of the run is DONE (a timed-out run). */
  async settleAllPending(runId: string, at: string): Promise<void> {
    await this.#db
      .updateTable("esg_batches")
      .set({ status: "DONE", completed_at: at })
      .where("run_id", "=", runId)
      .where("status", "=", "PENDING")
      .execute();
  }

  async countPending(runId: string): Promise<number> {
    const pending = await this.#db
      .selectFrom("esg_batches")
      .select(sql<number | string>`count(*)`.as("n"))
      .where("run_id", "=", runId)
      .where("status", "=", "PENDING")
      .executeTakeFirstOrThrow();
    return Number(pending.n);
  }

  async deleteOfRuns(runIds: readonly string[]): Promise<void> {
    for (const part of chunks(runIds)) await this.#db.deleteFrom("esg_batches").where("run_id", "in", part).execute();
  }
}
