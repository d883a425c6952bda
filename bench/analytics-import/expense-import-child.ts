// One measurement of the analytics-import benchmark, in its own process so its peak RSS is its
// own: `node expense-import-child.js <bare|ours> <rows> <csv file>`; sends one result over IPC.
//   ours: the real local host (its own SQLite file, Azurite): POST /v1/finance/expenses/imports
//         with the file (queued), GET the status link until it is completed.
//   bare: csv-parse over the same file + one prepared INSERT per row in one transaction.
import { createReadStream, mkdtempSync, openAsBlob, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse";
import { apiClient, loginAs, startTestHost } from "../../tests/support/test-host.js";
import { reportToParent } from "../lib/child.js";
import { processMemoryBytes } from "../lib/process-memory.js";

export interface ExpenseImportChildResult {
  readonly target: "bare" | "ours";
  readonly rows: number;
  /** From the upload's first byte (ours) or the file's open (bare) to the last row stored. */
  readonly ms: number;
  /** VmHWM at the end: the kernel's peak resident set size of this process. */
  readonly peakRssBytes: number;
  readonly storedRows: number;
}

async function ours(rows: number, file: string): Promise<ExpenseImportChildResult> {
  const host = await startTestHost(
    {
      ENABLED_SYSTEMS: "identity,budgets,analytics",
      LOG_LEVEL: "error",
      ANALYTICS_SEED_ROWS: "0",
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_BURST: "100000",
      ANALYTICS_IMPORT_MAX_FILE_BYTES: String(300 * 1024 * 1024),
    },
    { queuePollMs: 20, timers: false },
  );
  try {
    const call = apiClient(host.url);
    const token = await loginAs(call);
    const started = performance.now();
    const form = new FormData();
    form.append("file", await openAsBlob(file, { type: "text/csv" }), "expenses.csv");
    const answer = await fetch(`${host.url}/api/v1/finance/expenses/imports`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await answer.json()) as { data: { status: string; statusUrl: string } };
    if (answer.status !== 202) throw new Error(`the upload answered ${answer.status}: ${JSON.stringify(body)}`);
    let view: { status: string; statusUrl: string; stats?: { inserted: number } } = body.data;
    while (view.status === "queued" || view.status === "processing") {
      await new Promise((r) => setTimeout(r, 100));
      // A long SQLite transaction can hold the loop past the keep-alive timeout: a reset poll is retried.
      view = await call("GET", body.data.statusUrl, { token }).then(
        (r) => r.body.data,
        () => view,
      );
    }
    const ms = performance.now() - started;
    if (view.status !== "completed") throw new Error(`the import ended ${view.status}: ${JSON.stringify(view)}`);
    return { target: "ours", rows, ms, peakRssBytes: processMemoryBytes("VmHWM"), storedRows: view.stats!.inserted };
  } finally {
    await host.stop();
  }
}

/** The baseline: the same CSV library and SQLite driver, one prepared INSERT per row, one transaction. */
async function bare(rows: number, file: string): Promise<ExpenseImportChildResult> {
  const dir = mkdtempSync(join(tmpdir(), "fip-bench-bare-expense-"));
  try {
    const db = new Database(join(dir, "bare.sqlite"));
    db.pragma("journal_mode = WAL");
    db.exec(`create table finance_expense (id integer primary key, posting_period integer not null,
      general_ledger_fiscal_year integer not null, company_code varchar(10) not null,
      currency varchar(3) not null, value_minor bigint not null, debit_credit_ind char(1) not null,
      cost_center_id varchar(20), general_ledger_account varchar(20), supplier text, reference text)`);
    const insert = db.prepare("insert into finance_expense values (null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const started = performance.now();
    db.exec("begin");
    let n = 0;
    for await (const record of createReadStream(file).pipe(parse({ from_line: 2 })) as AsyncIterable<string[]>) {
      const [period, year, company, currency, amount, dc, costCenter, account, supplier, reference] = record;
      insert.run(
        Number(period),
        Number(year),
        company,
        currency,
        BigInt(amount!.replace(".", "")),
        dc,
        costCenter,
        account,
        supplier,
        reference,
      );
      n++;
    }
    db.exec("commit");
    const ms = performance.now() - started;
    db.close();
    return { target: "bare", rows, ms, peakRssBytes: processMemoryBytes("VmHWM"), storedRows: n };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [target, rows, file] = process.argv.slice(2);
reportToParent(() => (target === "ours" ? ours : bare)(Number(rows), file!));
