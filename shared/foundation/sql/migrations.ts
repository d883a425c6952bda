import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { SqlDialectName } from "./schema.js";

/** Column types that differ between SQLite and SQL Server. */
function types(dialect: SqlDialectName) {
  return {
    /** Unbounded text (JSON documents). */
    longText: dialect === "mssql" ? sql`nvarchar(max)` : sql`text`,
    /** ISO-8601 UTC timestamp. */
    timestamp: sql`varchar(30)`,
    /** Unicode text of a bounded length (names typed by people). */
    unicode: (length: number) => (dialect === "mssql" ? sql`nvarchar(${sql.raw(String(length))})` : sql`text`),
  } as const;
}

/**
 * The one set of migrations, applied at start on SQLite and SQL Server alike. Kysely's
 * Migrator records what ran and takes a lock, so concurrent instances apply each once.
 * Append new migrations; never edit one that has shipped.
 */
export function migrations(dialect: SqlDialectName): Record<string, Migration> {
  const t = types(dialect);
  return {
    "0001_identity_and_audit": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("users")
          .addColumn("id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("username", "varchar(100)", (c) => c.notNull().unique())
          .addColumn("password_hash", "varchar(255)", (c) => c.notNull())
          .addColumn("roles", "varchar(255)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("last_login_at", t.timestamp)
          .execute();

        await db.schema
          .createTable("refresh_tokens")
          .addColumn("id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id"))
          .addColumn("family_id", "varchar(36)", (c) => c.notNull())
          .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("expires_at", t.timestamp, (c) => c.notNull())
          .addColumn("used_at", t.timestamp)
          .addColumn("revoked_at", t.timestamp)
          .addColumn("revoked_reason", "varchar(100)")
          .execute();
        await db.schema.createIndex("ix_refresh_tokens_family").on("refresh_tokens").column("family_id").execute();
        await db.schema.createIndex("ix_refresh_tokens_expires").on("refresh_tokens").column("expires_at").execute();

        await db.schema
          .createTable("audit_log")
          .addColumn("id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("user_id", "varchar(36)")
          .addColumn("action", "varchar(100)", (c) => c.notNull())
          .addColumn("resource_type", "varchar(50)", (c) => c.notNull())
          .addColumn("resource_id", "varchar(100)")
          .addColumn("details", t.longText)
          .addColumn("ip_address", "varchar(45)")
          .addColumn("user_agent", "varchar(512)")
          .addColumn("correlation_id", "varchar(100)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("ix_audit_log_user_id").on("audit_log").column("user_id").execute();
        await db.schema.createIndex("ix_audit_log_action").on("audit_log").column("action").execute();
        await db.schema.createIndex("ix_audit_log_created_at").on("audit_log").column("created_at").execute();
      },
    },
    "0002_projects": {
      async up(db: Kysely<unknown>) {
        // Seed 000's extended project entity; SAP stays the source of truth for the rest.
        await db.schema
          .createTable("projects")
          .addColumn("project_id", "varchar(50)", (c) => c.primaryKey())
          .addColumn("sap_project_code", "varchar(50)", (c) => c.notNull())
          .addColumn("project_name", t.unicode(200))
          .addColumn("status", "varchar(20)")
          .addColumn("custom_field_1", t.unicode(100))
          .addColumn("custom_field_2", t.unicode(100))
          // The cost total as recorded on the SQL side, cross-checked against SAP's.
          .addColumn("total_cost_minor", "bigint")
          .addColumn("cost_currency", "varchar(3)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
          .execute();
        await db.schema.createIndex("ix_projects_updated_at").on("projects").column("updated_at").execute();
      },
    },
    "0003_billing_sagas_reconciliation": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("billing_entries")
          .addColumn("entry_id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("project_id", "varchar(50)", (c) => c.notNull())
          .addColumn("saga_id", "varchar(36)")
          .addColumn("kind", "varchar(20)", (c) => c.notNull())
          .addColumn("pep", "varchar(24)")
          .addColumn("amount_minor", "bigint", (c) => c.notNull())
          .addColumn("currency", "varchar(3)", (c) => c.notNull())
          .addColumn("billing_date", "varchar(10)", (c) => c.notNull())
          .addColumn("description", t.unicode(200), (c) => c.notNull())
          // PENDING while its saga runs; only ACTIVE entries are billing.
          .addColumn("status", "varchar(10)", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("ix_billing_entries_project").on("billing_entries").columns(["project_id", "status"]).execute();
        await db.schema.createIndex("ix_billing_entries_saga").on("billing_entries").column("saga_id").execute();
        await db.schema.createIndex("ix_billing_entries_updated_at").on("billing_entries").column("updated_at").execute();

        // Seed 000's saga log, plus what crash recovery and idempotency need.
        await db.schema
          .createTable("saga_transactions")
          .addColumn("saga_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("project_id", "varchar(50)", (c) => c.notNull())
          .addColumn("operation_type", "varchar(50)", (c) => c.notNull())
          .addColumn("step", "varchar(30)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("sql_state_before", t.longText)
          .addColumn("sql_state_after", t.longText)
          .addColumn("sap_result", t.longText)
          .addColumn("error", t.longText)
          .addColumn("idempotency_key", "varchar(300)", (c) => c.notNull().unique())
          .addColumn("request_hash", "varchar(64)", (c) => c.notNull())
          .addColumn("request_json", t.longText, (c) => c.notNull())
          .addColumn("response_json", t.longText)
          .addColumn("created_by", "varchar(36)")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("claimed_until", t.timestamp, (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("ix_saga_transactions_status").on("saga_transactions").columns(["status", "claimed_until"]).execute();
        await db.schema.createIndex("ix_saga_transactions_project").on("saga_transactions").column("project_id").execute();
      },
    },
    "0004_billing_reconciliation": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("reconciliation_runs")
          .addColumn("run_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("mode", "varchar(20)", (c) => c.notNull())
          .addColumn("trigger_source", "varchar(20)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("requested_by", "varchar(36)")
          .addColumn("watermark_from", "varchar(40)")
          .addColumn("watermark_to", "varchar(40)")
          .addColumn("projects_checked", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("sap_calls", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("inconsistencies_found", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error", t.longText)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("started_at", t.timestamp)
          .addColumn("finished_at", t.timestamp)
          .execute();
        await db.schema.createIndex("ix_reconciliation_runs_created").on("reconciliation_runs").column("created_at").execute();

        // One row: the watermark (advanced only by a completed pass) and the pass lease.
        await db.schema
          .createTable("reconciliation_state")
          .addColumn("name", "varchar(50)", (c) => c.primaryKey())
          .addColumn("sap_watermark", "varchar(14)")
          .addColumn("sql_watermark", t.timestamp)
          .addColumn("lease_owner", "varchar(36)")
          .addColumn("lease_until", t.timestamp)
          .execute();

        await db.schema
          .createTable("billing_inconsistencies")
          .addColumn("inconsistency_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("project_id", "varchar(50)", (c) => c.notNull())
          .addColumn("run_id", "varchar(36)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("fingerprint", "varchar(64)", (c) => c.notNull())
          .addColumn("sap_state", t.longText, (c) => c.notNull())
          .addColumn("sql_state", t.longText, (c) => c.notNull())
          .addColumn("differences", t.longText, (c) => c.notNull())
          .addColumn("proposal", t.longText, (c) => c.notNull())
          .addColumn("detected_at", t.timestamp, (c) => c.notNull())
          .addColumn("last_seen_at", t.timestamp, (c) => c.notNull())
          .addColumn("alerted_at", t.timestamp)
          .addColumn("resolved_at", t.timestamp)
          .addColumn("resolved_by", "varchar(36)")
          .addColumn("resolution", t.longText)
          .execute();
        await db.schema.createIndex("ix_billing_inconsistencies_project").on("billing_inconsistencies").columns(["project_id", "status"]).execute();
      },
    },
    "0005_reports": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("report_requests")
          .addColumn("report_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("requested_by", "varchar(36)", (c) => c.notNull())
          .addColumn("requested_by_name", "varchar(100)", (c) => c.notNull())
          .addColumn("report_type", "varchar(30)", (c) => c.notNull())
          .addColumn("format", "varchar(10)", (c) => c.notNull())
          .addColumn("request_json", t.longText, (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("progress", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error", t.longText)
          .addColumn("blob_name", "varchar(200)")
          .addColumn("size_bytes", "bigint")
          .addColumn("row_count", "integer")
          // When the queue message was last sent: the requeue timer re-sends what has none.
          .addColumn("queued_at", t.timestamp)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("started_at", t.timestamp)
          .addColumn("completed_at", t.timestamp)
          .execute();
        await db.schema.createIndex("ix_report_requests_requester").on("report_requests").columns(["requested_by", "created_at"]).execute();
        await db.schema.createIndex("ix_report_requests_status").on("report_requests").columns(["status", "updated_at"]).execute();
      },
    },
    "0006_backups": {
      async up(db: Kysely<unknown>) {
        // Seed 000: backup completion is logged in SQL, with what verification re-checks.
        await db.schema
          .createTable("backups")
          .addColumn("backup_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("trigger_source", "varchar(20)", (c) => c.notNull())
          .addColumn("requested_by", "varchar(36)")
          .addColumn("project_ids", t.longText)
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("progress", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error", t.longText)
          .addColumn("blob_name", "varchar(300)")
          .addColumn("schema_hash", "varchar(64)")
          .addColumn("project_count", "integer")
          .addColumn("record_count", "integer")
          .addColumn("sha256", "varchar(64)")
          .addColumn("size_bytes", "bigint")
          .addColumn("verified_at", t.timestamp)
          .addColumn("verification_status", "varchar(20)")
          .addColumn("verification_error", t.longText)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("started_at", t.timestamp)
          .addColumn("completed_at", t.timestamp)
          .execute();
        await db.schema.createIndex("ix_backups_created").on("backups").column("created_at").execute();
      },
    },
    "0007_esg_runs": {
      async up(db: Kysely<unknown>) {
        // Seed 001: one row per run; the day's work list and per-account results beside it.
        await db.schema
          .createTable("esg_runs")
          .addColumn("run_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("run_date", "varchar(10)", (c) => c.notNull())
          .addColumn("trigger_source", "varchar(20)", (c) => c.notNull())
          .addColumn("requested_by", "varchar(36)")
          .addColumn("requested_account_ids", t.longText)
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          // 1 while a full run of the date is unfinished: the unique index below allows one.
          .addColumn("active_full", "integer")
          .addColumn("list_cursor", t.longText)
          .addColumn("list_complete", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("accounts_listed", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("duplicates_skipped", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("timed_out", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("list_queued_at", t.timestamp)
          .addColumn("deadline_at", t.timestamp, (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("started_at", t.timestamp)
          .addColumn("completed_at", t.timestamp)
          .addColumn("file_blob", "varchar(300)")
          .addColumn("error_file_blob", "varchar(300)")
          .addColumn("summary_blob", "varchar(300)")
          .addColumn("summary_json", t.longText)
          .addColumn("error", t.longText)
          .execute();
        await db.schema.createIndex("ux_esg_runs_scheduled").on("esg_runs").column("run_date").unique().where(sql.ref("trigger_source"), "=", "SCHEDULED").execute();
        await db.schema.createIndex("ux_esg_runs_active_full").on("esg_runs").column("run_date").unique().where(sql.ref("active_full"), "=", 1).execute();
        await db.schema.createIndex("ix_esg_runs_created").on("esg_runs").column("created_at").execute();

        await db.schema
          .createTable("esg_run_accounts")
          .addColumn("run_id", "varchar(36)", (c) => c.notNull())
          .addColumn("account_id", "varchar(64)", (c) => c.notNull())
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("batch_no", "integer", (c) => c.notNull())
          .addColumn("account_name", t.unicode(300), (c) => c.notNull())
          .addColumn("status", "varchar(12)", (c) => c.notNull())
          // Scores in hundredths (exact two-decimal values).
          .addColumn("overall", "integer")
          .addColumn("environmental", "integer")
          .addColumn("social", "integer")
          .addColumn("governance", "integer")
          .addColumn("primary_focus", "varchar(20)")
          .addColumn("primary_focus_score", "integer")
          .addColumn("analysis_date", "varchar(10)")
          .addColumn("reused", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error", t.longText)
          .addColumn("completed_at", t.timestamp)
          .addPrimaryKeyConstraint("pk_esg_run_accounts", ["run_id", "account_id"])
          .execute();
        await db.schema.createIndex("ix_esg_run_accounts_batch").on("esg_run_accounts").columns(["run_id", "batch_no", "status"]).execute();
        await db.schema.createIndex("ix_esg_run_accounts_seq").on("esg_run_accounts").columns(["run_id", "seq"]).execute();

        await db.schema
          .createTable("esg_batches")
          .addColumn("run_id", "varchar(36)", (c) => c.notNull())
          .addColumn("batch_no", "integer", (c) => c.notNull())
          .addColumn("status", "varchar(12)", (c) => c.notNull())
          .addColumn("queued_at", t.timestamp)
          // The worker rating the batch holds it until then (renewed as it goes).
          .addColumn("leased_until", t.timestamp)
          .addColumn("completed_at", t.timestamp)
          .addPrimaryKeyConstraint("pk_esg_batches", ["run_id", "batch_no"])
          .execute();

        // The last rating fetched per account: change tracking (ETag) and reuse.
        await db.schema
          .createTable("esg_latest_ratings")
          .addColumn("account_id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("etag", "varchar(200)")
          .addColumn("status", "varchar(12)", (c) => c.notNull())
          .addColumn("overall", "integer")
          .addColumn("environmental", "integer")
          .addColumn("social", "integer")
          .addColumn("governance", "integer")
          .addColumn("primary_focus", "varchar(20)")
          .addColumn("primary_focus_score", "integer")
          .addColumn("analysis_date", "varchar(10)")
          .addColumn("note", t.longText)
          .addColumn("fetched_at", t.timestamp, (c) => c.notNull())
          .execute();

        // Alerts raised at most once per key (run and kind, or date and kind).
        await db.schema
          .createTable("esg_alerts")
          .addColumn("alert_key", "varchar(120)", (c) => c.primaryKey())
          .addColumn("raised_at", t.timestamp, (c) => c.notNull())
          .execute();
      },
    },
  };
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
