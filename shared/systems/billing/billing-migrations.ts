import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The billing system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function billingMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
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
        await db.schema
          .createIndex("ix_billing_entries_project")
          .on("billing_entries")
          .columns(["project_id", "status"])
          .execute();
        await db.schema.createIndex("ix_billing_entries_saga").on("billing_entries").column("saga_id").execute();
        await db.schema
          .createIndex("ix_billing_entries_updated_at")
          .on("billing_entries")
          .column("updated_at")
          .execute();

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
        await db.schema
          .createIndex("ix_saga_transactions_status")
          .on("saga_transactions")
          .columns(["status", "claimed_until"])
          .execute();
        await db.schema
          .createIndex("ix_saga_transactions_project")
          .on("saga_transactions")
          .column("project_id")
          .execute();
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
        await db.schema
          .createIndex("ix_reconciliation_runs_created")
          .on("reconciliation_runs")
          .column("created_at")
          .execute();

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
        await db.schema
          .createIndex("ix_billing_inconsistencies_project")
          .on("billing_inconsistencies")
          .columns(["project_id", "status"])
          .execute();
      },
    },
  };
}
