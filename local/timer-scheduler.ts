import { CronExpressionParser } from "cron-parser";
import type { Timer } from "@azure/functions";
import { InvocationContext } from "../functions/azure-functions.js";
import type { Logger } from "../shared/index.js";
import type { Registration } from "../functions/runtime/register.js";

type TimerRegistration = Extract<Registration, { kind: "timer" }>;
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs timer-triggered functions on their NCRONTAB schedules (six fields, UTC, as the
 * Functions host reads them). One run at a time per function, like the host's singleton
 * lock; a run that overlaps the next occurrence skips it.
 */
export class TimerScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #logger: Logger;
  #stopped = false;

  constructor(
    readonly registrations: readonly TimerRegistration[],
    logger: Logger,
  ) {
    this.#logger = logger;
    for (const r of registrations) CronExpressionParser.parse(r.options.schedule, { tz: "UTC" }); // fail at start on a bad schedule
  }

  start(): void {
    for (const r of this.registrations) this.#arm(r, new Date().toISOString());
  }

  nextOccurrence(name: string, from = new Date()): Date {
    const r = this.registrations.find((x) => x.name === name);
    if (!r) throw new Error(`No timer function '${name}'`);
    return CronExpressionParser.parse(r.options.schedule, { tz: "UTC", currentDate: from }).next().toDate();
  }

  #arm(r: TimerRegistration, last: string): void {
    if (this.#stopped) return;
    const next = this.nextOccurrence(r.name);
    const delay = next.getTime() - Date.now();
    const timer = setTimeout(
      () => {
        if (delay > MAX_TIMEOUT_MS) return this.#arm(r, last);
        void this.run(r.name, last, next.toISOString()).finally(() => this.#arm(r, next.toISOString()));
      },
      Math.min(Math.max(delay, 0), MAX_TIMEOUT_MS),
    );
    timer.unref();
    this.#timers.set(r.name, timer);
  }

  /** Runs one function now (also used by tests); resolves when it finishes. */
  async run(
    name: string,
    last = new Date().toISOString(),
    next = this.nextOccurrence(name).toISOString(),
  ): Promise<void> {
    const r = this.registrations.find((x) => x.name === name);
    if (!r) throw new Error(`No timer function '${name}'`);
    if (this.#running.has(name)) {
      this.#logger.warn("Previous run still going; this occurrence is skipped", { function: name });
      return;
    }
    const timer: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: { last, next, lastUpdated: new Date().toISOString() },
    };
    const run = Promise.resolve(r.options.handler(timer, new InvocationContext({ functionName: name })))
      .then(() => undefined)
      .catch((error: unknown) => this.#logger.error("Timer function failed", { function: name, error }))
      .finally(() => this.#running.delete(name));
    this.#running.set(name, run);
    await run;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.#running.values()]);
  }
}
