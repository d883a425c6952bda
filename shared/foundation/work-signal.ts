import type { Cache } from "../ports/cache.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "./logger.js";

export interface WorkSignalOptions {
  readonly cache: Cache;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long after the last sign of work the sweeps keep running (SWEEPS_QUIET_AFTER_SECONDS). */
  readonly quietAfterSeconds: number;
  /** How often each sweep runs regardless (SWEEPS_FULL_INTERVAL_MINUTES). */
  readonly fullIntervalMinutes: number;
}

const ACTIVE_KEY = "work-signal:active";
/** A process writes the marker at most this often: one cache write per half minute, not per message. */
const RAISE_EVERY_MS = 30_000;

/**
 * Whether the every-minute sweeps (lost job sends, stale reports, sagas to recover, the ESG
 * monitor) have anything to look at, decided without SQL, so a quiet system leaves a
 * serverless database alone and it can auto-pause.
 *
 * Work announces itself: a write request, a queue message, a timer that queued a job, or
 * a sweep that still sees unfinished work raise a marker in the shared cache (Redis in
 * Azure, in-process locally) holding the time; the sweeps run while it is younger than the
 * quiet window. A marker that is lost (cache flushed, a process that died before writing
 * it) costs at most one full interval: each sweep also runs once per interval whatever the
 * marker says. Times come from the platform clock, so tests move them.
 */
export class WorkSignal {
  readonly #o: WorkSignalOptions;
  #raisedAt = Number.NEGATIVE_INFINITY;

  constructor(options: WorkSignalOptions) {
    this.#o = options;
  }

  /** There is, or soon will be, work for the sweeps. Never fails its caller: a lost marker is what the full sweep is for. */
  async raise(): Promise<void> {
    const now = this.#o.clock.now().getTime();
    if (now - this.#raisedAt < RAISE_EVERY_MS && now >= this.#raisedAt) return;
    this.#raisedAt = now;
    try {
      await this.#o.cache.set(ACTIVE_KEY, String(now), this.#o.quietAfterSeconds);
    } catch (error) {
      this.#raisedAt = Number.NEGATIVE_INFINITY;
      this.#o.logger.warn("Work marker not written; the sweeps' full interval covers it", { error });
    }
  }

  /**
   * Whether sweep `name` should run now: work was signalled within the quiet window, or
   * this interval's full run has not been taken yet (taken by exactly one caller across
   * instances). When the cache cannot answer, it runs: correctness before cost.
   */
  async sweepDue(name: string): Promise<boolean> {
    const now = this.#o.clock.now().getTime();
    try {
      const raised = Number((await this.#o.cache.get(ACTIVE_KEY)) ?? Number.NaN);
      if (now - raised < this.#o.quietAfterSeconds * 1000) return true;
      const intervalMs = this.#o.fullIntervalMinutes * 60_000;
      const period = Math.floor(now / intervalMs);
      return await this.#o.cache.add(`work-signal:full:${name}:${period}`, "1", this.#o.fullIntervalMinutes * 60);
    } catch (error) {
      this.#o.logger.warn("Work marker unreadable; sweeping anyway", { function: name, error });
      return true;
    }
  }
}
