import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";
import { budgetWebhookMigrations } from "./budget-webhook-migrations.js";

/**
 * The budgets system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function budgetsMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
    ...budgetWebhookMigrations(t),
    "0013_budgets": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("customers")
          .addColumn("customer_id", "varchar(64)", (c) => c.primaryKey())
          .addColumn("name", t.unicode(200), (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable("customer_users")
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("user_id", "varchar(36)", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addPrimaryKeyConstraint("pk_customer_users", ["customer_id", "user_id"])
          .execute();
        await db.schema.createIndex("ix_customer_users_user").on("customer_users").columns(["user_id"]).execute();

        await db.schema
          .createTable("budgets")
          .addColumn("budget_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("department", t.unicode(200), (c) => c.notNull())
          .addColumn("sub_category", t.unicode(200), (c) => c.notNull())
          .addColumn("fiscal_period", "varchar(40)", (c) => c.notNull())
          .addColumn("cost_center", t.unicode(100), (c) => c.notNull())
          .addColumn("line_key", t.unicode(600), (c) => c.notNull())
          .addColumn("currency", "varchar(3)", (c) => c.notNull())
          .addColumn("budgeted_minor", "bigint", (c) => c.notNull())
          .addColumn("committed_minor", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("reserved_minor", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("actual_minor", "bigint", (c) => c.notNull().defaultTo(0))
          .addColumn("source", "varchar(20)", (c) => c.notNull())
          .addColumn("import_id", "varchar(36)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("removed_at", t.timestamp)
          .execute();
        await db.schema
          .createIndex("ux_budgets_line")
          .on("budgets")
          .columns(["customer_id", "line_key"])
          .unique()
          .execute();
        await db.schema
          .createIndex("ix_budgets_lookup")
          .on("budgets")
          .columns(["customer_id", "department", "fiscal_period"])
          .execute();
        await db.schema.createIndex("ix_budgets_import").on("budgets").columns(["import_id"]).execute();

        await db.schema
          .createTable("budget_approval_rules")
          .addColumn("rule_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("department", t.unicode(200))
          .addColumn("sub_category", t.unicode(200))
          .addColumn("currency", "varchar(3)", (c) => c.notNull())
          .addColumn("threshold_minor", "bigint", (c) => c.notNull())
          .addColumn("over_budget", "varchar(10)", (c) => c.notNull())
          .addColumn("warn_percent", "integer", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ix_budget_approval_rules_customer")
          .on("budget_approval_rules")
          .columns(["customer_id"])
          .execute();

        await db.schema
          .createTable("budget_reservations")
          .addColumn("reservation_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("budget_id", "varchar(36)", (c) => c.notNull())
          .addColumn("idempotency_key", "varchar(200)", (c) => c.notNull())
          .addColumn("amount_minor", "bigint", (c) => c.notNull())
          .addColumn("currency", "varchar(3)", (c) => c.notNull())
          .addColumn("reference", t.unicode(200), (c) => c.notNull())
          .addColumn("requester", t.unicode(200))
          .addColumn("supplier", t.unicode(200))
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("created_by", "varchar(36)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ux_budget_reservations_key")
          .on("budget_reservations")
          .columns(["customer_id", "idempotency_key"])
          .unique()
          .execute();
        await db.schema
          .createIndex("ix_budget_reservations_budget")
          .on("budget_reservations")
          .columns(["budget_id", "status"])
          .execute();
        await db.schema
          .createIndex("ix_budget_reservations_requester")
          .on("budget_reservations")
          .columns(["customer_id", "requester", "created_at"])
          .execute();
      },
    },
    "0014_budget_imports": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("budget_files")
          .addColumn("file_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("content_sha256", "varchar(64)", (c) => c.notNull())
          .addColumn("file_name", t.unicode(255), (c) => c.notNull())
          .addColumn("size_bytes", "integer", (c) => c.notNull())
          .addColumn("blob_name", "varchar(200)")
          .addColumn("format", "varchar(10)", (c) => c.notNull())
          .addColumn("likely_type", "varchar(20)", (c) => c.notNull())
          .addColumn("can_proceed", "integer", (c) => c.notNull())
          .addColumn("verdict_json", t.longText, (c) => c.notNull())
          .addColumn("header_key", "varchar(80)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("created_by", "varchar(36)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ix_budget_files_hash")
          .on("budget_files")
          .columns(["customer_id", "content_sha256"])
          .execute();

        await db.schema
          .createTable("budget_imports")
          .addColumn("import_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("user_id", "varchar(36)")
          .addColumn("file_id", "varchar(36)")
          .addColumn("file_name", t.unicode(255), (c) => c.notNull())
          .addColumn("source_type", "varchar(20)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("mapping_json", t.longText, (c) => c.notNull())
          .addColumn("header_key", "varchar(80)")
          .addColumn("total_rows", "integer", (c) => c.notNull())
          .addColumn("success_rows", "integer", (c) => c.notNull())
          .addColumn("error_rows", "integer", (c) => c.notNull())
          .addColumn("diff_json", t.longText)
          .addColumn("error_message", t.longText)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("completed_at", t.timestamp)
          .addColumn("committed_by", "varchar(36)")
          .execute();
        await db.schema
          .createIndex("ix_budget_imports_customer")
          .on("budget_imports")
          .columns(["customer_id", "created_at"])
          .execute();
        await db.schema.createIndex("ix_budget_imports_file").on("budget_imports").columns(["file_id"]).execute();

        await db.schema
          .createTable("budget_import_lines")
          .addColumn("import_id", "varchar(36)", (c) => c.notNull())
          .addColumn("line_key", t.unicode(600), (c) => c.notNull())
          .addColumn("department", t.unicode(200), (c) => c.notNull())
          .addColumn("sub_category", t.unicode(200), (c) => c.notNull())
          .addColumn("fiscal_period", "varchar(40)", (c) => c.notNull())
          .addColumn("cost_center", t.unicode(100), (c) => c.notNull())
          .addColumn("currency", "varchar(3)", (c) => c.notNull())
          .addColumn("amount_minor", "bigint", (c) => c.notNull())
          .addColumn("row_number", "integer", (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ix_budget_import_lines")
          .on("budget_import_lines")
          .columns(["import_id", "line_key"])
          .execute();

        await db.schema
          .createTable("budget_import_errors")
          .addColumn("import_id", "varchar(36)", (c) => c.notNull())
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("row_number", "integer", (c) => c.notNull())
          .addColumn("column_name", t.unicode(200), (c) => c.notNull())
          .addColumn("value", t.unicode(500), (c) => c.notNull())
          .addColumn("message", t.unicode(500), (c) => c.notNull())
          .addPrimaryKeyConstraint("pk_budget_import_errors", ["import_id", "seq"])
          .execute();

        await db.schema
          .createTable("budget_learned_mappings")
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("header_key", "varchar(80)", (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull())
          .addColumn("mapping_json", t.longText, (c) => c.notNull())
          .addColumn("import_id", "varchar(36)", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addPrimaryKeyConstraint("pk_budget_learned_mappings", ["customer_id", "header_key", "version"])
          .execute();
      },
    },
    // Large files import as a queued job: its request, attempt (the fence a redelivery
    // bumps) and progress live on the import row; staged lines carry the id a new budget
    // line will get, so the commit is set-based; analyze keeps the file's row count.
    "0016_budget_import_jobs": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable("budget_imports")
          .addColumn("dry_run", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable("budget_imports")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable("budget_imports")
          .addColumn("rows_read", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable("budget_imports")
          .addColumn("rows_staged", "integer", (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable("budget_imports").addColumn("started_at", t.timestamp).execute();
        await db.schema.alterTable("budget_imports").addColumn("updated_at", t.timestamp).execute();
        await db.schema.alterTable("budget_files").addColumn("row_count", "integer").execute();
        await db.schema.alterTable("budget_import_lines").addColumn("budget_id", "varchar(36)").execute();
      },
    },
    "0018_budget_sources": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("budget_sources")
          .addColumn("source_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("name", t.unicode(200), (c) => c.notNull())
          .addColumn("source_type", "varchar(10)", (c) => c.notNull())
          .addColumn("config_json", t.longText, (c) => c.notNull())
          .addColumn("secrets_json", t.longText, (c) => c.notNull())
          .addColumn("schedule", "varchar(100)", (c) => c.notNull())
          .addColumn("enabled", "integer", (c) => c.notNull())
          .addColumn("next_due_at", t.timestamp, (c) => c.notNull())
          .addColumn("lease_until", t.timestamp)
          .addColumn("last_polled_at", t.timestamp)
          .addColumn("last_status", "varchar(10)")
          .addColumn("last_error", t.unicode(500))
          .addColumn("failure_alerted_at", t.timestamp)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ix_budget_sources_customer")
          .on("budget_sources")
          .columns(["customer_id"])
          .execute();
        await db.schema
          .createIndex("ix_budget_sources_due")
          .on("budget_sources")
          .columns(["enabled", "next_due_at"])
          .execute();

        await db.schema
          .createTable("budget_source_files")
          .addColumn("row_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("source_id", "varchar(36)", (c) => c.notNull())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("version_key", "varchar(64)", (c) => c.notNull())
          .addColumn("remote_path", t.unicode(1000), (c) => c.notNull())
          .addColumn("size_bytes", "bigint", (c) => c.notNull())
          .addColumn("modified_at", "varchar(30)", (c) => c.notNull())
          .addColumn("content_sha256", "varchar(64)", (c) => c.notNull())
          .addColumn("status", "varchar(10)", (c) => c.notNull())
          .addColumn("reason", t.unicode(500))
          .addColumn("likely_type", "varchar(20)")
          .addColumn("file_id", "varchar(36)")
          .addColumn("import_id", "varchar(36)")
          .addColumn("seen_at", t.timestamp, (c) => c.notNull())
          .execute();
        // One row per version: a second poll (or instance) cannot record the same file twice.
        await db.schema
          .createIndex("ux_budget_source_files_version")
          .on("budget_source_files")
          .columns(["source_id", "version_key"])
          .unique()
          .execute();
        await db.schema
          .createIndex("ix_budget_source_files_content")
          .on("budget_source_files")
          .columns(["source_id", "content_sha256"])
          .execute();

        await db.schema
          .createTable("budget_source_failures")
          .addColumn("source_id", "varchar(36)", (c) => c.notNull())
          .addColumn("failed_at", t.timestamp, (c) => c.notNull())
          .addColumn("message", t.unicode(500), (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ix_budget_source_failures")
          .on("budget_source_failures")
          .columns(["source_id", "failed_at"])
          .execute();
      },
    },
    // A polled file's import names the data source it came from (history shows sftp, blob,
    // s3 or sheets and which source); uploads leave both null.
    "0023_budget_import_source": {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("budget_imports").addColumn("source_id", "varchar(36)").execute();
        await db.schema.alterTable("budget_imports").addColumn("source_name", t.unicode(200)).execute();
      },
    },
    // Staged lines are indexed in file order, so staging appends (a line key index took
    // random inserts: every batch's commit rewrote pages all over it, most of a million-row
    // import's time). Duplicates and the commit find lines by key in one sort or join.
    "0026_budget_import_lines_by_row": {
      async up(db: Kysely<unknown>) {
        const drop = db.schema.dropIndex("ix_budget_import_lines");
        await (t.dialect === "mssql" ? drop.on("budget_import_lines") : drop).execute();
        await db.schema
          .createIndex("ix_budget_import_lines_row")
          .on("budget_import_lines")
          .columns(["import_id", "row_number"])
          .execute();
      },
    },
  };
}
