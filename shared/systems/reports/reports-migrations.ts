import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The reports system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function reportsMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
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
        await db.schema
          .createIndex("ix_report_requests_requester")
          .on("report_requests")
          .columns(["requested_by", "created_at"])
          .execute();
        await db.schema
          .createIndex("ix_report_requests_status")
          .on("report_requests")
          .columns(["status", "updated_at"])
          .execute();
      },
    },
    "0010_report_warnings": {
      async up(db: Kysely<unknown>) {
        // What a finished report could not show (a project SAP does not know, ...): a JSON array.
        await db.schema.alterTable("report_requests").addColumn("warnings_json", t.longText).execute();
      },
    },
  };
}
