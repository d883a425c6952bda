import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MIGRATIONS } from "../../../shared/catalog.js";
import { openSqliteDatabase } from "../../../shared/foundation/sql/database.js";
import type { MigrationSet } from "../../../shared/foundation/sql/migrations.js";
import {
  EXPENSE_LINE_FIELDS,
  expenseFingerprint,
  toExpenseRow,
  type AnalyticsTables,
  type ExpenseLine,
} from "../../../shared/systems/analytics/index.js";
import { EXPENSE_ROW_COLUMNS } from "../../../shared/systems/analytics/expense-line.js";
import { expenseChunkWriter } from "../../../shared/systems/analytics/expense-repository.js";

/** Every migration before 0027: a database as the previous release left it. */
const BEFORE_0027: readonly MigrationSet[] = MIGRATIONS.map(
  (set) => (t) => Object.fromEntries(Object.entries(set(t)).filter(([name]) => name < "0027")),
);

const line = (reference: string): ExpenseLine => ({
  ...(Object.fromEntries(EXPENSE_LINE_FIELDS.map((f) => [f, null])) as unknown as ExpenseLine),
  posting_period: 3,
  general_ledger_fiscal_year: 2025,
  company_code: "BE01",
  company_code_currency_key: "EUR",
  company_code_currency_value_minor: 12_345,
  debit_credit_ind: "S",
  reference,
});

/** What the previous release stored: the whole SHA-256 in hex. */
const fullSha256 = (l: ExpenseLine) =>
  createHash("sha256")
    .update(JSON.stringify(EXPENSE_LINE_FIELDS.map((f) => l[f] ?? null)))
    .digest("hex");

describe("migration 0027: expense fingerprints shortened to 128 bits", () => {
  const dir = mkdtempSync(join(tmpdir(), "fingerprint-0027-"));
  const file = join(dir, "platform.sqlite");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("rewrites stored fingerprints to what imports now compute, so a re-import still adds nothing", async () => {
    const stored = [line("DOC-1"), line("DOC-2")];
    const old = await openSqliteDatabase<AnalyticsTables>(file, BEFORE_0027);
    await old.db
      .insertInto("finance_expense")
      .values(
        stored.map((l) => ({
          ...toExpenseRow(l, { importId: null, loadedAt: "2025-01-01T00:00:00Z" }),
          row_fingerprint: fullSha256(l),
        })),
      )
      .execute();
    await old.close();

    const now = await openSqliteDatabase<AnalyticsTables>(file, MIGRATIONS);
    const db = now.db;
    const rows = await db
      .selectFrom("finance_expense")
      .select(["reference", "row_fingerprint"])
      .orderBy("id")
      .execute();
    assert.deepEqual(
      rows.map((r) => r.row_fingerprint),
      stored.map(expenseFingerprint),
    );
    assert.deepEqual(
      rows.map((r) => r.row_fingerprint),
      stored.map((l) => fullSha256(l).slice(0, 32)),
    );
    // The same two lines imported again, beside a new one: only the new one is added.
    const fresh = [...stored, line("DOC-3")].map((l) =>
      toExpenseRow(l, { importId: "again", loadedAt: "2026-01-01T00:00:00Z" }),
    );
    const values = fresh.flatMap((row) => EXPENSE_ROW_COLUMNS.map((c) => row[c]));
    const result = await expenseChunkWriter("sqlite")(db, EXPENSE_ROW_COLUMNS, values);
    assert.equal(result.added, 1);
    const count = await db
      .selectFrom("finance_expense")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 3);
    await now.close();
  });
});
