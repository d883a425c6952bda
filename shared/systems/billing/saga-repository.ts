import type { Kysely, Selectable, Transaction } from "kysely";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type { BillingState } from "./billing-repository.js";
import type { BillingTables, SagaStatus, SagaStep, SagaTransactionsTable } from "./billing-tables.js";

export type SagaRow = Selectable<SagaTransactionsTable>;

/** JSON as sagas keep it: bigint amounts as decimal text (JSON has no bigint). */
export const sagaJson = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

type Db = Kysely<BillingTables>;

/**
 * The saga_transactions table: every query the billing saga makes of its own rows. Each
 * step is one `mark...` write, inside the saga's transaction when it shares one.
 */
export class SagaRepository {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Step 1: the saga row, holding the idempotency key, the request and the SQL state before. */
  async insertStarted(saga: {
    sagaId: string;
    projectId: string;
    operationType: string;
    idempotencyKey: string;
    requestHash: string;
    request: unknown;
    sqlStateBefore: BillingState;
    createdBy: string | null;
    claimedUntil: string;
    createdAt: string;
  }): Promise<void> {
    await this.#db
      .insertInto("saga_transactions")
      .values({
        saga_id: saga.sagaId,
        project_id: saga.projectId,
        operation_type: saga.operationType,
        step: "STARTED",
        status: "IN_PROGRESS",
        sql_state_before: sagaJson(saga.sqlStateBefore),
        sql_state_after: null,
        sap_result: null,
        error: null,
        idempotency_key: saga.idempotencyKey,
        request_hash: saga.requestHash,
        request_json: sagaJson(saga.request),
        response_json: null,
        created_by: saga.createdBy,
        attempts: 1,
        claimed_until: saga.claimedUntil,
        created_at: saga.createdAt,
        updated_at: saga.createdAt,
      })
      .execute();
  }

  async find(sagaId: string): Promise<SagaRow | undefined> {
    return this.#db.selectFrom("saga_transactions").selectAll().where("saga_id", "=", sagaId).executeTakeFirst();
  }

  /** Newest first; the id breaks ties so pages never overlap. */
  async page(
    filter: { status?: SagaStatus; projectId?: string },
    page: number,
    pageSize: number,
  ): Promise<{ rows: SagaRow[]; total: number }> {
    let q = this.#db.selectFrom("saga_transactions");
    if (filter.status) q = q.where("status", "=", filter.status);
    if (filter.projectId) q = q.where("project_id", "=", filter.projectId);
    return selectPage(
      q,
      [
        ["created_at", "desc"],
        ["saga_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  /** What a replay needs of the saga started under an idempotency key. */
  async findByIdempotencyKey(
    key: string,
  ): Promise<Pick<SagaRow, "saga_id" | "request_hash" | "response_json" | "status"> | undefined> {
    return this.#db
      .selectFrom("saga_transactions")
      .select(["saga_id", "request_hash", "response_json", "status"])
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
  }

  /** Whether any saga is IN_PROGRESS or COMPENSATION_FAILED (one row read at most). */
  async anyUnsettled(): Promise<boolean> {
    const row = await this.#db
      .selectFrom("saga_transactions")
      .select("saga_id")
      .where("status", "in", ["IN_PROGRESS", "COMPENSATION_FAILED"])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Oldest first: sagas IN_PROGRESS or COMPENSATION_FAILED whose claim expired before `now`. */
  async awaitingRecovery(
    now: string,
    limit: number,
  ): Promise<Pick<SagaRow, "saga_id" | "project_id" | "status" | "step">[]> {
    return this.#db
      .selectFrom("saga_transactions")
      .select(["saga_id", "project_id", "status", "step"])
      .where("status", "in", ["IN_PROGRESS", "COMPENSATION_FAILED"])
      .where("claimed_until", "<", now)
      .orderBy("created_at")
      .limit(limit)
      .execute();
  }

  /** Claims a saga whose claim still expired before `now` and counts the attempt; false when another took it. */
  async claim(sagaId: string, now: string, claimedUntil: string): Promise<boolean> {
    const result = await this.#db
      .updateTable("saga_transactions")
      .set((eb) => ({
        claimed_until: claimedUntil,
        attempts: eb("attempts", "+", 1),
        updated_at: this.#clock.now().toISOString(),
      }))
      .where("saga_id", "=", sagaId)
      .where("claimed_until", "<", now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Step 2, with the entries written PENDING. */
  async markSqlApplied(sagaId: string, sqlStateAfter: BillingState, trx: Transaction<BillingTables>): Promise<void> {
    await this.#update(sagaId, { step: "SQL_APPLIED", sql_state_after: sagaJson(sqlStateAfter) }, trx);
  }

  /** Step 3: what SAP answered. */
  async markSapApplied(sagaId: string, sapResult: unknown): Promise<void> {
    await this.#update(sagaId, { step: "SAP_APPLIED", sap_result: sagaJson(sapResult) });
  }

  /** Step 4: SUCCESS and the answer replayed from now on; `sapResult` only when not stored at step 3. */
  async markCompleted(
    sagaId: string,
    done: { sqlStateAfter: BillingState; response: unknown; sapResult?: unknown },
    trx: Transaction<BillingTables>,
  ): Promise<void> {
    await this.#update(
      sagaId,
      {
        step: "COMPLETED",
        status: "SUCCESS",
        ...(done.sapResult === undefined ? {} : { sap_result: sagaJson(done.sapResult) }),
        sql_state_after: sagaJson(done.sqlStateAfter),
        response_json: sagaJson(done.response),
      },
      trx,
    );
  }

  /** The SQL step undone: ROLLED_BACK, with why and the answer. */
  async markCompensated(
    sagaId: string,
    undone: { reason: string; sqlStateAfter: BillingState; response: unknown },
    trx: Transaction<BillingTables>,
  ): Promise<void> {
    await this.#update(
      sagaId,
      {
        step: "COMPENSATED",
        status: "ROLLED_BACK",
        error: undone.reason,
        sql_state_after: sagaJson(undone.sqlStateAfter),
        response_json: sagaJson(undone.response),
      },
      trx,
    );
  }

  /** FAILED with nothing changed; the answer is stored for replays. */
  async markFailed(sagaId: string, failed: { step: SagaStep; error: string; response: unknown }): Promise<void> {
    await this.#update(sagaId, {
      status: "FAILED",
      step: failed.step,
      error: failed.error,
      response_json: sagaJson(failed.response),
    });
  }

  /** Released at once (claim expired now), so recovery settles it on its next run. */
  async leaveForRecovery(sagaId: string, error: string): Promise<void> {
    await this.#update(sagaId, { claimed_until: this.#clock.now().toISOString(), error });
  }

  /** SAP's reversal failed: released at once, so recovery retries it on its next run. */
  async markCompensationFailed(sagaId: string, error: string): Promise<void> {
    await this.#update(sagaId, {
      status: "COMPENSATION_FAILED",
      error,
      claimed_until: this.#clock.now().toISOString(),
    });
  }

  async #update(
    sagaId: string,
    changes: Partial<Omit<SagaTransactionsTable, "saga_id">>,
    trx?: Transaction<BillingTables>,
  ): Promise<void> {
    await (trx ?? this.#db)
      .updateTable("saga_transactions")
      .set({ ...changes, updated_at: this.#clock.now().toISOString() })
      .where("saga_id", "=", sagaId)
      .execute();
  }
}
