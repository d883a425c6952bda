export type AlertSeverity = "info" | "warning" | "critical";

export interface Alert {
  /** The job or component raising it, e.g. `esg-daily-file`. */
  readonly source: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  readonly correlationId?: string;
  /** Groups repeats of one incident (PagerDuty's dedup_key), e.g. `{runId}:window`. */
  readonly dedupKey?: string;
}

/** One port for every job's alerts: always logged and counted; e-mail and webhooks when configured. */
export interface Alerter {
  raise(alert: Alert): Promise<void>;
}
