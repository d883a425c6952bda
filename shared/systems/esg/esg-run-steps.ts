import { sql, type Kysely, type Selectable } from "kysely";
import { NonRetriableError } from "../../kernel/errors.js";
import { PartnerCallError } from "../../foundation/partner-http.js";
import { isUniqueViolation } from "../../foundation/sql/database.js";
import type { EsgTables, EsgAccountStatus, EsgRunsTable } from "./esg-tables.js";
import { mapLimited } from "../../kernel/map-limited.js";
import type { AccountDirectory, EsgRatingsClient } from "./esg-partners.js";
import type { RatingOutcome } from "./esg-rating.js";
import { EsgFileAssembler } from "./esg-file-assembler.js";
import {
  EsgRunStore,
  FINAL,
  ListingClosedError,
  RESULT_FLUSH_MS,
  RESULT_GROUP,
  ROW_CHUNK,
  assembleMessage,
  batchMessage,
  chunks,
} from "./esg-run-store.js";
import type { EsgRunServiceOptions, EsgStep, OutcomeRecord, SendEsgSteps } from "./esg-run-types.js";

/** The queue steps of a run: list the accounts, rate a batch, fail what dies on its last delivery. */
export class EsgRunSteps {
  readonly #o: EsgRunServiceOptions;
  readonly #store: EsgRunStore;
  readonly #file: EsgFileAssembler;

  constructor(options: EsgRunServiceOptions, store: EsgRunStore, file: EsgFileAssembler) {
    this.#o = options;
    this.#store = store;
    this.#file = file;
  }

  async handleStep(step: EsgStep, send: SendEsgSteps, isLastDelivery: boolean): Promise<void> {
    // On the last delivery, settle what the message stood for, so the run never hangs.
    await this.#o.jobs.deliver(
      isLastDelivery,
      async () => {
        if (step.step === "list") await this.listAccounts(step.runId, send);
        else if (step.step === "batch") await this.processBatch(step.runId, step.batchNo, send);
        else await this.#file.assemble(step.runId);
      },
      (reason) =>
        step.step === "batch"
          ? this.#failBatch(step.runId, step.batchNo, reason, send)
          : this.failRun(step.runId, reason),
      `${step.step} step`,
    );
  }

  /**
   * Lists the run's accounts page by page. Each page and the cursor after it are committed
   * together, so a redelivered message resumes at the next page; the batches a page
   * completes are queued as soon as it is committed, so rating starts while listing goes on.
   */
  async listAccounts(runId: string, send: SendEsgSteps): Promise<void> {
    const run = await this.#store.row(runId);
    if (!["QUEUED", "LISTING"].includes(run.status) || run.list_complete === 1) {
      await this.sendUnqueuedBatches(runId, send);
      return this.assembleIfDone(runId, send);
    }
    const partners = this.#o.partners;
    if (!partners) return this.failRun(runId, "ESG_ACCOUNTS_API_URL and ESG_RATINGS_API_URL are not configured");
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
    await this.sendUnqueuedBatches(runId, send);

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
            return this.failRun(runId, `The account list could not be read: ${error.message}`);
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
        await this.sendUnqueuedBatches(runId, send);
        if (last) break;
        if (page.nextCursor === cursor)
          return this.failRun(
            runId,
            "The account list repeated the same cursor; the Account Management System is paginating wrongly",
          );
        cursor = page.nextCursor;
      }
    }
    await this.sendUnqueuedBatches(runId, send);
    await this.assembleIfDone(runId, send);
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

  async sendUnqueuedBatches(runId: string, send: SendEsgSteps): Promise<void> {
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
    if (!partners) return this.failRun(runId, "ESG_RATINGS_API_URL is not configured");
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
      return this.assembleIfDone(runId, send);
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
    await this.assembleIfDone(runId, send);
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
  async assembleIfDone(runId: string, send: SendEsgSteps): Promise<void> {
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
    await this.assembleIfDone(runId, send);
  }

  /** Critical: the run ends FAILED with no file (the account list could not be read, or a step died for good). */
  async failRun(runId: string, reason: string): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    const result = await this.#o.db
      .updateTable("esg_runs")
      .set({ status: "FAILED", error: reason, active_full: null, completed_at: now, updated_at: now })
      .where("run_id", "=", runId)
      .where("status", "not in", FINAL)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return;
    this.#o.metrics.esgRuns.inc({ status: "FAILED" });
    await this.#store.alertOnce(`${runId}:failed`, {
      severity: "critical",
      title: "ESG run failed",
      message: `ESG run ${runId} failed and produced no file: ${reason}`,
      details: { run_id: runId },
    });
  }
}
