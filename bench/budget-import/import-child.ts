// One measurement of the budget-import benchmark, in its own process so its peak RSS is its own:
// `node import-child.js <bare|ours> <rows> <csv file>`; sends one ImportChildResult over IPC and exits.
//   ours: the real local host (its own SQLite file, Azurite): POST /v1/excel/analyze with the
//         file, POST /v1/excel/import (queued), GET the status link until it is completed.
//   bare: csv-parse over the same file + one prepared INSERT per row in one transaction.
import { createReadStream, openAsBlob, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse";
import { apiClient, loginAs, startTestHost, tokenFor } from "../../tests/support/test-host.js";
import { reportToParent } from "../lib/child.js";
import { processMemoryBytes } from "../lib/process-memory.js";

export interface ImportChildResult {
  readonly target: "bare" | "ours";
  readonly rows: number;
  /** From the upload's first byte (ours) or the file's open (bare) to the commit. */
  readonly ms: number;
  /** Of ours: the upload and analyze answered. */
  readonly analyzeMs: number;
  /** VmHWM at the end: the kernel's peak resident set size of this process. */
  readonly peakRssBytes: number;
  /** RSS once everything is loaded, before the first byte. */
  readonly startRssBytes: number;
  readonly committedLines: number;
}

const MAPPINGS = [
  { sourceColumn: "Department", targetField: "department" },
  { sourceColumn: "Category", targetField: "subCategory" },
  { sourceColumn: "Period", targetField: "fiscalPeriod" },
  { sourceColumn: "Cost center", targetField: "costCenter" },
  { sourceColumn: "Amount", targetField: "budgetedAmount" },
  { sourceColumn: "Currency", targetField: "currency" },
];

async function ours(rows: number, file: string): Promise<ImportChildResult> {
  const host = await startTestHost(
    {
      ENABLED_SYSTEMS: "identity,budgets",
      LOG_LEVEL: "error",
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_BURST: "100000",
      BUDGETS_MAX_ROWS: "1000000",
      BUDGETS_MAX_FILE_BYTES: String(200 * 1024 * 1024),
    },
    { queuePollMs: 20, timers: false },
  );
  try {
    const call = apiClient(host.url);
    const admin = await loginAs(call);
    const token = await tokenFor(call, admin, "bench-finance", ["finance"]);
    const me = (await call("GET", "/api/v1/auth/me", { token })).body.data;
    const db = host.platform.database.db;
    const now = new Date().toISOString();
    await db.insertInto("customers").values({ customer_id: "bench", name: "Bench", created_at: now }).execute();
    await db
      .insertInto("customer_users")
      .values({ customer_id: "bench", user_id: me.id ?? me.user_id, created_at: now })
      .execute();
    const startRssBytes = processMemoryBytes("VmRSS");

    const started = performance.now();
    const form = new FormData();
    form.append("customerId", "bench");
    form.append("file", await openAsBlob(file, { type: "text/csv" }), "budget.csv");
    const analyzed = await fetch(`${host.url}/api/v1/excel/analyze`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const analysis = (await analyzed.json()) as { data: { fileId: string } };
    if (analyzed.status !== 200) throw new Error(`analyze answered ${analyzed.status}: ${JSON.stringify(analysis)}`);
    const analyzeMs = performance.now() - started;
    const imported = await call("POST", "/api/v1/excel/import", {
      token,
      body: { customerId: "bench", fileId: analysis.data.fileId, mappings: MAPPINGS },
    });
    if (imported.status !== 202)
      throw new Error(`import answered ${imported.status}: ${JSON.stringify(imported.body)}`);
    let view = imported.body.data;
    while (view.status === "queued" || view.status === "processing") {
      await new Promise((r) => setTimeout(r, 50));
      // SQLite's synchronous commit can hold the loop past the keep-alive timeout: a reset poll is retried.
      view = await call("GET", view.statusUrl, { token }).then(
        (r) => r.body.data,
        () => view,
      );
    }
    const ms = performance.now() - started;
    if (view.status !== "completed") throw new Error(`the import ended ${view.status}: ${JSON.stringify(view)}`);
    const count = await db
      .selectFrom("budgets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("customer_id", "=", "bench")
      .executeTakeFirstOrThrow();
    return {
      target: "ours",
      rows,
      ms,
      analyzeMs,
      peakRssBytes: processMemoryBytes("VmHWM"),
      startRssBytes,
      committedLines: Number(count.n),
    };
  } finally {
    await host.stop();
  }
}

/** The baseline: the same CSV library and SQLite driver, one prepared INSERT per row, one transaction. */
async function bare(rows: number, file: string): Promise<ImportChildResult> {
  const dir = mkdtempSync(join(tmpdir(), "fip-bench-bare-"));
  try {
    const db = new Database(join(dir, "bare.sqlite"));
    db.pragma("journal_mode = WAL");
    db.exec(`create table budgets (budget_id varchar(36) primary key, customer_id varchar(64) not null,
      department text not null, sub_category text not null, fiscal_period varchar(40) not null,
      cost_center text not null, currency varchar(3) not null, budgeted_minor bigint not null)`);
    const insert = db.prepare("insert into budgets values (?, ?, ?, ?, ?, ?, ?, ?)");
    const startRssBytes = processMemoryBytes("VmRSS");
    const started = performance.now();
    db.exec("begin");
    let n = 0;
    for await (const record of createReadStream(file).pipe(parse({ from_line: 2 })) as AsyncIterable<string[]>) {
      const [department, category, period, costCenter, amount, currency] = record;
      insert.run(
        crypto.randomUUID(),
        "bench",
        department,
        category,
        period,
        costCenter,
        currency,
        BigInt(amount!.replace(".", "")),
      );
      n++;
    }
    db.exec("commit");
    const ms = performance.now() - started;
    db.close();
    return {
      target: "bare",
      rows,
      ms,
      analyzeMs: 0,
      peakRssBytes: processMemoryBytes("VmHWM"),
      startRssBytes,
      committedLines: n,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [target, rows, file] = process.argv.slice(2);
reportToParent(() => (target === "ours" ? ours : bare)(Number(rows), file!));
