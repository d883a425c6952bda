import type { Transaction } from "kysely";
import { mapLimited } from "../../kernel/map-limited.js";
import type { EsgAccountStatus } from "./esg-tables.js";
import type { EsgRatingsClient } from "./esg-partners.js";
import type { RatingOutcome } from "./esg-rating.js";
import type { EsgLatestRating } from "./esg-rating-repository.js";
import type { EsgAccountResult } from "./esg-result-repository.js";
import { RESULT_FLUSH_MS, RESULT_GROUP } from "./esg-run-parts.js";
import type { EsgRunServiceOptions, OutcomeRecord } from "./esg-run-types.js";

/** Rating a batch's accounts under its lease, storing each result once. */
export class EsgBatchRater {
  readonly #o: EsgRunServiceOptions;

  constructor(options: EsgRunServiceOptions) {
    this.#o = options;
  }

  /** Rates the batch's pending accounts in list order until the deadline, renewing the lease as it goes. */
  async rate(runId: string, batchNo: number, deadline: number, ratings: EsgRatingsClient): Promise<void> {
    let renewAt = this.#o.clock.now().getTime() + this.#o.batchLeaseMs / 3;
    // Sorted here, not in SQL: ORDER BY seq would make SQLite walk the (run_id, seq) index over the whole run.
    const pending = (await this.#o.results.pendingInBatch(runId, batchNo)).sort((a, b) => a.seq - b.seq);
    const latest = await this.#o.ratings.latestOf(pending.map((p) => p.account_id));
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
          await this.lease(runId, batchNo, true);
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
  async lease(runId: string, batchNo: number, renew = false): Promise<true | string | false> {
    const now = this.#o.clock.now();
    const until = new Date(now.getTime() + this.#o.batchLeaseMs).toISOString();
    const held = renew
      ? await this.#o.batches.renewLease(runId, batchNo, until)
      : await this.#o.batches.takeLease(runId, batchNo, until, now.toISOString());
    if (held) return true;
    const batch = await this.#o.batches.findLease(runId, batchNo);
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

  async #recordOutcome<T>(
    trx: Transaction<T>,
    runId: string,
    accountId: string,
    outcome: RatingOutcome,
    known: EsgLatestRating | undefined,
  ): Promise<EsgAccountStatus> {
    const now = this.#o.clock.now().toISOString();
    const finish = (result: EsgAccountResult) => this.#o.results.finishPending(runId, accountId, result, trx);
    if (outcome.kind === "failed") {
      await finish({ status: "Failed", error: outcome.error, completed_at: now });
      return "Failed";
    }
    if (outcome.kind === "not-modified") {
      if (!known) {
        await finish({
          status: "Failed",
          error: "ESG API answered 304 Not Modified but no earlier rating is stored",
          completed_at: now,
        });
        return "Failed";
      }
      const { status, overall, environmental, social, governance, primary_focus, primary_focus_score, analysis_date } =
        known;
      await finish({
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
      });
      return status;
    }
    // Object.assign onto literals, not `{ ...scores, more }`: on Node 20 (V8 11) a spread
    // followed by more keys sends each object to the old generation (one per account).
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
    await finish(Object.assign({ status: outcome.status, reused: 0, error: outcome.note, completed_at: now }, scores));
    const latest = Object.assign(
      { status: outcome.status, etag: outcome.etag, note: outcome.note, fetched_at: now },
      scores,
    );
    await this.#o.ratings.save(accountId, latest, trx);
    return outcome.status;
  }
}
