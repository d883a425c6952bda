import { NonRetriableError } from "../../kernel/errors.js";
import { PartnerCallError } from "../../foundation/partner-http.js";
import { FINAL, type EsgRunAccountsTable } from "./esg-tables.js";
import { mapLimited } from "../../kernel/map-limited.js";
import type { AccountDirectory } from "./esg-partners.js";
import { EsgBatchRater } from "./esg-batch-rater.js";
import { EsgFileAssembler } from "./esg-file-assembler.js";
import { chunks } from "./esg-chunks.js";
import type { EsgRunRow } from "./esg-run-repository.js";
import {
  ListingClosedError,
  alertManualRunOnce,
  alertOnce,
  assembleMessage,
  batchMessage,
  isManualAccountsRun,
} from "./esg-run-parts.js";
import type { EsgRunServiceOptions, EsgStep, SendEsgSteps } from "./esg-run-types.js";

/** The queue steps of a run: list the accounts, rate a batch, fail what dies on its last delivery. */
export class EsgRunSteps {
  readonly #o: EsgRunServiceOptions;
  readonly #file: EsgFileAssembler;
  readonly #rater: EsgBatchRater;

  constructor(options: EsgRunServiceOptions, file: EsgFileAssembler) {
    this.#o = options;
    this.#file = file;
    this.#rater = new EsgBatchRater(options);
  }

  async handleStep(step: EsgStep, send: SendEsgSteps, isLastDelivery: boolean): Promise<void> {
    // On the last delivery, settle what the message stood for, so the run never hangs.
    await this.#o.jobs.deliver(
      { kind: "esg-run", jobId: step.runId, isLastDelivery, step: `${step.step} step` },
      async () => {
        if (step.step === "list") await this.listAccounts(step.runId, send);
        else if (step.step === "batch") await this.processBatch(step.runId, step.batchNo, send);
        else await this.#file.assemble(step.runId);
      },
      (reason) =>
        step.step === "batch"
          ? this.#failBatch(step.runId, step.batchNo, reason, send)
          : this.failRun(step.runId, reason),
    );
  }

  /**
   * Lists the run's accounts page by page. Each page and the cursor after it are committed
   * together, so a redelivered message resumes at the next page; the batches a page
   * completes are queued as soon as it is committed, so rating starts while listing goes on.
   */
  async listAccounts(runId: string, send: SendEsgSteps): Promise<void> {
    const run = await this.#o.runs.get(runId);
    if (!["QUEUED", "LISTING"].includes(run.status) || run.list_complete === 1) {
      await this.sendUnqueuedBatches(runId, send);
      return this.assembleIfDone(runId, send);
    }
    const partners = this.#o.partners;
    if (!partners) return this.failRun(runId, "ESG_ACCOUNTS_API_URL and ESG_RATINGS_API_URL are not configured");
    await this.#o.runs.startListing(
      runId,
      run.started_at ?? this.#o.clock.now().toISOString(),
      this.#o.clock.now().toISOString(),
    );
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
  async #listRequestedAccounts(run: EsgRunRow, ids: readonly string[], directory: AccountDirectory): Promise<void> {
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
      const run = await this.#o.runs.listedSoFar(runId, trx);
      const seen = await this.#o.results.listedAmong(
        runId,
        page.map((a) => a.accountId),
        trx,
      );
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
      await this.#o.results.insertListed(
        fresh.map((a, i) => this.#listedRow(runId, a, before + i)),
        trx,
      );
      await this.#o.results.noteRepeated(runId, [...new Set(duplicates)], trx);
      // Batches are whole once the list has moved past them; the last one when the list ends.
      const firstNew = Math.floor(before / batchSize);
      const end = last ? Math.ceil(after / batchSize) : Math.floor(after / batchSize);
      const batchNos = Array.from({ length: Math.max(0, end - firstNew) }, (_, i) => firstNew + i);
      await this.#o.batches.insertPending(runId, batchNos, trx);
      const listed = await this.#o.runs.recordListedPage(
        runId,
        {
          accountsListed: after,
          duplicatesSkipped: run.duplicates_skipped + duplicates.length,
          cursor: nextCursor,
          last,
          at: this.#o.clock.now().toISOString(),
        },
        trx,
      );
      // Timed out or claimed meanwhile: the page is not added (the transaction rolls back).
      if (!listed) throw new ListingClosedError();
    });
  }

  /** A listed account's row: PENDING in its batch, or Failed at once when it carries an error. */
  #listedRow(runId: string, a: { accountId: string; accountName: string; error?: string }, seq: number) {
    return {
      run_id: runId,
      account_id: a.accountId,
      seq,
      batch_no: Math.floor(seq / this.#o.batchSize),
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
    } satisfies EsgRunAccountsTable;
  }

  async sendUnqueuedBatches(runId: string, send: SendEsgSteps): Promise<void> {
    // A hundred messages a send; each part is marked queued once it is sent.
    for (const part of chunks(await this.#o.batches.unqueued(runId), 100)) {
      await send(part.map((n) => batchMessage(runId, n)));
      await this.#o.batches.markQueued(runId, part, this.#o.clock.now().toISOString());
    }
  }

  /**
   * Rates a batch's pending accounts. Each result is stored on its own as soon as it is
   * known, guarded by `status = 'PENDING'`, so a redelivered or concurrent batch never
   * calls a finished account again nor counts it twice.
   */
  async processBatch(runId: string, batchNo: number, send: SendEsgSteps): Promise<void> {
    const run = await this.#o.runs.findStatusAndDeadline(runId);
    if (!run) throw new NonRetriableError("NOT_FOUND", `ESG run ${runId} does not exist`);
    if (!["LISTING", "RUNNING"].includes(run.status)) return;
    const partners = this.#o.partners;
    if (!partners) return this.failRun(runId, "ESG_RATINGS_API_URL is not configured");
    const deadline = Date.parse(run.deadline_at);
    // One worker at a time per batch: a second delivery of the same batch (a lock lost, a
    // duplicate send) finds it leased and leaves it; a crashed worker's lease runs out with
    // its message lock, so the redelivery takes over.
    const held = await this.#rater.lease(runId, batchNo);
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
      await this.#rater.rate(runId, batchNo, deadline, partners.ratings);
    } catch (error) {
      // Let the redelivery (or another worker) take the batch at once.
      await this.#o.batches.releaseLease(runId, batchNo).catch(() => undefined);
      throw error;
    }
    if (this.#o.clock.now().getTime() >= deadline) return;
    await this.#o.batches.markDone(runId, batchNo, this.#o.clock.now().toISOString());
    await this.assembleIfDone(runId, send);
  }

  /**
   * Fan-in: once the list is complete and no batch is pending, the assemble step is queued.
   * Several workers may get here at once; they send the same message id (de-duplicated) and
   * the assemble step itself claims the run, so the file is written once.
   */
  async assembleIfDone(runId: string, send: SendEsgSteps): Promise<void> {
    const run = await this.#o.runs.findListState(runId);
    if (!run || run.list_complete !== 1 || FINAL.includes(run.status)) return;
    if ((await this.#o.batches.countPending(runId)) === 0) await send([assembleMessage(runId)]);
  }

  /** A batch whose message is being dead-lettered: its pending accounts fail with the reason. */
  async #failBatch(runId: string, batchNo: number, reason: string, send: SendEsgSteps): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    await this.#o.results.failPending(runId, reason, now, batchNo);
    await this.#o.batches.settle(runId, batchNo, now);
    await this.assembleIfDone(runId, send);
  }

  /**
   * The run ends FAILED with no file (the account list could not be read, or a step died for
   * good): critical for the daily file, the manual run's own warning for a manual run.
   */
  async failRun(runId: string, reason: string): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    if (!(await this.#o.runs.fail(runId, reason, now))) return;
    this.#o.metrics.esgRuns.inc({ status: "FAILED" });
    if (isManualAccountsRun(await this.#o.runs.get(runId)))
      return alertManualRunOnce(this.#o, runId, "failed", {
        what: "failed",
        message: `The manual ESG run ${runId} failed and produced no file: ${reason}. The daily file is not affected.`,
      });
    await alertOnce(this.#o, `${runId}:failed`, {
      severity: "critical",
      title: "ESG run failed",
      message: `ESG run ${runId} failed and produced no file: ${reason}`,
      details: { run_id: runId },
    });
  }
}
