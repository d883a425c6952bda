import type { Alert } from "../../ports/alerter.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import type { EsgRunServiceOptions } from "./esg-run-types.js";

// What the parts of a run (steps, file, monitor, reader) share; their queries are the repositories'.

export const ALERT_SOURCE = "esg-daily-file";

export const RESULT_GROUP = 16;

export const RESULT_FLUSH_MS = 50;

/** The run stopped taking accounts (timed out, or its file is being written). */
export class ListingClosedError extends Error {}

export const CSV = "text/csv; charset=utf-8";

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

/** Raises an alert at most once per key, across instances and redeliveries. */
export async function alertOnce(o: EsgRunServiceOptions, key: string, alert: Omit<Alert, "source">): Promise<void> {
  if (!(await o.raisedAlerts.claim(key, o.clock.now().toISOString()))) return;
  await o.alerts.raise({ source: ALERT_SOURCE, dedupKey: key, ...alert });
}
