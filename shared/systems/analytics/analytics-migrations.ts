import { sql, type ColumnDataType, type Expression, type Kysely, type Migration } from "kysely";
import type { ColumnTypes } from "../../foundation/sql/migrations.js";

/**
 * The analytics system's migrations (names are global and ordered: the root merges every
 * system's set). Append new migrations; never edit one that has shipped.
 */
export function analyticsMigrations(t: ColumnTypes): Record<string, Migration> {
  return {
    "0015_finance_expense": {
      async up(db: Kysely<unknown>) {
        const text = (length: number) => t.unicode(length);
        await db.schema
          .createTable("finance_expense")
          .addColumn("id", t.autoId, (c) => (t.dialect === "mssql" ? c.notNull() : c.primaryKey()))
          .addColumn("posting_period", "integer", (c) => c.notNull())
          .addColumn("ledger", "varchar(50)")
          .addColumn("company_code", "varchar(10)", (c) => c.notNull())
          .addColumn("company_code_currency_key", "varchar(3)", (c) => c.notNull())
          .addColumn("company_code_currency_value_minor", "bigint", (c) => c.notNull())
          .addColumn("debit_credit_ind", "char(1)", (c) => c.notNull())
          .addColumn("amount_minor", "bigint", (c) => c.notNull())
          .addColumn("account_type", "varchar(50)")
          .addColumn("region", text(100))
          .addColumn("profit_center_id", "varchar(20)")
          .addColumn("profit_center_name", text(200))
          .addColumn("cost_center_id", "varchar(20)")
          .addColumn("cost_center_name", text(200))
          .addColumn("directorate", text(100))
          .addColumn("entity", text(100))
          .addColumn("remapping_directorate", text(100))
          .addColumn("functional_area", "varchar(50)")
          .addColumn("functional_area_name", text(200))
          .addColumn("general_ledger_account", "varchar(20)")
          .addColumn("general_ledger_account_name", text(200))
          .addColumn("general_ledger_fiscal_year", "integer", (c) => c.notNull())
          .addColumn("fund", "varchar(50)")
          .addColumn("supplier", text(400))
          .addColumn("reference", text(400))
          .addColumn("document_header_text", text(400))
          .addColumn("po_description", text(400))
          .addColumn("transaction", text(100))
          .addColumn("level_1", text(100))
          .addColumn("level_7", text(100))
          .addColumn("status", "varchar(50)")
          .addColumn("month_year", "varchar(7)", (c) => c.notNull())
          .addColumn("row_fingerprint", "varchar(64)", (c) => c.notNull())
          .addColumn("import_id", "varchar(36)")
          .addColumn("loaded_at", t.timestamp, (c) => c.notNull())
          .execute();
        // Azure SQL: the fact table is read by scans and aggregates, so a clustered
        // columnstore index holds it and the key is a nonclustered b-tree beside it.
        if (t.dialect === "mssql") {
          await sql`alter table finance_expense add constraint pk_finance_expense primary key nonclustered (id)`.execute(
            db,
          );
          await sql`create clustered columnstore index cci_finance_expense on finance_expense`.execute(db);
        }
        await db.schema
          .createIndex("ux_finance_expense_fingerprint")
          .on("finance_expense")
          .columns(["row_fingerprint"])
          .unique()
          .execute();
        await db.schema
          .createIndex("ix_finance_expense_period")
          .on("finance_expense")
          .columns(["general_ledger_fiscal_year", "posting_period"])
          .execute();
        await db.schema
          .createIndex("ix_finance_expense_cost_center")
          .on("finance_expense")
          .columns(["cost_center_id", "directorate"])
          .execute();
        await db.schema
          .createIndex("ix_finance_expense_functional_area")
          .on("finance_expense")
          .columns(["functional_area", "amount_minor"])
          .execute();
        await db.schema.createIndex("ix_finance_expense_import").on("finance_expense").columns(["import_id"]).execute();
      },
    },

    "0020_analytics_chat": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("chat_rooms")
          .addColumn("room_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("user_id", "varchar(36)", (c) => c.notNull())
          .addColumn("title", t.unicode(200), (c) => c.notNull())
          .addColumn("context_json", t.longText)
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema.createIndex("ix_chat_rooms_user").on("chat_rooms").columns(["user_id", "updated_at"]).execute();
        await db.schema
          .createTable("chat_messages")
          .addColumn("message_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("room_id", "varchar(36)", (c) => c.notNull())
          .addColumn("seq", "integer", (c) => c.notNull())
          .addColumn("message_type", "varchar(4)", (c) => c.notNull())
          .addColumn("content", t.longText, (c) => c.notNull())
          .addColumn("intent", "varchar(20)")
          .addColumn("query_json", t.longText)
          .addColumn("chart_json", t.longText)
          .addColumn("summary_json", t.longText)
          .addColumn("timestamp", t.timestamp, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex("ux_chat_messages_room_seq")
          .on("chat_messages")
          .columns(["room_id", "seq"])
          .unique()
          .execute();
      },
    },

    // Numbered after every shipped migration: Kysely refuses one that sorts before an applied one.
    "0022_expense_imports": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("expense_imports")
          .addColumn("import_id", "varchar(36)", (c) => c.primaryKey())
          .addColumn("file_name", t.unicode(255), (c) => c.notNull())
          .addColumn("blob_name", "varchar(300)", (c) => c.notNull())
          .addColumn("format", "varchar(8)", (c) => c.notNull())
          .addColumn("size_bytes", "bigint", (c) => c.notNull())
          .addColumn("mapping_json", t.longText, (c) => c.notNull())
          .addColumn("status", "varchar(20)", (c) => c.notNull())
          .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("rows_read", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("total_rows", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("valid_rows", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("inserted_rows", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("duplicate_rows", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("error_rows", "integer", (c) => c.notNull().defaultTo(0))
          .addColumn("errors_json", t.longText)
          .addColumn("error_message", t.unicode(2000))
          .addColumn("user_id", "varchar(36)")
          .addColumn("created_at", t.timestamp, (c) => c.notNull())
          .addColumn("started_at", t.timestamp)
          .addColumn("updated_at", t.timestamp, (c) => c.notNull())
          .addColumn("completed_at", t.timestamp)
          .execute();
        await db.schema
          .createIndex("ix_expense_imports_created")
          .on("expense_imports")
          .columns(["created_at"])
          .execute();
      },
    },

    // The EDA routes scanned the whole 630 MB fact table (17 s for the summary at 1M rows):
    // its sums per period and dimension are ~12x fewer rows and answer the same exactly.
    // The dimension columns are listed here, not imported, so this migration never changes.
    "0024_finance_expense_cells": {
      async up(db: Kysely<unknown>) {
        const text = (length: number) => t.unicode(length);
        const dimensions: [string, ColumnDataType | Expression<unknown>, boolean][] = [
          ["ledger", "varchar(50)", false],
          ["company_code", "varchar(10)", true],
          ["company_code_currency_key", "varchar(3)", true],
          ["account_type", "varchar(50)", false],
          ["region", text(100), false],
          ["profit_center_id", "varchar(20)", false],
          ["profit_center_name", text(200), false],
          ["cost_center_id", "varchar(20)", false],
          ["cost_center_name", text(200), false],
          ["directorate", text(100), false],
          ["entity", text(100), false],
          ["remapping_directorate", text(100), false],
          ["functional_area", "varchar(50)", false],
          ["functional_area_name", text(200), false],
          ["general_ledger_account", "varchar(20)", false],
          ["general_ledger_account_name", text(200), false],
          ["fund", "varchar(50)", false],
          ["supplier", text(400), false],
          ["transaction", text(100), false],
          ["level_1", text(100), false],
          ["level_7", text(100), false],
          ["status", "varchar(50)", false],
        ];
        let table = db.schema
          .createTable("finance_expense_cells")
          .addColumn("id", t.autoId, (c) => (t.dialect === "mssql" ? c.notNull() : c.primaryKey()))
          .addColumn("general_ledger_fiscal_year", "integer", (c) => c.notNull())
          .addColumn("posting_period", "integer", (c) => c.notNull());
        for (const [name, type, required] of dimensions)
          table = table.addColumn(name, type, (c) => (required ? c.notNull() : c));
        await table
          .addColumn("row_count", "integer", (c) => c.notNull())
          .addColumn("amount_minor", "bigint", (c) => c.notNull())
          .addColumn("debit_minor", "bigint", (c) => c.notNull())
          .addColumn("credit_minor", "bigint", (c) => c.notNull())
          .execute();
        if (t.dialect === "mssql") {
          await sql`alter table finance_expense_cells add constraint pk_finance_expense_cells primary key nonclustered (id)`.execute(
            db,
          );
          await sql`create clustered columnstore index cci_finance_expense_cells on finance_expense_cells`.execute(db);
        }
        await db.schema
          .createIndex("ix_finance_expense_cells_period")
          .on("finance_expense_cells")
          .columns(["general_ledger_fiscal_year", "posting_period"])
          .execute();
        // Possible duplicates share a reference: the summary groups only rows whose
        // reference occurs twice, found on this narrow index instead of the table.
        await db.schema
          .createIndex("ix_finance_expense_reference")
          .on("finance_expense")
          .columns(["reference"])
          .execute();
        const key = sql.join([
          sql.ref("general_ledger_fiscal_year"),
          sql.ref("posting_period"),
          ...dimensions.map(([name]) => sql.ref(name)),
        ]);
        await sql`insert into finance_expense_cells (${key}, row_count, amount_minor, debit_minor, credit_minor)
          select ${key}, count(*), sum(amount_minor),
            sum(case when amount_minor > 0 then amount_minor else 0 end),
            sum(case when amount_minor < 0 then amount_minor else 0 end)
          from finance_expense group by ${key}`.execute(db);
      },
    },

    // Fingerprints shortened to SHA-256's first 128 bits (32 hex characters): the unique
    // index every imported row is inserted into at a random place is half as wide, so an
    // import's commits write half as many of its pages (docs/benchmarks.md). The column
    // keeps its type; a prefix of distinct digests stays distinct in practice (a collision
    // among 10^12 rows has odds below 10^-14).
    "0027_expense_fingerprint_128": {
      async up(db: Kysely<unknown>) {
        await sql`update finance_expense set row_fingerprint = substring(row_fingerprint, 1, 32)`.execute(db);
      },
    },
  };
}
