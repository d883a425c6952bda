import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "./migrations.js";

/**
 * The foundation's own migrations (audit_log shipped inside identity's 0001). Append new
 * migrations; never edit one that has shipped.
 */
export function foundationMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
    "0008_job_messages": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("job_messages")
          .addColumn("message_id", "varchar(200)", (c) => c.primaryKey())
          .addColumn("queue", "varchar(100)", (c) => c.notNull())
          .addColumn("job_kind", "varchar(50)", (c) => c.notNull())
          .addColumn("job_id", "varchar(100)", (c) => c.notNull())
          .addColumn("body", t.longText, (c) => c.notNull())
          .addColumn("correlation_id", "varchar(200)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("ix_job_messages_created").on("job_messages").column("created_at").execute();
      },
    },
  };
}
