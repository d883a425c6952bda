import type { Logger } from "../../foundation/logger.js";
import type { Alerter } from "../../ports/alerter.js";
import type { Clock } from "../../ports/clock.js";
import type { BudgetWebhookRepository } from "./budget-webhook-repository.js";

export interface ImportAlertOptions {
  readonly rows: BudgetWebhookRepository;
  readonly alerts: Alerter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Percent of finished imports failed above which the alert fires. */
  readonly failurePercent: number;
  readonly windowMinutes: number;
  /** Finished imports the window must hold first (one failure of one import does not page). */
  readonly minImports: number;
  /** How long a raised alert stays quiet while the rate stays high. */
  readonly quietMinutes: number;
}

const ALERT_KEY = "budget-import-failure-rate";

/**
 * The budget import failure-rate alert: checked when an import fails, over the imports
 * finished in the last window; raised as a warning at most once per quiet period (the
 * claim is a conditional write, so instances do not race to page).
 */
export class BudgetImportAlerts {
  readonly #o: ImportAlertOptions;

  constructor(options: ImportAlertOptions) {
    this.#o = options;
  }

  /** Never throws: an alert that cannot be checked is logged, the import's answer stands. */
  async importFailed(): Promise<void> {
    try {
      await this.#check();
    } catch (error) {
      this.#o.logger.error("Budget import failure rate could not be checked", { error });
    }
  }

  async #check(): Promise<void> {
    const now = this.#o.clock.now();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
    const { finished, failed } = await this.#o.rows.importOutcomesSince(minutesAgo(this.#o.windowMinutes));
    if (finished < this.#o.minImports || failed * 100 <= finished * this.#o.failurePercent) return;
    if (!(await this.#o.rows.claimAlert(ALERT_KEY, now.toISOString(), minutesAgo(this.#o.quietMinutes)))) return;
    const percent = Math.round((failed * 1000) / finished) / 10;
    await this.#o.alerts.raise({
      source: "budget-imports",
      severity: "warning",
      title: "Budget import failure rate high",
      message: `${failed} of ${finished} budget imports in the last ${this.#o.windowMinutes} minutes failed (${percent}%, threshold ${this.#o.failurePercent}%)`,
      details: {
        failed,
        finished,
        failure_percent: percent,
        threshold_percent: this.#o.failurePercent,
        window_minutes: this.#o.windowMinutes,
      },
      dedupKey: ALERT_KEY,
    });
  }
}
