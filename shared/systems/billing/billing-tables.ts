export interface BillingEntriesTable {
  entry_id: string;
  project_id: string;
  saga_id: string | null;
  kind: string;
  pep: string | null;
  amount_minor: string | number | bigint;
  currency: string;
  billing_date: string;
  description: string;
  status: "PENDING" | "ACTIVE";
  created_at: string;
  updated_at: string;
}

export type SagaStatus = "IN_PROGRESS" | "SUCCESS" | "FAILED" | "ROLLED_BACK" | "COMPENSATION_FAILED";

export type SagaStep = "STARTED" | "SQL_APPLIED" | "SAP_APPLIED" | "COMPLETED" | "COMPENSATED";

export interface SagaTransactionsTable {
  saga_id: string;
  project_id: string;
  operation_type: string;
  step: SagaStep;
  status: SagaStatus;
  /** JSON documents. */
  sql_state_before: string | null;
  sql_state_after: string | null;
  sap_result: string | null;
  error: string | null;
  idempotency_key: string;
  request_hash: string;
  request_json: string;
  /** The first answer, replayed for the same Idempotency-Key: {status, body}. */
  response_json: string | null;
  created_by: string | null;
  attempts: number;
  /** Whoever runs the saga holds it until then; recovery takes over only after. */
  claimed_until: string;
  created_at: string;
  updated_at: string;
}

export interface ReconciliationRunsTable {
  run_id: string;
  mode: "full" | "incremental";
  trigger_source: "timer" | "manual";
  status: "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED" | "SKIPPED";
  requested_by: string | null;
  watermark_from: string | null;
  watermark_to: string | null;
  projects_checked: number;
  sap_calls: number;
  inconsistencies_found: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ReconciliationStateTable {
  name: string;
  /** SAP's change stamp (YYYYMMDDhhmmss UTC) the next incremental pass starts from. */
  sap_watermark: string | null;
  /** billing_entries.updated_at the next incremental pass starts from. */
  sql_watermark: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

export interface BillingInconsistenciesTable {
  inconsistency_id: string;
  project_id: string;
  run_id: string;
  status: "OPEN" | "RESOLVED" | "REPAIRED";
  /** Hash of the differences: the same drift is reported once. */
  fingerprint: string;
  /** JSON documents. */
  sap_state: string;
  sql_state: string;
  differences: string;
  proposal: string;
  detected_at: string;
  last_seen_at: string;
  alerted_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

/** The tables this system owns, as Kysely sees them. */
export interface BillingTables {
  billing_entries: BillingEntriesTable;
  saga_transactions: SagaTransactionsTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_state: ReconciliationStateTable;
  billing_inconsistencies: BillingInconsistenciesTable;
}
