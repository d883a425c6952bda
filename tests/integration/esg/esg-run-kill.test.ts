import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { killGroup, prepareHostFolder, startHostProcess } from "../../support/host-process.js";
import { apiClient, tempDir } from "../../support/test-host.js";

const ACCOUNTS = 1200;

describe("an ESG run whose process is killed midway", () => {
  it("resumes after a restart and writes every account exactly once, calling only the accounts not yet done", async () => {
    const dir = tempDir();
    await prepareHostFolder(dir.path);
    const env = {
      ESG_SIMULATOR_ACCOUNTS: String(ACCOUNTS),
      ESG_SIMULATOR_RATE_LIMIT_PER_SECOND: "300",
      ESG_API_RATE_LIMIT_PER_SECOND: "300",
      ESG_SIMULATOR_LATENCY_MS: "2",
      ESG_SIMULATOR_ERROR_RATE: "0",
      ESG_SIMULATOR_TRANSIENT_ERROR_RATE: "0",
      ESG_SIMULATOR_MALFORMED_RATE: "0",
      ESG_SIMULATOR_PAGE_ERROR_RATE: "0",
      ESG_SIMULATOR_DUPLICATE_ACCOUNTS: "0",
      ESG_BATCH_SIZE: "50",
      ESG_DAILY_SCHEDULE: "0 0 0 1 1 *",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
      SAP_SIMULATOR_PROJECTS: "10",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
    };
    let host = await startHostProcess(dir.path, env);
    try {
      let call = apiClient(host.url);
      const login = async () =>
        (await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } }))
          .body.data.access_token as string;
      let token = await login();
      const started = await call("POST", "/api/v1/esg/runs", { token, body: {} });
      assert.equal(started.status, 202);
      const runId = started.body.data.runId as string;
      for (const deadline = Date.now() + 60_000; ;) {
        const run = (await call("GET", `/api/v1/esg/runs/${runId}`, { token })).body.data;
        if (run.counts.successful >= ACCOUNTS / 3) break;
        if (Date.now() > deadline) assert.fail(`run did not progress: ${JSON.stringify(run)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await killGroup(host.child);

      // What the dead process left: accounts done and pending. A minute later the message
      // locks and batch leases would have run out; the test moves them there at once.
      const db = new Database(join(dir.path, "data", "platform.sqlite"));
      const pendingAtKill = (
        db.prepare("SELECT count(*) AS n FROM esg_run_accounts WHERE run_id = ? AND status = 'PENDING'").get(runId) as {
          n: number;
        }
      ).n;
      const doneAtKill = (
        db
          .prepare("SELECT count(*) AS n FROM esg_run_accounts WHERE run_id = ? AND status <> 'PENDING'")
          .get(runId) as { n: number }
      ).n;
      db.prepare("UPDATE local_queue_messages SET locked_until = 0 WHERE locked_until IS NOT NULL").run();
      db.prepare("UPDATE esg_batches SET leased_until = NULL").run();
      db.close();
      assert.ok(
        doneAtKill >= ACCOUNTS / 3 && pendingAtKill > 0,
        `killed midway (${doneAtKill} done, ${pendingAtKill} pending)`,
      );

      host = await startHostProcess(dir.path, env);
      call = apiClient(host.url);
      token = await login();
      let run: any;
      for (const deadline = Date.now() + 90_000; ;) {
        run = (await call("GET", `/api/v1/esg/runs/${runId}`, { token })).body.data;
        if (run.status === "COMPLETED") break;
        if (Date.now() > deadline) assert.fail(`run did not resume: ${JSON.stringify(run)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(run.counts.total, ACCOUNTS);
      assert.equal(run.counts.successful + run.counts.partial, ACCOUNTS);

      const file = await fetch(`${host.url}/api/v1/esg/runs/${runId}/file`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const ids = (await file.text())
        .split("\r\n")
        .filter(Boolean)
        .slice(1)
        .map((l) => l.split(",")[0]);
      assert.equal(ids.length, ACCOUNTS);
      assert.equal(new Set(ids).size, ACCOUNTS, "every account exactly once");

      // The restarted simulator counts from zero: it saw exactly the accounts left pending.
      const stats = (await call("GET", "/api/local/simulators/esg", { token })).body.data.stats;
      assert.equal(
        stats.ratingRequests - stats.throttled,
        pendingAtKill,
        "no account finished before the kill was called again",
      );
    } finally {
      await killGroup(host.child);
      dir.remove();
    }
  });
});
