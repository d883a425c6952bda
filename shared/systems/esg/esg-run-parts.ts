import type { Alert } from "../../ports/alerter.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import type { EsgTrigger } from "./esg-tables.js";
import type { EsgRunServiceOptions } from "./esg-run-types.js";

// What the parts of a run (steps, file, monitor, reader) share; their queries are the repositories'.

/** Alerts about the daily file: its scheduled and full runs (critical where the file is at risk). */
export const ALERT_SOURCE = "esg-daily-file";

/**
 * Alerts about a manual run of named accounts. No daily file is at risk and the requester
 * watches the run, so they are raised under their own source, named by the run, at
 * warning: never as the daily file's critical alerts.
 */
export const MANUAL_ALERT_SOURCE = "esg-manual-run";
export const MANUAL_ALERT_SEVERITY = "warning" satisfies Alert["severity"];

/** A run of named accounts (POST /v1/esg/runs with accountIds), not the day's full run. */
export const isManualAccountsRun = (run: { readonly trigger_source: EsgTrigger }) =>
  run.trigger_source === "MANUAL_ACCOUNTS";

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

/** Raises an alert at most once per key, across instances and redeliveries; the daily file's unless a source is given. */
export async function alertOnce(
  o: EsgRunServiceOptions,
  key: string,
  alert: Omit<Alert, "source"> & { readonly source?: string },
): Promise<void> {
  if (!(await o.raisedAlerts.claim(key, o.clock.now().toISOString()))) return;
  await o.alerts.raise({ source: ALERT_SOURCE, dedupKey: key, ...alert });
}

/**
 * A manual run's alert, once per key: `ESG manual run <runId>: <what>` under
 * MANUAL_ALERT_SOURCE at MANUAL_ALERT_SEVERITY.
 */
export function alertManualRunOnce(
  o: EsgRunServiceOptions,
  runId: string,
  key: string,
  alert: { readonly what: string; readonly message: string; readonly details?: Record<string, unknown> },
): Promise<void> {
  return alertOnce(o, `${runId}:${key}`, {
    source: MANUAL_ALERT_SOURCE,
    severity: MANUAL_ALERT_SEVERITY,
    title: `ESG manual run ${runId}: ${alert.what}`,
    message: alert.message,
    details: { run_id: runId, trigger: "MANUAL_ACCOUNTS", ...alert.details },
  });
}
