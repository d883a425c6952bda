import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { readAzuriteConfig, startAzurite } from "../../../local/azurite.js";
import { killGroup, prepareHostFolder, startHostProcess } from "../../support/host-process.js";
import { apiClient, freePort, tempDir } from "../../support/test-host.js";

const LINES = 60_000;
const MAPPINGS = [
  { sourceColumn: "Department", targetField: "department" },
  { sourceColumn: "Category", targetField: "subCategory" },
  { sourceColumn: "Period", targetField: "fiscalPeriod" },
  { sourceColumn: "Amount", targetField: "budgetedAmount" },
  { sourceColumn: "Currency", targetField: "currency" },
];
const ENV: Record<string, string> = {
  ENABLED_SYSTEMS: "identity,budgets",
  RATE_LIMIT_PER_MINUTE: "100000",
  RATE_LIMIT_BURST: "10000",
  BUDGET_WEBHOOK_ACME: "acme-webhook-secret-0123456789abcdef",
  BUDGET_WEBHOOK_GLOBEX: "globex-webhook-secret-0123456789abc",
};

const amountOf = (i: number) => 1000 + i;
const lineOf = (i: number) => ({ department: `Dept ${i % 50}`, subCategory: `Cat ${Math.floor(i / 50)}` });

/** A budget file far over the queued-import threshold (1 MiB): it runs as a job. */
function budgetCsv(): Buffer {
  const rows = ["Department,Category,Period,Amount,Currency"];
  for (let i = 0; i < LINES; i++) {
    const { department, subCategory } = lineOf(i);
    rows.push(`${department},${subCategory},2026-01,${amountOf(i)}.50,EUR`);
  }
  return Buffer.from(rows.join("\n"));
}

interface ImportState {
  status: string;
  attempts: number;
  rows_read: number;
  rows_staged: number;
}

/**
 * The host as `npm start` runs it, killed (SIGKILL to its process group: the host and its
 * own child processes at once) while a large queued import is under way, then started again
 * on the same data folder. Blob storage runs outside the host, as it does in Azure (an
 * Azurite killed with the host may lose its last writes, which Azure Storage never does). The dead delivery's message comes back when its lock runs out (a minute; the
 * test moves it there at once), and the import must end exactly as if nothing had happened.
 */
describe("a queued budget import whose host is killed", () => {
  it("finishes exactly once after a restart, whether killed mid-staging or after staging before the commit", async () => {
    const dir = tempDir();
    await prepareHostFolder(dir.path);
    const dbPath = join(dir.path, "data", "platform.sqlite");
    const azurite = await startAzurite({
      ...readAzuriteConfig(),
      blobPort: await freePort(),
      location: join(dir.path, "azurite"),
    });
    ENV.BLOB_CONNECTION_STRING = azurite.connectionString;
    let host = await startHostProcess(dir.path, ENV);
    let call = apiClient(host.url);
    const login = async () =>
      (await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } })).body
        .data.access_token as string;
    let token = await login();
    const file = budgetCsv();

    async function startImport(customerId: string): Promise<string> {
      const form = new FormData();
      form.append("customerId", customerId);
      form.append("file", new Blob([new Uint8Array(file)], { type: "text/csv" }), "budget.csv");
      const analyzed = await fetch(`${host.url}/api/v1/excel/analyze`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      const analysis = ((await analyzed.json()) as { data: { fileId: string; totalRows: number } }).data;
      assert.equal(analyzed.status, 200, JSON.stringify(analysis));
      assert.equal(analysis.totalRows, LINES);
      const r = await call("POST", "/api/v1/excel/import", {
        token,
        body: { customerId, fileId: analysis.fileId, mappings: MAPPINGS },
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      return r.body.data.importId as string;
    }

    /** Polls the import's row in the host's database (WAL: readable while the host writes). */
    async function waitFor(importId: string, until: (s: ImportState) => boolean, what: string): Promise<ImportState> {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        const read = db.prepare(
          "SELECT status, attempts, rows_read, rows_staged FROM budget_imports WHERE import_id = ?",
        );
        for (const deadline = Date.now() + 120_000; ;) {
          const state = read.get(importId) as ImportState;
          if (until(state)) return state;
          if (state.status !== "queued" && state.status !== "processing")
            assert.fail(`the import ended before ${what}: ${JSON.stringify(state)}`);
          if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(state)}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      } finally {
        db.close();
      }
    }

    /** The dead process's lease on the message runs out: the next host gets it at once. */
    function expireLocks(): void {
      const db = new Database(dbPath);
      try {
        db.prepare("UPDATE local_queue_messages SET locked_until = 0 WHERE locked_until IS NOT NULL").run();
      } finally {
        db.close();
      }
    }

    async function restart(): Promise<void> {
      expireLocks();
      host = await startHostProcess(dir.path, ENV);
      call = apiClient(host.url);
      token = await login();
    }

    async function finished(customerId: string, importId: string) {
      for (const deadline = Date.now() + 120_000; ;) {
        const view = (await call("GET", `/api/v1/imports/${importId}?customerId=${customerId}`, { token })).body.data;
        if (view.status !== "queued" && view.status !== "processing") return view;
        if (Date.now() > deadline) assert.fail(`the import did not finish: ${JSON.stringify(view)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    /** Every line of the file once with its amount; one completion in the webhook outbox. */
    async function assertImportedOnce(customerId: string, importId: string): Promise<void> {
      const view = await finished(customerId, importId);
      if (view.status !== "completed") {
        const db = new Database(dbPath, { readonly: true });
        const row = db.prepare("SELECT error_message, attempts FROM budget_imports WHERE import_id = ?").get(importId);
        db.close();
        assert.fail(`the import ended ${view.status}: ${JSON.stringify(row)}\n${host.output().slice(-3000)}`);
      }
      assert.deepEqual(view.stats, { totalRows: LINES, successRows: LINES, errorRows: 0 });
      assert.deepEqual(view.progress, { rowsRead: LINES, rowsStaged: LINES, totalRows: LINES, percent: 100 });
      assert.equal(view.imported, LINES);
      const db = new Database(dbPath, { readonly: true });
      try {
        const lines = db
          .prepare(
            "SELECT department, sub_category, fiscal_period, budgeted_minor, import_id FROM budgets WHERE customer_id = ? AND removed_at IS NULL",
          )
          .all(customerId) as {
          department: string;
          sub_category: string;
          fiscal_period: string;
          budgeted_minor: string | number;
          import_id: string;
        }[];
        assert.equal(lines.length, LINES, "no line doubled, none missing");
        const byKey = new Map(lines.map((l) => [`${l.department}|${l.sub_category}|${l.fiscal_period}`, l]));
        assert.equal(byKey.size, LINES);
        for (let i = 0; i < LINES; i++) {
          const { department, subCategory } = lineOf(i);
          const line = byKey.get(`${department}|${subCategory}|2026-01`);
          assert.equal(String(line?.budgeted_minor), `${amountOf(i)}50`, `line ${i + 1} as in the file`);
          assert.equal(line?.import_id, importId);
        }
        const completions = db
          .prepare(
            "SELECT count(*) AS n FROM budget_webhook_deliveries WHERE customer_id = ? AND event = ? AND payload LIKE ?",
          )
          .get(customerId, "budget.import.completed", `%${importId}%`) as { n: number };
        assert.equal(completions.n, 1, "one completion in the webhook outbox");
        const failures = db
          .prepare("SELECT count(*) AS n FROM budget_webhook_deliveries WHERE customer_id = ? AND event = ?")
          .get(customerId, "budget.import.failed") as { n: number };
        assert.equal(failures.n, 0);
        const { attempts } = db.prepare("SELECT attempts FROM budget_imports WHERE import_id = ?").get(importId) as {
          attempts: number;
        };
        assert.equal(attempts, 2, "the killed delivery, then the one after the restart");
      } finally {
        db.close();
      }
    }

    function countLines(customerId: string): number {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM budgets WHERE customer_id = ?").get(customerId) as { n: number })
          .n;
      } finally {
        db.close();
      }
    }

    const freeze = (child: ChildProcess) => process.kill(-child.pid!, "SIGSTOP");

    try {
      const receiver = (await call("GET", "/api/local/simulators/webhook-receiver", { token })).body.data.url;
      for (const [customerId, name] of [
        ["acme", "ACME"],
        ["globex", "Globex"],
      ] as const) {
        assert.equal((await call("POST", "/api/v1/customers", { token, body: { customerId, name } })).status, 201);
        const hook = await call("POST", "/api/v1/webhooks", {
          token,
          body: { customerId, url: `${receiver}/hooks/${customerId}` },
        });
        assert.equal(hook.status, 201, JSON.stringify(hook.body));
      }

      // 1. Killed mid-staging: some batches staged, the budget not yet touched.
      const first = await startImport("acme");
      const midway = await waitFor(
        first,
        (s) => s.status === "processing" && s.rows_staged > 0 && s.rows_staged < LINES / 2,
        "staging to be under way",
      );
      await killGroup(host.child);
      assert.equal(midway.attempts, 1);
      assert.equal(countLines("acme"), 0, "nothing committed at the kill");
      await restart();
      await assertImportedOnce("acme", first);

      // 2. Killed after staging, before the commit: every row staged, the import still
      // processing. The host is frozen at that moment (SIGSTOP) so the state is certain,
      // then killed.
      const second = await startImport("globex");
      const staged = await waitFor(
        second,
        (s) => s.status === "processing" && s.rows_read === LINES && s.rows_staged === LINES,
        "every row to be staged",
      );
      freeze(host.child);
      const db = new Database(dbPath, { readonly: true });
      const atKill = db.prepare("SELECT status FROM budget_imports WHERE import_id = ?").get(second) as {
        status: string;
      };
      db.close();
      assert.equal(atKill.status, "processing", "frozen before the commit");
      assert.equal(countLines("globex"), 0, "nothing committed at the kill");
      await killGroup(host.child);
      assert.equal(staged.attempts, 1);
      await restart();
      await assertImportedOnce("globex", second);
      // The first customer's import was not run again.
      await assertImportedOnce("acme", first);
    } finally {
      await killGroup(host.child);
      await azurite.stop();
      dir.remove();
    }
  });
});
