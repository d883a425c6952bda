import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The budgets system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function budgetsMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
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
  };
}
