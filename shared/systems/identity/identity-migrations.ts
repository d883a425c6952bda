import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The identity system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 *
 * 0001 also created the foundation's audit_log table; it shipped that way and stays.
 */
export function identityMigrations(t: ColumnTypes): Record<string, Migration> {
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
    "0009_sessions_valid_after": {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable("users").addColumn("sessions_valid_after", t.timestamp).execute();
      },
    },
  };
}
