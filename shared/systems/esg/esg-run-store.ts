import type { Selectable } from "kysely";
import { NotFoundError } from "../../kernel/errors.js";
import type { Alert } from "../../ports/alerter.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import { isUniqueViolation } from "../../foundation/sql/database.js";
import type { EsgRunStatus, EsgRunsTable } from "./esg-tables.js";
import type { EsgRunServiceOptions } from "./esg-run-types.js";

export const ACTIVE: readonly EsgRunStatus[] = ["QUEUED", "LISTING", "RUNNING"];

export const FINAL: readonly EsgRunStatus[] = ["COMPLETED", "TIMED_OUT", "FAILED"];

/** SQL Server takes at most 2,100 parameters a statement: ids and rows go in chunks (16 columns x 100 rows). */
export const CHUNK = 150;

export const ROW_CHUNK = 100;

export const ALERT_SOURCE = "esg-daily-file";

export const RESULT_GROUP = 16;

export const RESULT_FLUSH_MS = 50;

/** The run stopped taking accounts (timed out, or its file is being written). */
export class ListingClosedError extends Error {}

export const CSV = "text/csv; charset=utf-8";

export const chunks = <T>(items: readonly T[], size = CHUNK) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export const listMessage = (runId: string): OutgoingMessage => ({
  messageId: `esg:${runId}:list`,
  body: { step: "list", runId },
});

export const batchMessage = (runId: string, batchNo: number): OutgoingMessage => ({
  messageId: `esg:${runId}:batch:${batchNo}`,
  body: { step: "batch", runId, batchNo },
});

export const assembleMessage = (runId: string, attempt = ""): OutgoingMessage => ({
  messageId: `esg:${runId}:assemble${attempt}`,
  body: { step: "assemble", runId },
});

/** The run rows and alerts every part of an ESG run reads and writes. */
export class EsgRunStore {
  readonly #o: EsgRunServiceOptions;

  constructor(options: EsgRunServiceOptions) {
    this.#o = options;
  }

  async row(runId: string): Promise<Selectable<EsgRunsTable>> {
    const run = await this.#o.db.selectFrom("esg_runs").selectAll().where("run_id", "=", runId).executeTakeFirst();
    if (!run) throw new NotFoundError("ESG run", runId);
    return run;
  }

  /** Marks the run as looked at now (the monitor's 15-minute takeover clock restarts). */
  async touch(runId: string): Promise<void> {
    await this.#o.db
      .updateTable("esg_runs")
      .set({ updated_at: this.#o.clock.now().toISOString() })
      .where("run_id", "=", runId)
      .execute();
  }

  /** Raises an alert at most once per key, across instances and redeliveries. */
  async alertOnce(key: string, alert: Omit<Alert, "source">): Promise<void> {
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
