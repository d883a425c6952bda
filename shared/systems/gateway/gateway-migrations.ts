import type { Kysely, Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The gateway system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function gatewayMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
    "0002_projects": {
      async up(db: Kysely<unknown>) {
        // Seed 000's extended project entity; SAP stays the source of truth for the rest.
        await db.schema
          .createTable("projects")
          .addColumn("project_id", "varchar(50)", (c) => c.primaryKey())
          .addColumn("sap_project_code", "varchar(50)", (c) => c.notNull())
          .addColumn("project_name", t.unicode(200))
          .addColumn("status", "varchar(20)")
          .addColumn("custom_field_1", t.unicode(100))
          .addColumn("custom_field_2", t.unicode(100))
          // The cost total as recorded on the SQL side, cross-checked against SAP's.
          .addColumn("total_cost_minor", "bigint")
          .addColumn("cost_currency", "varchar(3)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
          .execute();
        await db.schema.createIndex("ix_projects_updated_at").on("projects").column("updated_at").execute();
      },
    },
  };
}
