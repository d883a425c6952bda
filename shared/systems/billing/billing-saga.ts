import { rfcText } from "../../sap/sap-normalize.js";
import { createHash, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from "../../kernel/errors.js";
import { formatDecimal, toMoney } from "../../kernel/money.js";
import { checksumOfFacts, fromSap, type RepairAction } from "./billing-facts.js";
import type { Logger } from "../../foundation/logger.js";
import type { Alerter } from "../../ports/alerter.js";
import { SapCallError, type GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SapBillingEntryRow } from "../../sap/sap-functions.js";
import type { BillingTables, SagaStatus, SagaStep } from "./billing-tables.js";
import { billingStateOf, type BillingEntry, type BillingKind, type BillingRepository } from "./billing-repository.js";
import type { InconsistencyRepository } from "./inconsistency-repository.js";
import { sagaJson as json, type SagaRepository, type SagaRow } from "./saga-repository.js";
import type { Clock } from "../../ports/clock.js";

export interface BillingEntryInput {
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly billingDate: string;
  readonly description: string;
  readonly kind: BillingKind;
  readonly pep: string | null;
}

/** What a billing write answers, stored on the saga so the same Idempotency-Key replays it. */
export interface StoredResponse {
  readonly status: number;
  readonly body: {
    readonly data?: unknown;
    readonly error?: { code: string; message: string; details: Record<string, unknown> };
  };
}

export interface Saga {
  readonly sagaId: string;
  readonly projectId: string;
  readonly operationType: string;
  readonly step: SagaStep;
  readonly status: SagaStatus;
  readonly sqlStateBefore: unknown;
  readonly sqlStateAfter: unknown;
  readonly sapResult: unknown;
  readonly error: string | null;
  readonly attempts: number;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * What the saga needs of the gateway's projects; the root hands it the ProjectService.
 * Declared here so billing does not depend on the gateway (which reads billing entries).
 */
export interface ProjectLookup {
  /** Fails with NotFoundError when the project does not exist; `currency` is SAP's (null when unreadable). */
  getProject(projectId: string): Promise<{ readonly currency: string | null }>;
  /** Drops the project's cached merged view after its billing changed. */
  invalidate(projectId: string): Promise<void>;
}

export interface BillingSagaOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  /** Opens the transactions the repositories below write in. */
  readonly db: Kysely<BillingTables>;
  readonly sagas: SagaRepository;
  readonly billing: BillingRepository;
  /** A repair saga closes the finding it corrects, in its own transaction. */
  readonly inconsistencies: InconsistencyRepository;
  readonly sap: GuardedSapClient;
  readonly functions: { readonly update: string; readonly reverse: string; readonly read: string };
  readonly projects: ProjectLookup;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly logger: Logger;
  /** How long a running saga is held before recovery may take it over. */
  readonly staleAfterSeconds: number;
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/**
 * Billing writes that keep SAP and SQL consistent (seed 000's SAGA), safe against a crash
 * at any line:
 *
 *   1. STARTED      the saga row exists (idempotency key, request, SQL state before)
 *   2. SQL_APPLIED  entries written PENDING, in one transaction with the step
 *   3. SAP_APPLIED  SAP posted them under the saga id as reference (a repeat is a no-op)
 *   4. COMPLETED    entries ACTIVE, saga SUCCESS, audit, in one transaction
 *
 * SAP refuses → the SQL step is undone: ROLLED_BACK. SAP's answer is lost (timeout) →
 * SAP is asked what it holds under the reference before anything is decided. Step 4 fails
 * after SAP posted → SAP is compensated (reversal under the same reference), then the SQL
 * step is undone: ROLLED_BACK; a failed reversal leaves COMPENSATION_FAILED, alerted and
 * retried. A saga whose process died is found by `recoverSagas` once its claim expires,
 * and finished or undone by asking SAP, never by guessing.
 */
export class BillingSagaService {
  readonly #o: BillingSagaOptions;
  readonly #sagas: SagaRepository;
  readonly #billing: BillingRepository;

  constructor(options: BillingSagaOptions) {
    this.#o = Object.freeze({ ...options });
    this.#sagas = options.sagas;
    this.#billing = options.billing;
  }

  /** The wire shape of an entry. */
  readonly view = entryView;

  listBilling(projectId: string): Promise<BillingEntry[]> {
    return this.#billing.listActive(projectId);
  }

  /** Posts billing entries through the saga; the same key and body replay the first answer. */
  async postBilling(
    projectId: string,
    entries: readonly BillingEntryInput[],
    idempotencyKey: string,
    actor: Actor,
  ): Promise<StoredResponse> {
    const request = { projectId, entries };
    const requestHash = createHash("sha256").update(json(request)).digest("hex");
    const key = `${actor.userId ?? "anonymous"}:${idempotencyKey}`;
    const replay = await this.#replay(key, requestHash);
    if (replay) return replay;

    // SAP must know the project (404 otherwise) and be up before anything is written.
    const project = await this.#o.projects.getProject(projectId);
    assertProjectCurrency(entries, project.currency);
    const now = this.#o.clock.now().toISOString();
    let sagaId: string;
    try {
      sagaId = await this.#startSaga({ projectId, operationType: "BILLING_POST", key, requestHash, request, actor });
    } catch (error) {
      // A concurrent request with the same key won the insert: answer as it will.
      const again = await this.#replay(key, requestHash);
      if (again) return again;
      throw error;
    }

    return this.#logged(sagaId, "post", () => this.#runPost(sagaId, projectId, entries, now, actor));
  }

  async #runPost(
    sagaId: string,
    projectId: string,
    entries: readonly BillingEntryInput[],
    now: string,
    actor: Actor,
  ): Promise<StoredResponse> {
    const rows: BillingEntry[] = entries.map((e, i) => ({
      ...e,
      entryId: `${sagaId}-${i + 1}`,
      projectId,
      sagaId,
      status: "PENDING",
      createdAt: now,
    }));
    await this.#o.db.transaction().execute(async (trx) => {
      await this.#billing.insertPending(rows, trx);
      await this.#sagas.markSqlApplied(
        sagaId,
        billingStateOf([...(await this.#billing.listActive(projectId, trx)), ...rows]),
        trx,
      );
    });

    let sapResult: { document: string; duplicate: boolean };
    try {
      sapResult = await this.#postToSap(sagaId, projectId, rows);
    } catch (error) {
      if (error instanceof SapCallError && error.outcome === "UNKNOWN") {
        // SAP may have posted: recovery asks SAP once it answers again. Not stored, so
        // the same key answers "in progress" until then, and the final result after.
        this.#o.logger.warn("Billing saga left for recovery: SAP's answer was lost", { saga_id: sagaId, error });
        await this.#sagas.leaveForRecovery(sagaId, error.message);
        throw new ServiceUnavailableError(
          "SAP did not answer; the write is held and finished or undone automatically. Poll the saga.",
          error.retryAfterSeconds,
          { saga_id: sagaId, status: "IN_PROGRESS" },
          "SAP_UNAVAILABLE",
        );
      }
      return this.#rollBack(sagaId, projectId, error, actor);
    }
    return this.#complete(sagaId, projectId, sapResult, actor);
  }

  /**
   * Corrects SQL to SAP for a reconciliation finding, as a saga: SAP is read first and must
   * still hold what reconciliation saw (else nothing changes: FAILED), then every SQL
   * change, the saga's completion, the finding's REPAIRED status and the audit record
   * commit in one transaction. Applying the same finding twice replays the first answer.
   */
  async repairFromSap(input: {
    inconsistencyId: string;
    projectId: string;
    expectedSapChecksum: string;
    actions: readonly RepairAction[];
    actor: Actor;
  }): Promise<StoredResponse> {
    const { inconsistencyId, projectId, actions, actor } = input;
    const request = { inconsistencyId, projectId, actions };
    const requestHash = createHash("sha256").update(json(request)).digest("hex");
    const key = `repair:${inconsistencyId}`;
    const replay = await this.#replay(key, requestHash);
    if (replay) return replay;
    const sagaId = await this.#startSaga({
      projectId,
      operationType: "RECONCILIATION_REPAIR",
      key,
      requestHash,
      request,
      actor,
    });
    const sapRows = ((
      await this.#o.sap.call(this.#o.functions.read, { PROJECT_ID: projectId }, { what: "Project", id: projectId })
    ).ET_BILLING ?? []) as SapBillingEntryRow[];
    const sapChecksum = checksumOfFacts(sapRows.map(fromSap));
    if (sapChecksum !== input.expectedSapChecksum) {
      const response = errorResponse(
        409,
        "CONFLICT",
        "SAP's billing for this project changed since the inconsistency was found; wait for the next reconciliation pass",
        { saga_id: sagaId },
      );
      await this.#fail(sagaId, projectId, "STARTED", { error: "SAP changed since detection" }, response, actor);
      return response;
    }
    let response: StoredResponse | undefined;
    await this.#o.db.transaction().execute(async (trx) => {
      const stamp = this.#o.clock.now().toISOString();
      await this.#billing.applyRepair(projectId, actions, stamp, trx);
      const after = billingStateOf(await this.#billing.listActive(projectId, trx));
      response = {
        status: 200,
        body: {
          data: {
            sagaId,
            projectId,
            status: "SUCCESS",
            inconsistencyId,
            applied: actions.length,
            sqlStateAfter: after,
          },
        },
      };
      await this.#sagas.markCompleted(
        sagaId,
        { sapResult: { verifiedChecksum: sapChecksum }, sqlStateAfter: after, response },
        trx,
      );
      await this.#o.inconsistencies.markRepaired(
        inconsistencyId,
        { sagaId, resolvedBy: actor.userId ?? null, at: stamp },
        trx,
      );
      await this.#o.audit.record(
        actor,
        {
          action: "reconciliation.repair_applied",
          resourceType: "billing_inconsistency",
          resourceId: inconsistencyId,
          details: { saga_id: sagaId, project_id: projectId, actions: actions.length },
        },
        trx,
      );
    });
    await this.#o.projects.invalidate(projectId);
    return response!;
  }

  /** Step 1: the saga row, holding the idempotency key, the request and the SQL state before. */
  async #startSaga(input: {
    projectId: string;
    operationType: string;
    key: string;
    requestHash: string;
    request: unknown;
    actor: Actor;
  }): Promise<string> {
    const sagaId = randomUUID();
    const createdAt = this.#o.clock.now().toISOString();
    const sqlStateBefore = billingStateOf(await this.#billing.listActive(input.projectId));
    await this.#sagas.insertStarted({
      sagaId,
      projectId: input.projectId,
      operationType: input.operationType,
      idempotencyKey: input.key,
      requestHash: input.requestHash,
      request: input.request,
      sqlStateBefore,
      createdBy: input.actor.userId ?? null,
      claimedUntil: this.#claimUntil(),
      createdAt,
    });
    return sagaId;
  }

  async getSaga(sagaId: string): Promise<Saga> {
    const row = await this.#sagas.find(sagaId);
    if (!row) throw new NotFoundError("Saga", sagaId);
    return toSaga(row);
  }

  async listSagas(query: {
    status?: SagaStatus;
    projectId?: string;
    page: number;
    pageSize: number;
  }): Promise<{ items: Saga[]; total: number }> {
    const { rows, total } = await this.#sagas.page(query, query.page, query.pageSize);
    return { items: rows.map(toSaga), total };
  }

  /** Whether a saga is IN_PROGRESS or COMPENSATION_FAILED: the recovery timer keeps watching while one is. */
  hasUnsettledSagas(): Promise<boolean> {
    return this.#sagas.anyUnsettled();
  }

  /**
   * The recovery timer: takes over sagas whose claim expired while IN_PROGRESS (their
   * process died) and COMPENSATION_FAILED ones, and settles each by asking SAP what it
   * holds under the saga's reference. Returns how many were settled.
   */
  async recoverSagas(actor: Actor): Promise<number> {
    const now = this.#o.clock.now().toISOString();
    const candidates = await this.#sagas.awaitingRecovery(now, 100);
    let settled = 0;
    for (const saga of candidates) {
      // Claim it, so a second instance running the same timer leaves it alone.
      if (!(await this.#sagas.claim(saga.saga_id, now, this.#claimUntil()))) continue;
      try {
        await this.#logged(saga.saga_id, "recovery", () =>
          this.#recover(saga.saga_id, saga.project_id, saga.status, saga.step, actor),
        );
        settled++;
      } catch (error) {
        this.#o.logger.warn("Saga recovery attempt failed; the next run retries", { saga_id: saga.saga_id, error });
      }
    }
    return settled;
  }

  async #recover(sagaId: string, projectId: string, status: SagaStatus, step: SagaStep, actor: Actor): Promise<void> {
    if (status === "IN_PROGRESS" && step === "STARTED") {
      // Died before the SQL step: nothing was applied anywhere.
      await this.#fail(
        sagaId,
        projectId,
        "STARTED",
        { error: "interrupted before any change" },
        errorResponse(
          503,
          "SERVICE_UNAVAILABLE",
          "The write was interrupted before any change; retry with a new Idempotency-Key",
        ),
        actor,
      );
      return;
    }
    const posted = await this.#sapHolds(sagaId, projectId);
    if (status === "COMPENSATION_FAILED") {
      if (posted) await this.#reverseInSap(sagaId);
      await this.#undoSql(sagaId, projectId, "ROLLED_BACK", "compensated by recovery", actor);
      return;
    }
    if (posted) {
      const sapResult = { document: posted, duplicate: true };
      await this.#sagas.markSapApplied(sagaId, sapResult);
      await this.#complete(sagaId, projectId, sapResult, actor);
    } else {
      await this.#undoSql(sagaId, projectId, "ROLLED_BACK", "SAP holds no posting under this saga's reference", actor);
    }
  }

  /**
   * One run of a saga between "Job started" and "Job finished" info lines, as queued jobs
   * are logged (job_kind billing-saga): outcome succeeded, refused (an error answer: rolled
   * back or failed) or error (thrown: left for recovery, or retried by the next recovery run).
   */
  async #logged<T extends StoredResponse | void>(sagaId: string, step: string, run: () => Promise<T>): Promise<T> {
    const job = { job_kind: "billing-saga", job_id: sagaId, job_step: step };
    const started = performance.now();
    let outcome = "error";
    this.#o.logger.info("Job started", job);
    try {
      const result = await run();
      outcome = result && result.status >= 400 ? "refused" : "succeeded";
      return result;
    } finally {
      this.#o.logger.info("Job finished", { ...job, outcome, duration_ms: Math.round(performance.now() - started) });
    }
  }

  async #postToSap(
    sagaId: string,
    projectId: string,
    rows: readonly BillingEntry[],
  ): Promise<{ document: string; duplicate: boolean }> {
    const result = await this.#o.sap.call(
      this.#o.functions.update,
      {
        PROJECT_ID: projectId,
        IV_REFERENCE: sagaId,
        IT_ENTRIES: rows.map((r): Omit<SapBillingEntryRow, "DOCNR" | "REFERENCE"> => ({
          ENTRY_ID: r.entryId,
          // SAP's internal CURR format: two decimals, whatever the currency.
          AMOUNT: formatDecimal(r.amountMinor, 2),
          WAERS: r.currency,
          BUDAT: r.billingDate.replaceAll("-", ""),
          SGTXT: r.description.slice(0, 50),
        })),
      },
      { what: "Project", id: projectId },
    );
    const sapResult = {
      document: rfcText(result.EV_DOCUMENT ?? "").trim(),
      duplicate: rfcText(result.EV_DUPLICATE ?? "").trim() === "X",
    };
    await this.#sagas.markSapApplied(sagaId, sapResult);
    return sapResult;
  }

  /** Step 4; if it fails, SAP is compensated and the SQL step undone. */
  async #complete(
    sagaId: string,
    projectId: string,
    sapResult: { document: string; duplicate: boolean },
    actor: Actor,
  ): Promise<StoredResponse> {
    try {
      let response: StoredResponse | undefined;
      await this.#o.db.transaction().execute(async (trx) => {
        await this.#billing.activate(sagaId, trx);
        const entries = (await this.#billing.listActive(projectId, trx)).filter((e) => e.sagaId === sagaId);
        response = {
          status: 201,
          body: {
            data: {
              sagaId,
              projectId,
              status: "SUCCESS",
              sapDocument: sapResult.document,
              entries: entries.map(entryView),
            },
          },
        };
        await this.#sagas.markCompleted(
          sagaId,
          { sqlStateAfter: billingStateOf(await this.#billing.listActive(projectId, trx)), response },
          trx,
        );
        await this.#o.audit.record(
          actor,
          {
            action: "billing.posted",
            resourceType: "project",
            resourceId: projectId,
            details: { saga_id: sagaId, sap_document: sapResult.document, entries: entries.length },
          },
          trx,
        );
      });
      await this.#o.projects.invalidate(projectId);
      return response!;
    } catch (error) {
      this.#o.logger.error("Billing saga: the SQL step failed after SAP posted; compensating SAP", {
        saga_id: sagaId,
        error,
      });
      return this.#compensate(sagaId, projectId, error, actor);
    }
  }

  async #compensate(sagaId: string, projectId: string, cause: unknown, actor: Actor): Promise<StoredResponse> {
    try {
      await this.#reverseInSap(sagaId);
    } catch (error) {
      const message = `SAP reversal failed: ${(error as Error).message}`;
      // Released at once: the recovery timer retries the reversal on its next run.
      await this.#sagas.markCompensationFailed(sagaId, message).catch(() => undefined);
      await this.#o.alerts.raise({
        source: "billing-saga",
        severity: "critical",
        title: "Billing saga compensation failed",
        message: `Saga ${sagaId} (project ${projectId}) posted to SAP but could not be completed in SQL, and the SAP reversal failed; the recovery timer retries it.`,
        details: {
          saga_id: sagaId,
          project_id: projectId,
          cause: (cause as Error).message,
          reversal_error: (error as Error).message,
        },
      });
      throw new ServiceUnavailableError(
        "The write could not be completed and its SAP posting is not yet reversed; it is retried automatically. Poll the saga.",
        30,
        { saga_id: sagaId, status: "COMPENSATION_FAILED" },
      );
    }
    return this.#undoSql(
      sagaId,
      projectId,
      "ROLLED_BACK",
      `completed in SAP but not in SQL (${(cause as Error).message}); SAP compensated`,
      actor,
    );
  }

  async #rollBack(sagaId: string, projectId: string, cause: unknown, actor: Actor): Promise<StoredResponse> {
    return this.#undoSql(
      sagaId,
      projectId,
      "ROLLED_BACK",
      `SAP refused the posting: ${(cause as Error).message}`,
      actor,
      cause,
    );
  }

  async #undoSql(
    sagaId: string,
    projectId: string,
    status: "ROLLED_BACK",
    reason: string,
    actor: Actor,
    cause?: unknown,
  ): Promise<StoredResponse> {
    const response =
      cause instanceof DomainError
        ? errorResponse(cause.code === "NOT_FOUND" ? 404 : 503, cause.code, cause.message, { saga_id: sagaId, status })
        : errorResponse(503, "SERVICE_UNAVAILABLE", `The billing write was rolled back: ${reason}`, {
            saga_id: sagaId,
            status,
          });
    await this.#o.db.transaction().execute(async (trx) => {
      await this.#billing.removePending(sagaId, trx);
      await this.#sagas.markCompensated(
        sagaId,
        { reason, sqlStateAfter: billingStateOf(await this.#billing.listActive(projectId, trx)), response },
        trx,
      );
      await this.#o.audit.record(
        actor,
        {
          action: "billing.rolled_back",
          resourceType: "project",
          resourceId: projectId,
          details: { saga_id: sagaId, reason },
        },
        trx,
      );
    });
    await this.#o.projects.invalidate(projectId);
    return response;
  }

  /** FAILED with nothing changed anywhere, audited. */
  async #fail(
    sagaId: string,
    projectId: string,
    step: SagaStep,
    details: { error: string },
    response: StoredResponse,
    actor: Actor,
  ): Promise<void> {
    await this.#sagas.markFailed(sagaId, { step, error: details.error, response });
    await this.#o.audit.record(actor, {
      action: "billing.failed",
      resourceType: "project",
      resourceId: projectId,
      details: { saga_id: sagaId, ...details },
    });
  }

  async #reverseInSap(sagaId: string): Promise<void> {
    await this.#o.sap.call(this.#o.functions.reverse, { IV_REFERENCE: sagaId });
  }

  /** SAP's document number for the saga's live posting, or undefined when there is none. */
  async #sapHolds(sagaId: string, projectId: string): Promise<string | undefined> {
    const result = await this.#o.sap.call(this.#o.functions.read, { PROJECT_ID: projectId, IV_REFERENCE: sagaId });
    const rows = (result.ET_BILLING ?? []) as SapBillingEntryRow[];
    return rows.length > 0 ? rows[0]!.DOCNR.trim() || "unknown" : undefined;
  }

  async #replay(key: string, requestHash: string): Promise<StoredResponse | undefined> {
    const existing = await this.#sagas.findByIdempotencyKey(key);
    if (!existing) return undefined;
    if (existing.request_hash !== requestHash) {
      throw new ConflictError("This Idempotency-Key was used with a different request; use a new key for a new write", {
        saga_id: existing.saga_id,
      });
    }
    if (existing.response_json === null) {
      throw new ConflictError("A request with this Idempotency-Key is still being processed; poll the saga", {
        saga_id: existing.saga_id,
        status: existing.status,
      });
    }
    return JSON.parse(existing.response_json) as StoredResponse;
  }

  #claimUntil(): string {
    return new Date(this.#o.clock.now().getTime() + this.#o.staleAfterSeconds * 1000).toISOString();
  }
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): StoredResponse {
  return { status, body: { error: { code, message, details } } };
}

export function entryView(e: BillingEntry) {
  return {
    entryId: e.entryId,
    kind: e.kind,
    pep: e.pep,
    amount: toMoney(e.amountMinor, e.currency).amount,
    currency: e.currency,
    billingDate: e.billingDate,
    description: e.description,
    sagaId: e.sagaId,
    createdAt: e.createdAt,
  };
}

function toSaga(row: SagaRow): Saga {
  return {
    sagaId: row.saga_id,
    projectId: row.project_id,
    operationType: row.operation_type,
    step: row.step,
    status: row.status,
    sqlStateBefore: parse(row.sql_state_before),
    sqlStateAfter: parse(row.sql_state_after),
    sapResult: parse(row.sap_result),
    error: row.error,
    attempts: row.attempts,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Entries are in the project's currency: the project total, SAP's CURR fields and the
 * reconciliation add them up, and amounts in different currencies are never added.
 */
function assertProjectCurrency(entries: readonly BillingEntryInput[], currency: string | null): void {
  if (currency === null) return; // SAP's own value is unreadable; the merged project already flags it
  const foreign = entries.flatMap((e, i) =>
    e.currency === currency
      ? []
      : [
          {
            field: `entries.${i}.currency`,
            message: `must be ${currency}, the project's currency (got ${e.currency})`,
            location: "body" as const,
          },
        ],
  );
  if (foreign.length > 0) throw new ValidationError(foreign, `Billing entries must be in ${currency}`);
}
