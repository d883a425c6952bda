import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/** Webhook endpoints, their deliveries (outbox and log) and alert memory (issue #19). */
export function budgetWebhookMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
    "0017_budget_webhooks": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("budget_webhooks")
          .addColumn("webhook_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("url", t.unicode(2048), (c) => c.notNull())
          .addColumn("events", "varchar(200)", (c) => c.notNull())
          .addColumn("secret_name", "varchar(127)", (c) => c.notNull())
          .addColumn("description", t.unicode(200))
          .addColumn("created_by", "varchar(36)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ix_budget_webhooks_customer")
          .on("budget_webhooks")
          .columns(["customer_id", "created_at"])
          .execute();

        await db.schema
          .createTable("budget_webhook_deliveries")
          .addColumn("delivery_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("webhook_id", "varchar(36)", (c) => c.notNull())
          .addColumn("customer_id", "varchar(64)", (c) => c.notNull())
          .addColumn("event", "varchar(60)", (c) => c.notNull())
          .addColumn("url", t.unicode(2048), (c) => c.notNull())
          .addColumn("payload", t.longText, (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull())
          .addColumn("outcome", "varchar(20)", (c) => c.notNull())
          .addColumn("last_status", "integer")
          .addColumn("last_error", t.unicode(500))
          .addColumn("next_retry_at", t.timestamp)
          .addColumn("leased_until", t.timestamp)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("finished_at", t.timestamp)
          .execute();
        await db.schema
          .createIndex("ix_budget_webhook_deliveries_customer")
          .on("budget_webhook_deliveries")
          .columns(["customer_id", "created_at"])
          .execute();

        await db.schema
          .createTable("budget_alerts")
          .addColumn("alert_key", "varchar(100)", (c) => c.primaryKey())
          .addColumn("raised_at", t.timestamp, (c) => c.notNull())
          .execute();
        // Recent finished imports are counted for the failure-rate alert.
        await db.schema
          .createIndex("ix_budget_imports_completed")
          .on("budget_imports")
          .columns(["completed_at", "status"])
          .execute();
      },
    },
  };
}
