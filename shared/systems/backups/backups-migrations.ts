import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The backups system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function backupsMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
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
    "0011_backup_sections": {
      async up(db: Kysely<unknown>) {
        // Sectioned backups: the format written, the cut-off of the SQL reads, and each
        // part's rows and SHA-256 (JSON), so GET says what a backup holds without reading it.
        await db.schema.alterTable("backups").addColumn("format", "varchar(20)").execute();
        await db.schema.alterTable("backups").addColumn("cutoff_at", t.timestamp).execute();
        await db.schema.alterTable("backups").addColumn("sections", t.longText).execute();
      },
    },
  };
}
