import { sql, type Kysely, type Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The esg system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function esgMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
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
        await db.schema
          .createIndex("ux_esg_runs_scheduled")
          .on("esg_runs")
          .column("run_date")
          .unique()
          .where(sql.ref("trigger_source"), "=", "SCHEDULED")
          .execute();
        await db.schema
          .createIndex("ux_esg_runs_active_full")
          .on("esg_runs")
          .column("run_date")
          .unique()
          .where(sql.ref("active_full"), "=", 1)
          .execute();
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
        await db.schema
          .createIndex("ix_esg_run_accounts_batch")
          .on("esg_run_accounts")
          .columns(["run_id", "batch_no", "status"])
          .execute();
        await db.schema
          .createIndex("ix_esg_run_accounts_seq")
          .on("esg_run_accounts")
          .columns(["run_id", "seq"])
          .execute();

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
