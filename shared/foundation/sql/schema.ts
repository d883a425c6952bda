/**
 * Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC strings
 * (`2026-01-31T12:00:00.000Z`) in fixed-width columns: they sort correctly and read the
 * same on SQLite and SQL Server. Booleans are avoided (bit vs integer); statuses are text.
 * Each system declares its own tables in `<name>-tables.ts`; the root joins them.
 */
export type SqlDialectName = "sqlite" | "mssql";

export interface AuditLogTable {
  id: string;
  user_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  /** JSON object. */
  details: string | null;
  ip_address: string | null;
  user_agent: string | null;
  correlation_id: string | null;
  created_at: string;
}

/** The job protocol's outbox: a job's first message, recorded with its row, until sent. */
export interface JobMessagesTable {
  message_id: string;
  queue: string;
  job_kind: string;
  job_id: string;
  /** JSON. */
  body: string;
  correlation_id: string | null;
  created_at: string;
}

/** The tables this layer owns, as Kysely sees them. */
export interface FoundationTables {
  audit_log: AuditLogTable;
  job_messages: JobMessagesTable;
}
