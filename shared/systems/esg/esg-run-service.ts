import { randomUUID } from "node:crypto";
import type { Actor } from "../../foundation/audit-log.js";
import { ConflictError, ValidationError } from "../../kernel/errors.js";
import { manualAccountIdProblems } from "./esg-partners.js";
import type { EsgTrigger } from "./esg-tables.js";
import { localDate } from "../../kernel/zoned-time.js";
import { isStartDue, windowFor } from "./esg-clock.js";
import type { EsgSummary } from "./esg-summary.js";
import { ESG_QUEUES } from "./esg-queues.js";
import { EsgFileAssembler } from "./esg-file-assembler.js";
import { EsgRunMonitor } from "./esg-run-monitor.js";
import { EsgRunReader } from "./esg-run-reader.js";
import { EsgRunSteps } from "./esg-run-steps.js";
import { listMessage } from "./esg-run-parts.js";
import type { EsgHistoryEntry, EsgRun, EsgRunServiceOptions, EsgStep, SendEsgSteps } from "./esg-run-types.js";

export type { EsgHistoryEntry, EsgRun, EsgRunServiceOptions, EsgStep, SendEsgSteps } from "./esg-run-types.js";

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
  readonly #reader: EsgRunReader;
  readonly #file: EsgFileAssembler;
  readonly #steps: EsgRunSteps;
  readonly #monitor: EsgRunMonitor;
  /** The local date whose scheduled run exists: the timer's later ticks that day need no SQL (per process). */
  #scheduledRunDate: string | undefined;

  constructor(options: EsgRunServiceOptions) {
    this.#o = Object.freeze({ ...options });
    this.#reader = new EsgRunReader(this.#o);
    this.#file = new EsgFileAssembler(this.#o);
    this.#steps = new EsgRunSteps(this.#o, this.#file);
    this.#monitor = new EsgRunMonitor(this.#o, this.#steps, this.#reader);
  }

  // ---------------------------------------------------------------- starting runs
  /**
   * The timer's step: starts the scheduled run of the local day once the local start time
   * has come (exactly once per local day: a unique index backs the check). Returns the run
   * when one was started now. Decided from the clock first: outside the start window, or
   * once this process knows the day's run exists, no SQL is read.
   */
  async startScheduledRunIfDue(now: Date, send: SendEsgSteps): Promise<EsgRun | undefined> {
    if (!isStartDue(now, this.#o.window)) return undefined;
    const runDate = localDate(now, this.#o.window.timeZone);
    if (this.#scheduledRunDate === runDate) return undefined;
    const blocker = await this.#o.runs.scheduledStartBlocker(runDate);
    if (blocker === "scheduled") this.#scheduledRunDate = runDate;
    if (blocker) return undefined;
    try {
      const run = await this.#createRun(
        { runDate, trigger: "SCHEDULED", requestedBy: null, accountIds: null },
        now,
        send,
      );
      this.#scheduledRunDate = runDate;
      return run;
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

  /**
   * `POST /v1/esg/runs` with account ids: re-processes just those, in a run and file of their
   * own. Ids not in the Account Management System's format, or named twice, are refused
   * (400 by position) before the run exists; the HTTP schema checks the same first.
   */
  async startAccountsRun(accountIds: readonly string[], actor: Actor, send: SendEsgSteps): Promise<EsgRun> {
    const problems = manualAccountIdProblems(accountIds);
    if (accountIds.length === 0 || problems.length > 0)
      throw new ValidationError(
        problems.length > 0
          ? problems.map((p) => ({ field: `accountIds.${p.index}`, message: p.message, location: "body" as const }))
          : [{ field: "accountIds", message: "must name at least one account", location: "body" }],
      );
    const now = this.#o.clock.now();
    const runDate = localDate(now, this.#o.window.timeZone);
    const ids = [...accountIds];
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
        const run = { ...input, runId, full, deadlineAt: effectiveDeadline.toISOString(), now: now.toISOString() };
        // Refused by a unique index: the date's scheduled or full run is already under way.
        if (!(await this.#o.runs.insertQueued(run, trx)))
          throw new ConflictError(`A full ESG run for ${input.runDate} is already in progress`, {
            run_date: input.runDate,
          });
        return { kind: "esg-run", jobId: runId, queue: ESG_QUEUES.esgBatches, message: listMessage(runId) };
      },
      (_queue, message) => send([message]),
    );
    this.#o.logger.info("ESG run created", { run_id: runId, run_date: input.runDate, trigger: input.trigger });
    return this.#reader.getRun(runId);
  }

  // ---------------------------------------------------------------- the parts, as one service

  handleStep(step: EsgStep, send: SendEsgSteps, isLastDelivery: boolean): Promise<void> {
    return this.#steps.handleStep(step, send, isLastDelivery);
  }
  listAccounts(runId: string, send: SendEsgSteps): Promise<void> {
    return this.#steps.listAccounts(runId, send);
  }
  processBatch(runId: string, batchNo: number, send: SendEsgSteps): Promise<void> {
    return this.#steps.processBatch(runId, batchNo, send);
  }
  assemble(runId: string): Promise<void> {
    return this.#file.assemble(runId);
  }
  /** The monitor's minute; returns how many runs were unfinished (the sweep keeps running while any are). */
  monitor(send: SendEsgSteps, now?: Date): Promise<number> {
    return this.#monitor.monitor(send, now);
  }
  checkStarted(now?: Date): Promise<boolean> {
    return this.#monitor.checkStarted(now);
  }
  applyRetention(now?: Date): Promise<{ files: number; runs: number }> {
    return this.#monitor.applyRetention(now);
  }
  getRun(runId: string, now?: Date): Promise<EsgRun> {
    return this.#reader.getRun(runId, now);
  }
  listRuns(...args: Parameters<EsgRunReader["listRuns"]>): ReturnType<EsgRunReader["listRuns"]> {
    return this.#reader.listRuns(...args);
  }
  getSummary(runId: string): Promise<EsgSummary> {
    return this.#reader.getSummary(runId);
  }
  history(from: string, to: string): Promise<EsgHistoryEntry[]> {
    return this.#reader.history(from, to);
  }
  openFile(...args: Parameters<EsgRunReader["openFile"]>): ReturnType<EsgRunReader["openFile"]> {
    return this.#reader.openFile(...args);
  }
}
