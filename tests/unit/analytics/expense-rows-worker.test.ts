import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { describe, it } from "node:test";
import { DEFAULT_TABULAR_LIMITS } from "../../../shared/foundation/tabular/index.js";
import { ValidationError } from "../../../shared/kernel/errors.js";
import {
  prepareExpenseBatches,
  type ExpenseRowsJob,
  type PreparedExpenseBatch,
} from "../../../shared/systems/analytics/expense-import-rows.js";
import { prepareExpenseBatchesInWorker } from "../../../shared/systems/analytics/expense-rows-thread.js";

const HEADERS = [
  "Posting Period",
  "Fiscal Year",
  "Company Code",
  "Currency",
  "Amount",
  "D/C",
  "Cost Center",
  "Reference",
];
const TARGETS = [
  "posting_period",
  "general_ledger_fiscal_year",
  "company_code",
  "company_code_currency_key",
  "company_code_currency_value",
  "debit_credit_ind",
  "cost_center_id",
  "reference",
];

const job = (overrides: Partial<ExpenseRowsJob> = {}): ExpenseRowsJob => ({
  format: "csv",
  fileName: "expenses.csv",
  limits: DEFAULT_TABULAR_LIMITS,
  mappings: HEADERS.map((sourceColumn, at) => ({ sourceColumn, targetField: TARGETS[at]! })),
  importId: "imp-1",
  loadedAt: "2026-01-02T03:04:05.000Z",
  batchRows: 1_000,
  chunkRows: 300,
  keptErrors: 5,
  ...overrides,
});

/** `lines` rows; every 250th has a period out of range. */
function csv(lines: number): string {
  const rows = [HEADERS.join(",")];
  for (let i = 0; i < lines; i++)
    rows.push(
      `${i % 250 === 0 ? 17 : (i % 12) + 1},2025,BE01,EUR,${100 + (i % 97)}.${String(i % 100).padStart(2, "0")},S,CC${i % 7},DOC-${i}`,
    );
  return rows.join("\n");
}

/** The file in 16 KB pieces, as a download streams it. */
function file(text: string): Readable {
  const bytes = Buffer.from(text);
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 16_384) yield bytes.subarray(at, at + 16_384);
    })(),
  );
}

async function all(batches: AsyncIterable<PreparedExpenseBatch>): Promise<PreparedExpenseBatch[]> {
  const out: PreparedExpenseBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

describe("expense rows prepared on a worker thread", () => {
  it("gives exactly the batches the importing thread would prepare itself", async () => {
    const text = csv(4_500);
    const inWorker = await all(prepareExpenseBatchesInWorker(file(text), job()));
    assert.deepEqual(inWorker, await all(prepareExpenseBatches(file(text), job())));
    // A batch per 1,000 rows read, the last one with the totals; chunks of at most 300 rows.
    assert.deepEqual(
      inWorker.map((b) => [b.rowsRead, b.rows]),
      [
        [1_000, 996],
        [2_000, 996],
        [3_000, 996],
        [4_000, 996],
        [4_500, 498],
      ],
    );
    const last = inWorker.at(-1)!;
    assert.deepEqual([last.validRows, last.errorRows], [4_482, 18]);
    assert.equal(inWorker.flatMap((b) => b.errors).length, 5, "errors kept up to keptErrors, all counted");
    const first = inWorker[0]!;
    assert.ok(first.chunks.every((values) => values.length <= 300 * first.columns.length));
    // Only the mapped text columns travel: the others stay null in the table.
    assert.ok(first.columns.includes("reference") && !first.columns.includes("supplier"));
    const row = Object.fromEntries(first.columns.map((column, at) => [column, first.chunks[0]![at]]));
    assert.equal(row.posting_period, 2);
    assert.equal(row.amount_minor, 10_101);
    assert.equal(row.import_id, "imp-1");
    assert.match(String(row.row_fingerprint), /^[0-9a-f]{32}$/);
  });

  it("fails with the reader's message when the file breaks mid-way", async () => {
    const broken = `${csv(3_000)}\n1,2025,BE01,EUR,"1.00,S,CC1,DOC-x\n`;
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const batch of prepareExpenseBatchesInWorker(file(broken), job())) seen.push(batch.rowsRead);
      })(),
      /quote/i,
    );
    // Whatever was prepared before the break came in order; the failure ends the loop.
    assert.deepEqual(seen, [1_000, 2_000, 3_000].slice(0, seen.length));
  });

  it("refuses a mapping naming a column the file lacks, before any row", async () => {
    const mappings = [...job().mappings, { sourceColumn: "Supplier", targetField: "supplier" }];
    await assert.rejects(all(prepareExpenseBatchesInWorker(file(csv(10)), job({ mappings }))), (error) => {
      assert.ok(error instanceof ValidationError);
      assert.match(JSON.stringify(error.issues), /Supplier/);
      return true;
    });
  });

  it("leaving the loop early stops the worker and closes the file (no batch is waited for)", async () => {
    // A file still downloading: its first 20,000 rows (past the reader's 256 KB sniffing
    // head) have come, the rest never will.
    const input = new PassThrough();
    input.write(csv(20_000));
    for await (const batch of prepareExpenseBatchesInWorker(input, job())) {
      assert.equal(batch.rowsRead, 1_000);
      assert.equal(input.destroyed, false);
      break;
    }
    // The generator's cleanup awaits the worker's termination, then closes the file: a
    // closed file after the loop means the worker was stopped, not left waiting for more.
    assert.equal(input.destroyed, true);
  });
});
