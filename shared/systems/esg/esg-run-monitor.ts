import { ACTIVE } from "./esg-tables.js";
import { isStartOverdue, windowAt } from "./esg-clock.js";
import { EsgRunReader } from "./esg-run-reader.js";
import type { EsgRunRow } from "./esg-run-repository.js";
import { EsgRunSteps } from "./esg-run-steps.js";
import { alertManualRunOnce, alertOnce, assembleMessage, isManualAccountsRun } from "./esg-run-parts.js";
import type { EsgRunServiceOptions, SendEsgSteps } from "./esg-run-types.js";

/** The timers: the monitor's minute (time-outs, lost steps, forecasts), the start watchdog, retention. */
export class EsgRunMonitor {
  readonly #o: EsgRunServiceOptions;
  readonly #steps: EsgRunSteps;
  readonly #reader: EsgRunReader;
  /** The local date known to have its full run: the watchdog's later ticks that day need no SQL (per process). */
  #startedRunDate: string | undefined;

  constructor(options: EsgRunServiceOptions, steps: EsgRunSteps, reader: EsgRunReader) {
    this.#o = options;
    this.#steps = steps;
    this.#reader = reader;
  }

  /**
   * The monitor's minute: times out runs past their window (the file is still written
   * with what finished), re-sends steps a crash left unsent, and raises the early alert
   * when the forecast passes the window's end. Returns how many runs were unfinished.
   */
  async monitor(send: SendEsgSteps, now = this.#o.clock.now()): Promise<number> {
    const runs = await this.#o.runs.unfinished();
    for (const run of runs) {
      if (ACTIVE.includes(run.status) && Date.parse(run.deadline_at) <= now.getTime()) {
        if (run.timed_out === 0) await this.#timeOut(run, send);
        else await send([assembleMessage(run.run_id, `:${run.updated_at}`)]);
        continue;
      }
      if (run.status === "ASSEMBLING" && now.getTime() - Date.parse(run.updated_at) > 15 * 60_000) {
        // The assemble step's message was lost or dead-lettered after the claim.
        await send([assembleMessage(run.run_id, `:${run.updated_at}`)]);
        await this.#o.runs.touch(run.run_id, this.#o.clock.now().toISOString());
        continue;
      }
      if (now.getTime() - Date.parse(run.created_at) > 60_000) await this.#steps.sendUnqueuedBatches(run.run_id, send);
      if (run.status === "ASSEMBLING") continue;
      await this.#steps.assembleIfDone(run.run_id, send);
      const view = await this.#reader.getRun(run.run_id, now);
      if (isManualAccountsRun(run)) {
        // A manual run has no early failure-rate alert: its share is judged once, when it finishes.
        if (view.etaAfterDeadline && view.eta)
          await alertManualRunOnce(this.#o, run.run_id, "forecast", {
            what: "forecast to miss its window",
            message: `At the current throughput the manual ESG run ${run.run_id} finishes around ${view.eta}, after its window closes at ${run.deadline_at}`,
            details: { eta: view.eta, deadline: run.deadline_at, pending: view.counts.pending },
          });
        continue;
      }
      if (view.etaAfterDeadline && view.eta) {
        await alertOnce(this.#o, `${run.run_id}:forecast`, {
          severity: "warning",
          title: "ESG run forecast to miss its window",
          message: `At the current throughput the ESG run of ${run.run_date} finishes around ${view.eta}, after its window closes at ${run.deadline_at}`,
          details: { run_id: run.run_id, eta: view.eta, deadline: run.deadline_at, pending: view.counts.pending },
        });
      }
      const failedShare = view.counts.total === 0 ? 0 : (view.counts.failed * 100) / view.counts.total;
      if (view.listComplete && failedShare > this.#o.failureAlertPercent) {
        await alertOnce(this.#o, `${run.run_id}:failure-rate`, {
          severity: "critical",
          title: "ESG run: too many account calls failed",
          message: `${view.counts.failed} of ${view.counts.total} accounts have failed already (${failedShare.toFixed(2)}%, threshold ${this.#o.failureAlertPercent}%) in the ESG run of ${run.run_date}`,
          details: { run_id: run.run_id, failed: view.counts.failed, total: view.counts.total },
        });
      }
    }
    return runs.length;
  }

  async #timeOut(run: EsgRunRow, send: SendEsgSteps): Promise<void> {
    const now = this.#o.clock.now().toISOString();
    const reason = `Not processed before the window closed at ${run.deadline_at}`;
    // Claimed first: a run that moved on meanwhile (or another monitor) is left alone.
    if (!(await this.#o.runs.claimTimeOut(run.run_id, now))) return;
    await this.#o.results.failPending(run.run_id, reason, now);
    await this.#o.batches.settleAllPending(run.run_id, now);
    await this.#o.runs.closeList(run.run_id, now);
    this.#o.logger.warn("ESG run timed out; writing the file with what finished", {
      run_id: run.run_id,
      run_date: run.run_date,
    });
    if (isManualAccountsRun(run))
      await alertManualRunOnce(this.#o, run.run_id, "window", {
        what: "exceeded its window",
        message: `The manual ESG run ${run.run_id} did not finish by ${run.deadline_at}; its unfinished accounts are marked Failed and its file is written with what finished. The daily file is not affected.`,
        details: { deadline: run.deadline_at },
      });
    else
      await alertOnce(this.#o, `${run.run_id}:window`, {
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
    if (this.#startedRunDate === window.runDate) return true;
    if (await this.#o.runs.fullRunStartedOn(window.runDate)) {
      this.#startedRunDate = window.runDate;
      return true;
    }
    await alertOnce(this.#o, `${window.runDate}:missed-start`, {
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
    const expired = await this.#o.runs.withFilesCompletedBefore(fileCutoff.toISOString());
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
      if (gone === 3) await this.#o.runs.forgetFiles(run.run_id, now.toISOString());
    }
    const resultCutoff = new Date(now.getTime() - this.#o.resultRetentionDays * 86_400_000).toISOString();
    const old = await this.#o.runs.finishedBefore(resultCutoff);
    await this.#o.results.deleteOfRuns(old);
    await this.#o.batches.deleteOfRuns(old);
    return { files, runs: old.length };
  }
}
