import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The invoices system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function invoicesMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
    "0012_invoices": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("invoice_jobs")
          .addColumn("job_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("job_type", "varchar(20)", (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("triggered_by", "varchar(36)")
          .addColumn("force_processing", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("requested_ids_json", t.longText)
          .addColumn("skipped_json", t.longText)
          .addColumn("total_invoices", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("duplicates", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("held", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error_message", t.longText)
          .addColumn("collected_at", t.timestamp)
          .addColumn("notified_at", t.timestamp)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("started_at", t.timestamp)
          .addColumn("completed_at", t.timestamp)
          .execute();
        await db.schema.createIndex("ix_invoice_jobs_created").on("invoice_jobs").columns(["created_at"]).execute();
        await db.schema
          .createIndex("ix_invoice_jobs_status")
          .on("invoice_jobs")
          .columns(["status", "updated_at"])
          .execute();

        await db.schema
          .createTable("invoice_schedule_runs")
          .addColumn("run_date", "varchar(10)", (c) => c.primaryKey())
          .addColumn("job_id", "varchar(36)", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("invoices")
          .addColumn("id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("invoice_id", t.unicode(200), (c) => c.notNull())
          .addColumn("document_kind", "varchar(20)", (c) => c.notNull())
          .addColumn("source", "varchar(20)", (c) => c.notNull())
          .addColumn("source_ref", "varchar(200)", (c) => c.notNull())
          .addColumn("file_name", t.unicode(255), (c) => c.notNull())
          .addColumn("blob_name", "varchar(300)", (c) => c.notNull())
          .addColumn("content_sha256", "varchar(64)", (c) => c.notNull())
          .addColumn("size_bytes", "integer", (c) => c.notNull())
          .addColumn("seller_key", t.unicode(200))
          .addColumn("issue_date", "varchar(10)")
          .addColumn("payable_amount", "varchar(40)")
          .addColumn("currency", "varchar(3)")
          .addColumn("fingerprint", "varchar(64)")
          .addColumn("number_key", "varchar(64)")
          .addColumn("invoice_type", "varchar(10)", (c) => c.notNull())
          .addColumn("vat_number", "varchar(40)")
          .addColumn("valid", "integer", (c) => c.notNull())
          .addColumn("validation_json", t.longText, (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("duplicate_of", "varchar(36)")
          .addColumn("error_code", "varchar(50)")
          .addColumn("error_message", t.longText)
          .addColumn("clearfacts_uuid", "varchar(100)")
          .addColumn("clearfacts_response", t.longText)
          .addColumn("job_id", "varchar(36)")
          .addColumn("received_at", t.timestamp, (c) => c.notNull())
          .addColumn("processed_at", t.timestamp)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ux_invoices_source_ref")
          .on("invoices")
          .columns(["source", "source_ref"])
          .unique()
          .execute();
        await db.schema.createIndex("ix_invoices_status").on("invoices").columns(["status", "created_at"]).execute();
        await db.schema.createIndex("ix_invoices_job").on("invoices").columns(["job_id"]).execute();
        await db.schema.createIndex("ix_invoices_number").on("invoices").columns(["invoice_id"]).execute();
        await db.schema.createIndex("ix_invoices_created").on("invoices").columns(["created_at"]).execute();

        await db.schema
          .createTable("invoice_job_items")
          .addColumn("job_id", "varchar(36)", (c) => c.notNull())
          .addColumn("invoice_ref", "varchar(36)", (c) => c.notNull())
          .addColumn("outcome", "varchar(20)")
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("next_attempt_at", t.timestamp)
          .addColumn("leased_until", t.timestamp)
          .addColumn("error_code", "varchar(50)")
          .addColumn("error_message", t.longText)
          .addColumn("error_details", t.longText)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("finished_at", t.timestamp)
          .addPrimaryKeyConstraint("pk_invoice_job_items", ["job_id", "invoice_ref"])
          .execute();
        await db.schema
          .createIndex("ix_invoice_job_items_open")
          .on("invoice_job_items")
          .columns(["outcome", "updated_at"])
          .execute();
        await db.schema
          .createIndex("ix_invoice_job_items_invoice")
          .on("invoice_job_items")
          .columns(["invoice_ref"])
          .execute();

        await db.schema
          .createTable("invoice_identities")
          .addColumn("number_key", "varchar(64)", (c) => c.primaryKey())
          .addColumn("fingerprint", "varchar(64)", (c) => c.notNull())
          .addColumn("invoice_ref", "varchar(36)", (c) => c.notNull())
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable("invoice_uploads")
          .addColumn("upload_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("invoice_ref", "varchar(36)", (c) => c.notNull())
          .addColumn("job_id", "varchar(36)", (c) => c.notNull())
          .addColumn("attempt", "integer", (c) => c.notNull())
          .addColumn("forced", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("state", "varchar(20)", (c) => c.notNull())
          .addColumn("status_code", "integer")
          .addColumn("error", t.longText)
          .addColumn("clearfacts_uuid", "varchar(100)")
          .addColumn("amount_of_pages", "integer")
          .addColumn("started_at", t.timestamp, (c) => c.notNull())
          .addColumn("finished_at", t.timestamp)
          .execute();
        await db.schema
          .createIndex("ix_invoice_uploads_invoice")
          .on("invoice_uploads")
          .columns(["invoice_ref", "started_at"])
          .execute();

        await db.schema
          .createTable("invoice_configuration")
          .addColumn("key", "varchar(100)", (c) => c.primaryKey())
          .addColumn("value", t.longText, (c) => c.notNull())
          .addColumn("description", t.unicode(500), (c) => c.notNull())
          .addColumn("updated_by", "varchar(36)")
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
      },
    },
  };
}
