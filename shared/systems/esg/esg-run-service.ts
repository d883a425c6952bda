import { randomUUID } from "node:crypto";
import { PassThrough, Readable, Transform, pipeline as streamPipeline } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql, type Kysely, type Selectable } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { ConflictError, NotFoundError, NonRetriableError, ServiceUnavailableError } from "../../kernel/errors.js";
import { decryptingStream, encryptingStream, type FileKey, type FileKeyring } from "../../kernel/file-encryption.js";
import { PartnerCallError } from "../../foundation/partner-http.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { Alert, Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import { isUniqueViolation, tablesOf } from "../../foundation/sql/database.js";
import { selectPage } from "../../foundation/sql/paging.js";
import type { EsgTables, EsgAccountStatus, EsgRunStatus, EsgRunsTable, EsgTrigger } from "./esg-tables.js";
import { mapLimited } from "../../kernel/map-limited.js";
import { isStartDue, isStartOverdue, localDate, windowAt, windowFor, type DailyWindow } from "./esg-clock.js";
import {
  esgErrorFileHeader,
  esgErrorRecord,
  esgFileHeader,
  esgFileNames,
  esgFileRecord,
  type EsgFileRow,
} from "./esg-files.js";
import type { AccountDirectory, EsgRatingsClient } from "./esg-partners.js";
import type { RatingOutcome } from "./esg-rating.js";
import { buildEsgSummary, type EsgSummary } from "./esg-summary.js";
import type { Clock } from "../../ports/clock.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import { ESG_QUEUES } from "./esg-queues.js";

/** One step of a run on the `esg-batches` queue: list the accounts, rate a batch, or write the files. */
export type EsgStep =
  | { readonly step: "list"; readonly runId: string }
  | { readonly step: "batch"; readonly runId: string; readonly batchNo: number }
  | { readonly step: "assemble"; readonly runId: string };

export type SendEsgSteps = (messages: readonly OutgoingMessage[]) => Promise<void>;

export interface EsgRun {
  readonly runId: string;
  readonly runDate: string;
  readonly trigger: EsgTrigger;
  readonly status: EsgRunStatus;
  readonly counts: {
    readonly total: number;
    readonly successful: number;
    readonly failed: number;
    readonly partial: number;
    readonly pending: number;
    readonly reused: number;
  };
  /** Accounts done, in percent of those listed (the list may still be growing while LISTING). */
  readonly progress: number;
  readonly listComplete: boolean;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly deadlineAt: string;
  readonly durationSeconds: number | null;
  /** Forecast finish from the run's throughput so far; null until there is some. */
  readonly eta: string | null;
  readonly etaAfterDeadline: boolean;
  readonly timedOut: boolean;
  readonly error: string | null;
  readonly hasFile: boolean;
  readonly createdAt: string;
}

export interface EsgRunServiceOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  readonly db: Kysely<EsgTables>;
  readonly blobs: BlobStore;
  readonly container: string;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  /** Undefined when the partner URLs are not configured; a run then fails with that reason. */
  readonly partners: { readonly accounts: AccountDirectory; readonly ratings: EsgRatingsClient } | undefined;
  readonly fileKeys: FileKeyring;
  readonly window: DailyWindow;
  readonly batchSize: number;
  readonly concurrency: number;
  /** How long a worker holds a batch without renewing: the esg-batches message lock. */
  readonly batchLeaseMs: number;
  /** A rating without an ETag is reused without a call while younger than this (0: always call). */
  readonly fullRefreshHours: number;
  readonly failureAlertPercent: number;
  readonly fileRetentionDays: number;
  readonly resultRetentionDays: number;
  readonly jobs: JobProtocol;
}

const ACTIVE: readonly EsgRunStatus[] = ["QUEUED", "LISTING", "RUNNING"];
const FINAL: readonly EsgRunStatus[] = ["COMPLETED", "TIMED_OUT", "FAILED"];
/** SQL Server takes at most 2,100 parameters a statement: ids and rows go in chunks (16 columns x 100 rows). */
const CHUNK = 150;
const ROW_CHUNK = 100;
const ALERT_SOURCE = "esg-daily-file";
const RESULT_GROUP = 16;
const RESULT_FLUSH_MS = 50;

/** The run stopped taking accounts (timed out, or its file is being written). */
class ListingClosedError extends Error {}

interface StatusCount {
  readonly status: EsgAccountStatus;
  readonly n: number | string;
  readonly reused: number | string | null;
}

interface OutcomeRecord {
  readonly accountId: string;
  readonly outcome: RatingOutcome;
  readonly known: Selectable<EsgTables["esg_latest_ratings"]> | undefined;
}
const CSV = "text/csv; charset=utf-8";

const chunks = <T>(items: readonly T[], size = CHUNK) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const listMessage = (runId: string): OutgoingMessage => ({
  messageId: `esg:${runId}:list`,
  body: { step: "list", runId },
});
const batchMessage = (runId: string, batchNo: number): OutgoingMessage => ({
  messageId: `esg:${runId}:batch:${batchNo}`,
  body: { step: "batch", runId, batchNo },
});
const assembleMessage = (runId: string, attempt = ""): OutgoingMessage => ({
  messageId: `esg:${runId}:assemble${attempt}`,
  body: { step: "assemble", runId },
});

/**
 * The daily ESG ratings file of seed 001, fanned out over Service Bus: a run lists the
 * active accounts into SQL (resuming from the last page's cursor), rates them in batches
 * on `esg-batches`, stores each account's result as it completes (so redelivery never calls
 * a finished account again nor counts it twice) and, when the last batch is done, writes
 * the encrypted file once. Every step is idempotent; a timer times out runs at the window's
 * end and re-sends what a crash left unsent.
 */
export class EsgRunService {
  readonly #o: EsgRunServiceOptions;

  constructor(options: EsgRunServiceOptions) {
    this.#o = Object.freeze({ ...options });
  }

  // ---------------------------------------------------------------- starting runs

  /**
   * The timer's step: starts the scheduled run of the local day once the local start time
   * has come (exactly once per local day: a unique index backs the check). Returns the run
   * when one was started now.
   */
  async startScheduledRunIfDue(now: Date, send: SendEsgSteps): Promise<EsgRun | undefined> {
    if (!isStartDue(now, this.#o.window)) return undefined;
    const runDate = localDate(now, this.#o.window.timeZone);
    const existing = await this.#o.db
      .selectFrom("esg_runs")
      .select("run_id")
      .where("run_date", "=", runDate)
      .where((eb) => eb.or([eb("trigger_source", "=", "SCHEDULED"), eb("active_full", "=", 1)]))
      .executeTakeFirst();
    if (existing) return undefined;
    try {
      return await this.#createRun({ runDate, trigger: "SCHEDULED", requestedBy: null, accountIds: null }, now, send);
    } catch (error) {
      if (error instanceof ConflictError) return undefined; // another instance started it first
      throw error;
    }
  }

  /** `POST /v1/esg/runs` with `{}`: the day's full run now (409 while one for the day is unfinished). */
  async startFullRun(actor: Actor, send: SendEsgSteps): Promise<EsgRun> {
    const now = this.#o.clock.now();
    const runDate = localDate(now, this.#o.window.timeZone);
    const run = await this.#createRun(
      { runDate, trigger: "MANUAL_FULL", requestedBy: actor.userId ?? null, accountIds: null },
      now,
      send,
    );
    await this.#o.audit.record(actor, {
      action: "esg.run.started",
      resourceType: "esg_run",
      resourceId: run.runId,
      details: { trigger: "MANUAL_FULL", run_date: runDate },
    });
    return run;
  }

  /** `POST /v1/esg/runs` with account ids: re-processes just those, in a run and file of their own. */
  async startAccountsRun(accountIds: readonly string[], actor: Actor, send: SendEsgSteps): Promise<EsgRun> {
    const now = this.#o.clock.now();
    const runDate = localDate(now, this.#o.window.timeZone);
    const ids = [...new Set(accountIds)];
    const run = await this.#createRun(
      { runDate, trigger: "MANUAL_ACCOUNTS", requestedBy: actor.userId ?? null, accountIds: ids },
      now,
      send,
    );
    await this.#o.audit.record(actor, {
      action: "esg.run.started",
      resourceType: "esg_run",
      resourceId: run.runId,
      details: { trigger: "MANUAL_ACCOUNTS", accounts: ids.length },
    });
    return run;
  }

  /** `now` is when the run starts: the timer's firing time for a scheduled run, so its window is that day's. */
  async #createRun(
    input: { runDate: string; trigger: EsgTrigger; requestedBy: string | null; accountIds: readonly string[] | null },
    now: Date,
    send: SendEsgSteps,
  ): Promise<EsgRun> {
    const runId = randomUUID();
    const full = input.trigger !== "MANUAL_ACCOUNTS";
    // A full run ends with the day's window; a run for a few accounts gets a window of its own.
    const deadline = full
      ? windowFor(input.runDate, this.#o.window).endsAt
      : new Date(now.getTime() + this.#o.window.windowMinutes * 60_000);
    const effectiveDeadline =
      deadline > now ? deadline : new Date(now.getTime() + this.#o.window.windowMinutes * 60_000);
    // The job protocol: the run's row and its list step are written together; a lost send
    // is sent again by the sweeper.
    await this.#o.jobs.submit(
      async (trx) => {
        try {
          await tablesOf<EsgTables, unknown>(trx)
            .insertInto("esg_runs")
            .values({
              run_id: runId,
              run_date: input.runDate,
              trigger_source: input.trigger,
              requested_by: input.requestedBy,
              requested_account_ids: input.accountIds ? JSON.stringify(input.accountIds) : null,
              status: "QUEUED",
              active_full: full ? 1 : null,
              list_cursor: null,
              list_complete: 0,
              accounts_listed: 0,
              duplicates_skipped: 0,
              timed_out: 0,
              list_queued_at: now.toISOString(),
              deadline_at: effectiveDeadline.toISOString(),
              created_at: now.toISOString(),
              updated_at: now.toISOString(),
              started_at: null,
              completed_at: null,
              file_blob: null,
              error_file_blob: null,
              summary_blob: null,
              summary_json: null,
              error: null,
            })
            .execute();
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ConflictError(`A full ESG run for ${input.runDate} is already in progress`, {
              run_date: input.runDate,
            });
          throw error;
        }
        return { job: runId, kind: "esg-run", jobId: runId, queue: ESG_QUEUES.esgBatches, message: listMessage(runId) };
      },
      (_queue, message) => send([message]),
    );
    this.#o.logger.info("ESG run created", { run_id: runId, run_date: input.runDate, trigger: input.trigger });
    return this.getRun(runId);
  }

  // ---------------------------------------------------------------- the queue steps

  async handleStep(step: EsgStep, send: SendEsgSteps, isLastDelivery: boolean): Promise<void> {
    // On the last delivery, settle what the message stood for, so the run never hangs.
    await this.#o.jobs.deliver(
      isLastDelivery,
      async () => {
        if (step.step === "list") await this.listAccounts(step.runId, send);
        else if (step.step === "batch") await this.processBatch(step.runId, step.batchNo, send);
        else await this.assemble(step.runId);
      },
      (reason) =>
        step.step === "batch"
          ? this.#failBatch(step.runId, step.batchNo, reason, send)
          : this.#failRun(step.runId, reason),
      `${step.step} step`,
    );
  }

  /**
   * Lists the run's accounts page by page. Each page and the cursor after it are committed
   * together, so a redelivered message resumes at the next page; the batches a page
   * completes are queued as soon as it is committed, so rating starts while listing goes on.
   */
  async listAccounts(runId: string, send: SendEsgSteps): Promise<void> {
    const run = await this.#row(runId);
    if (!["QUEUED", "LISTING"].includes(run.status) || run.list_complete === 1) {
      await this.#sendUnqueuedBatches(runId, send);
      return this.#assembleIfDone(runId, send);
    }
    const partners = this.#o.partners;
    if (!partners) return this.#failRun(runId, "ESG_ACCOUNTS_API_URL and ESG_RATINGS_API_URL are not configured");
    await this.#o.db
      .updateTable("esg_runs")
      .set({
        status: "LISTING",
        started_at: run.started_at ?? this.#o.clock.now().toISOString(),
        updated_at: this.#o.clock.now().toISOString(),
      })
      .where("run_id", "=", runId)
      .where("status", "=", "QUEUED")
      .execute();
    await this.#sendUnqueuedBatches(runId, send);

    if (run.requested_account_ids) {
      await this.#listRequestedAccounts(run, JSON.parse(run.requested_account_ids) as string[], partners.accounts);
    } else {
      let cursor = run.list_cursor;
      for (;;) {
        if (this.#o.clock.now().getTime() >= Date.parse(run.deadline_at)) return; // the monitor times the run out
        let page;
        try {
          page = await partners.accounts.listPage(cursor);
        } catch (error) {
          if (error instanceof PartnerCallError)
            return this.#failRun(runId, `The account list could not be read: ${error.message}`);
          throw error;
        }
        const last = page.nextCursor === null;
        try {
          await this.#addAccounts(runId, page.accounts, page.nextCursor, last);
        } catch (error) {
          if (error instanceof ListingClosedError) return;
          throw error;
        }
        if (page.invalidEntries > 0)
          this.#o.logger.warn("Account list page had entries without a usable account id", {
            run_id: runId,
            entries: page.invalidEntries,
          });
        await this.#sendUnqueuedBatches(runId, send);
        if (last) break;
        if (page.nextCursor === cursor)
          return this.#failRun(
            runId,
            "The account list repeated the same cursor; the Account Management System is paginating wrongly",
          );
        cursor = page.nextCursor;
      }
    }
    await this.#sendUnqueuedBatches(runId, send);
    await this.#assembleIfDone(runId, send);
  }

  /** A manual run's accounts, each checked against the Account Management System. */
  async #listRequestedAccounts(
    run: Selectable<EsgRunsTable>,
    ids: readonly string[],
    directory: AccountDirectory,
  ): Promise<void> {
    const found = await mapLimited(ids, 8, async (id) => ({
      id,
      account: await directory
        .find(id)
        .catch((error: unknown) => (error instanceof PartnerCallError ? error : Promise.reject(error))),
    }));
    const accounts = found.map(({ id, account }) =>
      account instanceof PartnerCallError || account === undefined
        ? {
            accountId: id,
            accountName: "",
            error:
              account === undefined
                ? "Not an active account in the Account Management System"
                : `Account Management System: ${account.message}`,
          }
        : { accountId: id, accountName: account.accountName },
    );
    await this.#addAccounts(run.run_id, accounts, null, true);
  }

  /** Adds a page of accounts (PENDING, or Failed at once when they carry an error) and the batches it completes. */
  async #addAccounts(
    runId: string,
    page: readonly { accountId: string; accountName: string; error?: string }[],
    nextCursor: string | null,
    last: boolean,
  ): Promise<void> {
    const batchSize = this.#o.batchSize;
    await this.#o.db.transaction().execute(async (trx) => {
      const run = await trx
        .selectFrom("esg_runs")
        .select(["accounts_listed", "duplicates_skipped"])
        .where("run_id", "=", runId)
        .executeTakeFirstOrThrow();
      const seen = new Set<string>();
      for (const part of chunks(page.map((a) => a.accountId))) {
        const rows = await trx
          .selectFrom("esg_run_accounts")
          .select("account_id")
          .where("run_id", "=", runId)
          .where("account_id", "in", part)
          .execute();
        rows.forEach((r) => seen.add(r.account_id));
      }
      const fresh: { accountId: string; accountName: string; error?: string }[] = [];
      const duplicates: string[] = [];
      for (const account of page) {
        if (seen.has(account.accountId)) duplicates.push(account.accountId);
        else {
          seen.add(account.accountId);
          fresh.push(account);
        }
      }
      const before = run.accounts_listed;
      const after = before + fresh.length;
      for (const part of chunks(
        fresh.map((a, i) => ({ a, seq: before + i })),
        ROW_CHUNK,
      )) {
        await trx
          .insertInto("esg_run_accounts")
          .values(
            part.map(({ a, seq }) => ({
              run_id: runId,
              account_id: a.accountId,
              seq,
              batch_no: Math.floor(seq / batchSize),
              account_name: a.accountName,
              status: a.error ? ("Failed" as const) : ("PENDING" as const),
              overall: null,
              environmental: null,
              social: null,
              governance: null,
              primary_focus: null,
              primary_focus_score: null,
              analysis_date: null,
              reused: 0,
              error: a.error ?? null,
              completed_at: a.error ? this.#o.clock.now().toISOString() : null,
            })),
          )
          .execute();
      }
      for (const part of chunks([...new Set(duplicates)])) {
        await trx
          .updateTable("esg_run_accounts")
          .set({ error: "Listed more than once by the Account Management System; rated once" })
          .where("run_id", "=", runId)
          .where("account_id", "in", part)
          .where("error", "is", null)
          .execute();
      }
      // Batches are whole once the list has moved past them; the last one when the list ends.
      const firstNew = Math.floor(before / batchSize);
      const end = last ? Math.ceil(after / batchSize) : Math.floor(after / batchSize);
      const batchNos = Array.from({ length: Math.max(0, end - firstNew) }, (_, i) => firstNew + i);
      for (const part of chunks(batchNos)) {
        await trx
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
      const listed = await trx
        .updateTable("esg_runs")
        .set({
          accounts_listed: after,
          duplicates_skipped: run.duplicates_skipped + duplicates.length,
          list_cursor: nextCursor,
          list_complete: last ? 1 : 0,
          ...(last ? { status: "RUNNING" as const } : {}),
          updated_at: this.#o.clock.now().toISOString(),
        })
        .where("run_id", "=", runId)
        .where("status", "in", ["QUEUED", "LISTING"])
        .where("timed_out", "=", 0)
        .executeTakeFirst();
      // Timed out or claimed meanwhile: the page is not added (the transaction rolls back).
      if (Number(listed.numUpdatedRows) === 0) throw new ListingClosedError();
    });
  }

  async #sendUnqueuedBatches(runId: string, send: SendEsgSteps): Promise<void> {
    const rows = await this.#o.db
      .selectFrom("esg_batches")
      .select("batch_no")
      .where("run_id", "=", runId)
      .where("status", "=", "PENDING")
      .where("queued_at", "is", null)
      .orderBy("batch_no")
      .execute();
    for (const part of chunks(
      rows.map((r) => r.batch_no),
      100,
    )) {
      await send(part.map((n) => batchMessage(runId, n)));
      await this.#o.db
        .updateTable("esg_batches")
        .set({ queued_at: this.#o.clock.now().toISOString() })
        .where("run_id", "=", runId)
        .where("batch_no", "in", part)
        .execute();
    }
  }

  /**
   * Rates a batch's pending accounts. Each result is stored on its own as soon as it is
   * known, guarded by `status = 'PENDING'`, so a redelivered or concurrent batch never
   * calls a finished account again nor counts it twice.
   */
  async processBatch(runId: string, batchNo: number, send: SendEsgSteps): Promise<void> {
    const run = await this.#o.db
      .selectFrom("esg_runs")
      .select(["status", "deadline_at"])
      .where("run_id", "=", runId)
      .executeTakeFirst();
    if (!run) throw new NonRetriableError("NOT_FOUND", `ESG run ${runId} does not exist`);
    if (!["LISTING", "RUNNING"].includes(run.status)) return;
    const partners = this.#o.partners;
    if (!partners) return this.#failRun(runId, "ESG_RATINGS_API_URL is not configured");
    const deadline = Date.parse(run.deadline_at);
    // One worker at a time per batch: a second delivery of the same batch (a lock lost, a
    // duplicate send) finds it leased and leaves it; a crashed worker's lease runs out with
    // its message lock, so the redelivery takes over.
    const held = await this.#lease(runId, batchNo);
    if (held !== true) {
      // Done already, or another worker holds it: look again when its lease runs out, so a
      // worker that died holding it does not strand the batch.
      if (held)
        await send([
          {
            ...batchMessage(runId, batchNo),
            messageId: `esg:${runId}:batch:${batchNo}:${held}`,
            scheduledEnqueueTime: new Date(Date.parse(held) + 1000),
          },
        ]);
      return this.#assembleIfDone(runId, send);
    }
    try {
      await this.#rateBatch(runId, batchNo, deadline, partners.ratings);
    } catch (error) {
      // Let the redelivery (or another worker) take the batch at once.
      await this.#o.db
        .updateTable("esg_batches")
        .set({ leased_until: null })
        .where("run_id", "=", runId)
        .where("batch_no", "=", batchNo)
        .execute()
        .catch(() => undefined);
      throw error;
    }
    if (this.#o.clock.now().getTime() >= deadline) return;
    await this.#o.db
      .updateTable("esg_batches")
      .set({ status: "DONE", completed_at: this.#o.clock.now().toISOString() })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .where("status", "=", "PENDING")
      .execute();
    await this.#assembleIfDone(runId, send);
  }

  async #rateBatch(runId: string, batchNo: number, deadline: number, ratings: EsgRatingsClient): Promise<void> {
    let renewAt = this.#o.clock.now().getTime() + this.#o.batchLeaseMs / 3;
    // Sorted here, not in SQL: ORDER BY seq would make SQLite walk the (run_id, seq) index over the whole run.
    const pending = (
      await this.#o.db
        .selectFrom("esg_run_accounts")
        .select(["account_id", "seq"])
        .where("run_id", "=", runId)
        .where("batch_no", "=", batchNo)
        .where("status", "=", "PENDING")
        .execute()
    ).sort((a, b) => a.seq - b.seq);
    const latest = new Map<string, Selectable<EsgTables["esg_latest_ratings"]>>();
    for (const part of chunks(pending.map((p) => p.account_id))) {
      for (const row of await this.#o.db
        .selectFrom("esg_latest_ratings")
        .selectAll()
        .where("account_id", "in", part)
        .execute())
        latest.set(row.account_id, row);
    }
    const freshFor = this.#o.fullRefreshHours * 3_600_000;
    // Results are committed in small groups (every RESULT_GROUP results or RESULT_FLUSH_MS,
    // whichever comes first): one transaction instead of one commit per account. A crash
    // loses at most the group in hand, whose accounts are called again on redelivery.
    let unwritten: OutcomeRecord[] = [];
    let writing: Promise<void> = Promise.resolve();
    const flush = () => {
      const group = unwritten;
      unwritten = [];
      if (group.length > 0) writing = writing.then(() => this.#recordOutcomes(runId, group));
      return writing;
    };
    const timer = setInterval(() => void flush().catch(() => undefined), RESULT_FLUSH_MS);
    // Once one account's step fails, the others stop calling the partner for a batch that will be redelivered.
    let failed = false;
    try {
      await mapLimited(pending, this.#o.concurrency, async ({ account_id: accountId }) => {
        if (failed || this.#o.clock.now().getTime() >= deadline) return;
        if (this.#o.clock.now().getTime() >= renewAt) {
          renewAt = this.#o.clock.now().getTime() + this.#o.batchLeaseMs / 3;
          await this.#lease(runId, batchNo, true);
        }
        const known = latest.get(accountId);
        const reusable =
          known &&
          !known.etag &&
          freshFor > 0 &&
          this.#o.clock.now().getTime() - Date.parse(known.fetched_at) < freshFor;
        const outcome: RatingOutcome = reusable
          ? { kind: "not-modified" }
          : await ratings.fetchRating(accountId, known?.etag ?? null);
        unwritten.push({ accountId, outcome, known });
        if (unwritten.length >= RESULT_GROUP) await flush();
      });
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      clearInterval(timer);
    }
    await flush();
  }

  /**
   * Takes (or, when `renew`, extends) the batch's lease: true when taken; otherwise when
   * another worker's lease ends, or false when the batch is done.
   */
  async #lease(runId: string, batchNo: number, renew = false): Promise<true | string | false> {
    const now = this.#o.clock.now();
    let q = this.#o.db
      .updateTable("esg_batches")
      .set({ leased_until: new Date(now.getTime() + this.#o.batchLeaseMs).toISOString() })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .where("status", "=", "PENDING");
    if (!renew)
      q = q.where((eb) => eb.or([eb("leased_until", "is", null), eb("leased_until", "<", now.toISOString())]));
    if (Number((await q.executeTakeFirst()).numUpdatedRows) === 1) return true;
    const batch = await this.#o.db
      .selectFrom("esg_batches")
      .select(["status", "leased_until"])
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .executeTakeFirst();
    return batch?.status === "PENDING" && batch.leased_until ? batch.leased_until : false;
  }

  /** Stores a group of results in one transaction; each update is guarded, so a result already stored is never counted twice. */
  async #recordOutcomes(runId: string, group: readonly OutcomeRecord[]): Promise<void> {
    const statuses = await this.#o.db.transaction().execute(async (trx) => {
      const done: [EsgAccountStatus, string][] = [];
      for (const { accountId, outcome, known } of group)
        done.push([
          await this.#recordOutcome(trx, runId, accountId, outcome, known),
          outcome.kind === "not-modified" ? "reused" : "api",
        ]);
      return done;
    });
    for (const [status, source] of statuses) this.#o.metrics.esgAccounts.inc({ status, source });
  }

  async #recordOutcome(
    db: Kysely<EsgTables>,
    runId: string,
    accountId: string,
    outcome: RatingOutcome,
    known: Selectable<EsgTables["esg_latest_ratings"]> | undefined,
  ): Promise<EsgAccountStatus> {
    const now = this.#o.clock.now().toISOString();
    const where = db
      .updateTable("esg_run_accounts")
      .where("run_id", "=", runId)
      .where("account_id", "=", accountId)
      .where("status", "=", "PENDING");
    if (outcome.kind === "failed") {
      await where.set({ status: "Failed", error: outcome.error, completed_at: now }).execute();
      return "Failed";
    }
    if (outcome.kind === "not-modified") {
      if (!known) {
        await where
          .set({
            status: "Failed",
            error: "ESG API answered 304 Not Modified but no earlier rating is stored",
            completed_at: now,
          })
          .execute();
        return "Failed";
      }
      const { status, overall, environmental, social, governance, primary_focus, primary_focus_score, analysis_date } =
        known;
      await where
        .set({
          status,
          overall,
          environmental,
          social,
          governance,
          primary_focus,
          primary_focus_score,
          analysis_date,
          reused: 1,
          error: known.note,
          completed_at: now,
        })
        .execute();
      return status;
    }
    const s = outcome.scores;
    const scores = {
      overall: s.overall,
      environmental: s.environmental,
      social: s.social,
      governance: s.governance,
      primary_focus: s.primaryFocus,
      primary_focus_score: s.primaryFocusScore,
      analysis_date: s.analysisDate,
    };
    await where.set({ status: outcome.status, ...scores, reused: 0, error: outcome.note, completed_at: now }).execute();
    const latest = { ...scores, status: outcome.status, etag: outcome.etag, note: outcome.note, fetched_at: now };
    const updated = await db
      .updateTable("esg_latest_ratings")
      .set(latest)
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      try {
        await db
          .insertInto("esg_latest_ratings")
          .values({ account_id: accountId, ...latest })
          .execute();
      } catch (error) {
        // Another run stored this new account first (a manual run beside the full one).
        if (!isUniqueViolation(error)) throw error;
        await db.updateTable("esg_latest_ratings").set(latest).where("account_id", "=", accountId).execute();
      }
    }
    return outcome.status;
  }

  /**
   * Fan-in: once the list is complete and no batch is pending, the assemble step is queued.
   * Several workers may get here at once; they send the same message id (de-duplicated) and
   * the assemble step itself claims the run, so the file is written once.
   */
  async #assembleIfDone(runId: string, send: SendEsgSteps): Promise<void> {
    const run = await this.#o.db
      .selectFrom("esg_runs")
      .select(["list_complete", "status"])
      .where("run_id", "=", runId)
      .executeTakeFirst();
    if (!run || run.list_complete !== 1 || FINAL.includes(run.status)) return;
    const pending = await this.#o.db
      .selectFrom("esg_batches")
      .select(sql<number | string>`count(*)`.as("n"))
      .where("run_id", "=", runId)
      .where("status", "=", "PENDING")
      .executeTakeFirstOrThrow();
    if (Number(pending.n) === 0) await send([assembleMessage(runId)]);
  }

  /** A batch whose message is being dead-lettered: its pending accounts fail with the reason. */
  async #failBatch(runId: string, batchNo: number, reason: string, send: SendEsgSteps): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    await this.#o.db
      .updateTable("esg_run_accounts")
      .set({ status: "Failed", error: reason, completed_at: now })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .where("status", "=", "PENDING")
      .execute();
    await this.#o.db
      .updateTable("esg_batches")
      .set({ status: "DONE", completed_at: now })
      .where("run_id", "=", runId)
      .where("batch_no", "=", batchNo)
      .execute();
    await this.#assembleIfDone(runId, send);
  }

  /** Critical: the run ends FAILED with no file (the account list could not be read, or a step died for good). */
  async #failRun(runId: string, reason: string): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    const result = await this.#o.db
      .updateTable("esg_runs")
      .set({ status: "FAILED", error: reason, active_full: null, completed_at: now, updated_at: now })
      .where("run_id", "=", runId)
      .where("status", "not in", FINAL)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return;
    this.#o.metrics.esgRuns.inc({ status: "FAILED" });
    await this.#alertOnce(`${runId}:failed`, {
      severity: "critical",
      title: "ESG run failed",
      message: `ESG run ${runId} failed and produced no file: ${reason}`,
      details: { run_id: runId },
    });
  }

  // ---------------------------------------------------------------- the file

  /**
   * Writes the file, the error file and the summary (each encrypted, streamed to a temporary
   * blob and then moved to its final name), then finishes the run. The claim and the final
   * update are conditional, so redelivery rewrites the same content and the run's
   * completion (alerts included) happens once.
   */
  async assemble(runId: string): Promise<void> {
    const run = await this.#row(runId);
    if (FINAL.includes(run.status)) return;
    if (run.status !== "ASSEMBLING") {
      const claimed = await this.#o.db
        .updateTable("esg_runs")
        .set({ status: "ASSEMBLING", updated_at: this.#o.clock.now().toISOString() })
        .where("run_id", "=", runId)
        .where("status", "=", run.status)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return this.assemble(runId);
    }
    // Nothing stays pending in a finished run: an account no batch finished is Failed, with why.
    await this.#o.db
      .updateTable("esg_run_accounts")
      .set({
        status: "Failed",
        error: "Not processed (its batch ended without rating it)",
        completed_at: this.#o.clock.now().toISOString(),
      })
      .where("run_id", "=", runId)
      .where("status", "=", "PENDING")
      .execute();
    const key = await this.#o.fileKeys.current();
    const names = esgFileNames(run.run_date);
    // Each run writes under its own folder: a second full run of a day never overwrites the first's files.
    const folder = run.trigger_source === "MANUAL_ACCOUNTS" ? `runs/${runId}` : `daily/${run.run_date}/${runId}`;
    const fileBlob = `${folder}/${names.file}`;
    const errorBlob = `${folder}/${names.errors}`;
    const summaryBlob = `${folder}/${names.summary}`;
    await this.#writeEncrypted(runId, fileBlob, key, Readable.from(this.#fileLines(runId)), { rows_of: "accounts" });
    await this.#writeEncrypted(runId, errorBlob, key, Readable.from(this.#errorLines(runId)), { rows_of: "errors" });
    const summary = await buildEsgSummary(this.#o.db, runId);
    await this.#writeEncrypted(runId, summaryBlob, key, Readable.from([JSON.stringify(summary, null, 2)]), {
      rows_of: "summary",
    });

    const timedOut = run.timed_out === 1;
    const status: EsgRunStatus = timedOut ? "TIMED_OUT" : "COMPLETED";
    const now = this.#o.clock.now().toISOString();
    const finished = await this.#o.db
      .updateTable("esg_runs")
      .set({
        status,
        active_full: null,
        completed_at: now,
        updated_at: now,
        file_blob: fileBlob,
        error_file_blob: errorBlob,
        summary_blob: summaryBlob,
        summary_json: JSON.stringify(summary),
      })
      .where("run_id", "=", runId)
      .where("status", "=", "ASSEMBLING")
      .executeTakeFirst();
    if (Number(finished.numUpdatedRows) === 0) return;
    this.#o.metrics.esgRuns.inc({ status });
    this.#o.logger.info("ESG run finished", {
      run_id: runId,
      run_date: run.run_date,
      status,
      total: summary.totalProcessed,
      successful: summary.successful,
      failed: summary.failed,
      partial: summary.partial,
      file: fileBlob,
    });
    const failedShare = summary.totalProcessed === 0 ? 0 : (summary.failed * 100) / summary.totalProcessed;
    if (failedShare > this.#o.failureAlertPercent) {
      await this.#alertOnce(`${runId}:failure-rate`, {
        severity: "critical",
        title: "ESG run: too many account calls failed",
        message: `${summary.failed} of ${summary.totalProcessed} accounts failed (${failedShare.toFixed(2)}%, threshold ${this.#o.failureAlertPercent}%) in the ESG run of ${run.run_date}`,
        details: { run_id: runId, failed: summary.failed, total: summary.totalProcessed },
      });
    }
  }

  async #writeEncrypted(
    runId: string,
    blobName: string,
    key: FileKey,
    lines: Readable,
    extra: Record<string, string>,
  ): Promise<void> {
    // Unique per attempt: two deliveries writing at once never move each other's blob.
    const temporary = `tmp/${runId}/${randomUUID()}-${blobName.split("/").pop()}`;
    const encryption = encryptingStream(key);
    let lineCount = 0;
    const counter = new Transform({
      transform(chunk: Buffer | string, _encoding, done) {
        const text = String(chunk);
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineCount++;
        done(null, chunk);
      },
    });
    const encrypted = new PassThrough();
    const writing = pipeline(lines, counter, encryption.stream, encrypted);
    await Promise.all([
      writing,
      this.#o.blobs
        .uploadCommitted(
          this.#o.container,
          temporary,
          encrypted,
          () => ({
            ...encryption.metadata(),
            run_id: runId,
            ...(extra.rows_of === "summary" ? {} : { rows: String(Math.max(0, lineCount - 1)) }),
            ...extra,
          }),
          { contentType: extra.rows_of === "summary" ? "application/json" : CSV },
        )
        .catch((error: unknown) => {
          // Unblock the writer so nothing is left waiting on a stream no one reads.
          encrypted.destroy(error as Error);
          throw error;
        }),
    ]);
    await this.#o.blobs.move(this.#o.container, temporary, blobName);
  }

  async *#fileLines(runId: string): AsyncGenerator<string> {
    yield esgFileHeader();
    let after = -1;
    for (;;) {
      const rows: EsgFileRow[] = await this.#o.db
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
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(2000)
        .execute()
        .then((r) => {
          after = r.length ? r[r.length - 1]!.seq : after;
          return r;
        });
      if (rows.length === 0) return;
      yield rows.map(esgFileRecord).join("");
    }
  }

  async *#errorLines(runId: string): AsyncGenerator<string> {
    yield esgErrorFileHeader();
    let after = -1;
    for (;;) {
      const rows = await this.#o.db
        .selectFrom("esg_run_accounts")
        .select(["account_id", "status", "error", "completed_at", "seq"])
        .where("run_id", "=", runId)
        .where("seq", ">", after)
        .where((eb) => eb.or([eb("error", "is not", null), eb("status", "in", ["Failed", "PENDING"])]))
        .orderBy("seq")
        .limit(2000)
        .execute();
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows
        .map((r) =>
          esgErrorRecord(r.account_id, r.error ?? "Not processed", r.completed_at ?? this.#o.clock.now().toISOString()),
        )
        .join("");
    }
  }

  // ---------------------------------------------------------------- timers

  /**
   * The monitor's minute: times out runs past their window (the file is still written
   * with what finished), re-sends steps a crash left unsent, and raises the early alert
   * when the forecast passes the window's end.
   */
  async monitor(send: SendEsgSteps, now = this.#o.clock.now()): Promise<void> {
    const runs = await this.#o.db
      .selectFrom("esg_runs")
      .selectAll()
      .where("status", "in", [...ACTIVE, "ASSEMBLING"])
      .execute();
    for (const run of runs) {
      if (ACTIVE.includes(run.status) && Date.parse(run.deadline_at) <= now.getTime()) {
        if (run.timed_out === 0) await this.#timeOut(run, send);
        else await send([assembleMessage(run.run_id, `:${run.updated_at}`)]);
        continue;
      }
      if (run.status === "ASSEMBLING" && now.getTime() - Date.parse(run.updated_at) > 15 * 60_000) {
        // The assemble step's message was lost or dead-lettered after the claim.
        await send([assembleMessage(run.run_id, `:${run.updated_at}`)]);
        await this.#touch(run.run_id, {});
        continue;
      }
      if (now.getTime() - Date.parse(run.created_at) > 60_000) await this.#sendUnqueuedBatches(run.run_id, send);
      if (run.status === "ASSEMBLING") continue;
      await this.#assembleIfDone(run.run_id, send);
      const view = await this.getRun(run.run_id, now);
      if (view.etaAfterDeadline && view.eta) {
        await this.#alertOnce(`${run.run_id}:forecast`, {
          severity: "warning",
          title: "ESG run forecast to miss its window",
          message: `At the current throughput the ESG run of ${run.run_date} finishes around ${view.eta}, after its window closes at ${run.deadline_at}`,
          details: { run_id: run.run_id, eta: view.eta, deadline: run.deadline_at, pending: view.counts.pending },
        });
      }
      const failedShare = view.counts.total === 0 ? 0 : (view.counts.failed * 100) / view.counts.total;
      if (view.listComplete && failedShare > this.#o.failureAlertPercent) {
        await this.#alertOnce(`${run.run_id}:failure-rate`, {
          severity: "critical",
          title: "ESG run: too many account calls failed",
          message: `${view.counts.failed} of ${view.counts.total} accounts have failed already (${failedShare.toFixed(2)}%, threshold ${this.#o.failureAlertPercent}%) in the ESG run of ${run.run_date}`,
          details: { run_id: run.run_id, failed: view.counts.failed, total: view.counts.total },
        });
      }
    }
  }

  async #timeOut(run: Selectable<EsgRunsTable>, send: SendEsgSteps): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    const reason = `Not processed before the window closed at ${run.deadline_at}`;
    // Claimed first: a run that moved on meanwhile (or another monitor) is left alone.
    const claimed = await this.#o.db
      .updateTable("esg_runs")
      .set({ timed_out: 1, updated_at: now })
      .where("run_id", "=", run.run_id)
      .where("status", "in", ACTIVE)
      .where("timed_out", "=", 0)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;
    await this.#o.db
      .updateTable("esg_run_accounts")
      .set({ status: "Failed", error: reason, completed_at: now })
      .where("run_id", "=", run.run_id)
      .where("status", "=", "PENDING")
      .execute();
    await this.#o.db
      .updateTable("esg_batches")
      .set({ status: "DONE", completed_at: now })
      .where("run_id", "=", run.run_id)
      .where("status", "=", "PENDING")
      .execute();
    await this.#o.db
      .updateTable("esg_runs")
      .set({ list_complete: 1, updated_at: now })
      .where("run_id", "=", run.run_id)
      .execute();
    this.#o.logger.warn("ESG run timed out; writing the file with what finished", {
      run_id: run.run_id,
      run_date: run.run_date,
    });
    await this.#alertOnce(`${run.run_id}:window`, {
      severity: "critical",
      title: "ESG run exceeded its window",
      message: `The ESG run of ${run.run_date} did not finish by ${run.deadline_at}; unfinished accounts are marked Failed and the file is written with what finished`,
      details: { run_id: run.run_id, deadline: run.deadline_at },
    });
    await send([assembleMessage(run.run_id)]);
  }

  /** The watchdog: alerts once when the local day's run has not started by the grace time. */
  async checkStarted(now = this.#o.clock.now()): Promise<boolean> {
    if (!isStartOverdue(now, this.#o.window)) return true;
    const window = windowAt(now, this.#o.window);
    const started = await this.#o.db
      .selectFrom("esg_runs")
      .select("run_id")
      .where("run_date", "=", window.runDate)
      .where("trigger_source", "in", ["SCHEDULED", "MANUAL_FULL"])
      .executeTakeFirst();
    if (started) return true;
    await this.#alertOnce(`${window.runDate}:missed-start`, {
      severity: "critical",
      title: "ESG run failed to start",
      message: `The daily ESG run of ${window.runDate} had not started by ${window.graceEndsAt.toISOString()} (${this.#o.window.startTime} ${this.#o.window.timeZone} + ${this.#o.window.graceMinutes} min)`,
      details: { run_date: window.runDate },
    });
    return false;
  }

  /** Removes files past the retention policy and per-account rows past theirs; run history stays. */
  async applyRetention(now = this.#o.clock.now()): Promise<{ files: number; runs: number }> {
    const fileCutoff = new Date(now.getTime() - this.#o.fileRetentionDays * 86_400_000);
    const expired = await this.#o.db
      .selectFrom("esg_runs")
      .select(["run_id", "file_blob", "error_file_blob", "summary_blob", "completed_at"])
      .where("file_blob", "is not", null)
      .where("completed_at", "<", fileCutoff.toISOString())
      .execute();
    let files = 0;
    for (const run of expired) {
      let gone = 0;
      for (const blob of [run.file_blob, run.error_file_blob, run.summary_blob]) {
        if (!blob) continue;
        const properties = await this.#o.blobs.findProperties(this.#o.container, blob);
        // The blob's own age is checked too: never removed before the policy says.
        if (properties && properties.lastModified >= fileCutoff) continue;
        if (properties && (await this.#o.blobs.delete(this.#o.container, blob))) files++;
        gone++;
      }
      if (gone === 3)
        await this.#o.db
          .updateTable("esg_runs")
          .set({ file_blob: null, error_file_blob: null, summary_blob: null, updated_at: now.toISOString() })
          .where("run_id", "=", run.run_id)
          .execute();
    }
    const resultCutoff = new Date(now.getTime() - this.#o.resultRetentionDays * 86_400_000).toISOString();
    const old = await this.#o.db
      .selectFrom("esg_runs")
      .select("run_id")
      .where("status", "in", FINAL)
      .where("completed_at", "<", resultCutoff)
      .execute();
    for (const part of chunks(old.map((r) => r.run_id))) {
      await this.#o.db.deleteFrom("esg_run_accounts").where("run_id", "in", part).execute();
      await this.#o.db.deleteFrom("esg_batches").where("run_id", "in", part).execute();
    }
    return { files, runs: old.length };
  }

  // ---------------------------------------------------------------- reading

  async getRun(runId: string, now = this.#o.clock.now()): Promise<EsgRun> {
    const run = await this.#row(runId);
    return this.#view(run, (await this.#countsOf([runId])).get(runId) ?? [], now);
  }

  /** Accounts by status (and how many reused) for several runs, in one query. */
  async #countsOf(runIds: readonly string[]): Promise<Map<string, StatusCount[]>> {
    const counts = new Map<string, StatusCount[]>();
    if (runIds.length === 0) return counts;
    const rows = await this.#o.db
      .selectFrom("esg_run_accounts")
      .select([
        "run_id",
        "status",
        sql<number | string>`count(*)`.as("n"),
        sql<number | string>`sum(reused)`.as("reused"),
      ])
      .where("run_id", "in", runIds)
      .groupBy(["run_id", "status"])
      .execute();
    for (const r of rows) counts.set(r.run_id, [...(counts.get(r.run_id) ?? []), r]);
    return counts;
  }

  #view(run: Selectable<EsgRunsTable>, counts: readonly StatusCount[], now: Date): EsgRun {
    const by = (s: EsgAccountStatus) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    const total = counts.reduce((sum, c) => sum + Number(c.n), 0);
    const pending = by("PENDING");
    const done = total - pending;
    const started = run.started_at ? Date.parse(run.started_at) : undefined;
    let eta: string | null = null;
    if (ACTIVE.includes(run.status) && started !== undefined && done > 0) {
      const elapsed = Math.max(1, now.getTime() - started);
      const perMs = done / elapsed;
      // While the list is still growing, the accounts it will hold are unknown: use what is known.
      eta = new Date(now.getTime() + pending / perMs).toISOString();
    }
    const end = run.completed_at ? Date.parse(run.completed_at) : undefined;
    return {
      runId: run.run_id,
      runDate: run.run_date,
      trigger: run.trigger_source,
      status: run.status,
      counts: {
        total,
        successful: by("Successful"),
        failed: by("Failed"),
        partial: by("Partial"),
        pending,
        reused: counts.reduce((sum, c) => sum + Number(c.reused ?? 0), 0),
      },
      progress: total === 0 ? (FINAL.includes(run.status) ? 100 : 0) : Math.floor((done * 100) / total),
      listComplete: run.list_complete === 1,
      startedAt: run.started_at,
      completedAt: run.completed_at,
      deadlineAt: run.deadline_at,
      durationSeconds: started !== undefined ? Math.round(((end ?? now.getTime()) - started) / 100) / 10 : null,
      eta,
      etaAfterDeadline: eta !== null && eta > run.deadline_at,
      timedOut: run.timed_out === 1,
      error: run.error,
      hasFile: run.file_blob !== null,
      createdAt: run.created_at,
    };
  }

  async listRuns(
    page: number,
    pageSize: number,
    filter: { runDate?: string } = {},
  ): Promise<{ items: EsgRun[]; total: number }> {
    let q = this.#o.db.selectFrom("esg_runs");
    if (filter.runDate) q = q.where("run_date", "=", filter.runDate);
    const { rows, total } = await selectPage(
      q,
      [
        ["created_at", "desc"],
        ["run_id", "asc"],
      ],
      page,
      pageSize,
    );
    const counts = await this.#countsOf(rows.map((r) => r.run_id));
    const now = this.#o.clock.now();
    return { items: rows.map((r) => this.#view(r, counts.get(r.run_id) ?? [], now)), total };
  }

  async getSummary(runId: string): Promise<EsgSummary> {
    const run = await this.#row(runId);
    if (!run.summary_json) throw new NotFoundError("ESG run summary", runId);
    return JSON.parse(run.summary_json) as EsgSummary;
  }

  /** Finished runs between two dates, oldest first, with their summary figures: the trend. */
  async history(from: string, to: string): Promise<EsgHistoryEntry[]> {
    const rows = await this.#o.db
      .selectFrom("esg_runs")
      .select(["run_id", "run_date", "trigger_source", "status", "started_at", "completed_at", "summary_json", "error"])
      .where("run_date", ">=", from)
      .where("run_date", "<=", to)
      .where("status", "in", FINAL)
      .orderBy("run_date")
      .orderBy("created_at")
      .limit(5000)
      .execute();
    return rows.map((r) => {
      const s = r.summary_json ? (JSON.parse(r.summary_json) as EsgSummary) : undefined;
      return {
        runId: r.run_id,
        runDate: r.run_date,
        trigger: r.trigger_source,
        status: r.status,
        startedAt: r.started_at,
        completedAt: r.completed_at,
        durationSeconds:
          r.started_at && r.completed_at
            ? Math.round((Date.parse(r.completed_at) - Date.parse(r.started_at)) / 100) / 10
            : null,
        totalProcessed: s?.totalProcessed ?? 0,
        successful: s?.successful ?? 0,
        failed: s?.failed ?? 0,
        partial: s?.partial ?? 0,
        successRate: s?.successRate ?? null,
        averages: s?.averages ?? null,
        error: r.error,
      };
    });
  }

  /**
   * The day's file (the latest full run of that date that produced one), or a run's own
   * file, decrypted on the fly; every access is audited.
   */
  async openFile(
    target: { runDate: string } | { runId: string },
    kind: "file" | "errors" | "summary",
    actor: Actor,
  ): Promise<{ stream: Readable; fileName: string; contentType: string }> {
    let q = this.#o.db.selectFrom("esg_runs").selectAll().where("file_blob", "is not", null);
    q =
      "runId" in target
        ? q.where("run_id", "=", target.runId)
        : q.where("run_date", "=", target.runDate).where("trigger_source", "in", ["SCHEDULED", "MANUAL_FULL"]);
    const run = await q.orderBy("completed_at", "desc").limit(1).executeTakeFirst();
    if (!run) throw new NotFoundError("ESG file", "runId" in target ? target.runId : target.runDate);
    const blob = kind === "file" ? run.file_blob! : kind === "errors" ? run.error_file_blob! : run.summary_blob!;
    const properties = await this.#o.blobs.findProperties(this.#o.container, blob);
    if (!properties) throw new NotFoundError("ESG file", blob);
    const key = await this.#o.fileKeys.find(properties.metadata.encryption_key_id ?? "");
    if (!key)
      throw new ServiceUnavailableError(
        `The file was encrypted with key ${properties.metadata.encryption_key_id ?? "(none)"}, which is no longer kept; add it to esg-file-encryption-previous-keys`,
      );
    let decipher;
    try {
      decipher = decryptingStream(key, properties.metadata);
    } catch (error) {
      throw new ServiceUnavailableError(`The file cannot be decrypted: ${(error as Error).message}`);
    }
    await this.#o.audit.record(actor, {
      action: "esg.file.downloaded",
      resourceType: "esg_file",
      resourceId: blob,
      details: { run_id: run.run_id, run_date: run.run_date, kind },
    });
    const source = await this.#o.blobs.download(this.#o.container, blob);
    // pipeline: a client that goes away (or a failed tag check) tears down the blob download too.
    const stream = streamPipeline(source, decipher, () => undefined);
    return { stream, fileName: blob.split("/").pop()!, contentType: kind === "summary" ? "application/json" : CSV };
  }

  async #row(runId: string): Promise<Selectable<EsgRunsTable>> {
    const run = await this.#o.db.selectFrom("esg_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
    if (!run) throw new NotFoundError("ESG run", runId);
    return run;
  }

  async #touch(runId: string, set: Partial<Pick<EsgRunsTable, "list_queued_at">>): Promise<void> {
    await this.#o.db
      .updateTable("esg_runs")
      .set({ ...set, updated_at: this.#o.clock.now().toISOString() })
      .where("run_id", "=", runId)
      .execute();
  }

  /** Raises an alert at most once per key, across instances and redeliveries. */
  async #alertOnce(key: string, alert: Omit<Alert, "source">): Promise<void> {
    try {
      await this.#o.db
        .insertInto("esg_alerts")
        .values({ alert_key: key.slice(0, 120), raised_at: this.#o.clock.now().toISOString() })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) return;
      throw error;
    }
    await this.#o.alerts.raise({ source: ALERT_SOURCE, dedupKey: key, ...alert });
  }
}

export interface EsgHistoryEntry {
  readonly runId: string;
  readonly runDate: string;
  readonly trigger: EsgTrigger;
  readonly status: EsgRunStatus;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly durationSeconds: number | null;
  readonly totalProcessed: number;
  readonly successful: number;
  readonly failed: number;
  readonly partial: number;
  readonly successRate: string | null;
  readonly averages: EsgSummary["averages"] | null;
  readonly error: string | null;
}
