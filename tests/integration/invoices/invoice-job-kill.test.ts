import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { readAzuriteConfig, startAzurite } from "../../../local/azurite.js";
import { ClearfactsSimulator } from "../../../local/simulators/clearfacts-partner.js";
import { killGroup, prepareHostFolder, startHostProcess } from "../../support/host-process.js";
import { apiClient, freePort, tempDir } from "../../support/test-host.js";
import { ublInvoice } from "../../support/ubl-invoice.js";

const INVOICES = 30;
const TOKEN = "k".repeat(80);

describe("an invoice job whose process is killed midway", () => {
  it("resumes after a restart, sends no invoice twice and counts each exactly once", async () => {
    const dir = tempDir();
    await prepareHostFolder(dir.path);
    // Outside the host, so they outlive the kill as Clearfacts and Blob Storage would: the
    // simulator remembers what it received, storage keeps the archived originals.
    const clearfacts = await ClearfactsSimulator.start({ tokens: [TOKEN], controls: { latencyMs: 150 } });
    const azurite = await startAzurite({
      ...readAzuriteConfig(),
      blobPort: await freePort(),
      location: join(dir.path, "azurite"),
    });
    const env = {
      BLOB_CONNECTION_STRING: azurite.connectionString,
      ENABLED_SYSTEMS: "identity,invoices",
      CLEARFACTS_API_URL: clearfacts.url,
      CLEARFACTS_ACCESS_TOKEN: TOKEN,
      INVOICES_DAILY_SCHEDULE: "0 0 0 1 1 *",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
    };
    let host = await startHostProcess(dir.path, env);
    try {
      let call = apiClient(host.url);
      const login = async () =>
        (await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } }))
          .body.data.access_token as string;
      let token = await login();
      const ids: string[] = [];
      for (let i = 1; i <= INVOICES; i++) {
        const r = await call("POST", "/api/v1/invoices", {
          token,
          rawBody: ublInvoice({ number: `KILL-${i}` }),
          headers: { "content-type": "application/xml" },
        });
        assert.equal(r.status, 201);
        ids.push(r.body.data.id as string);
      }
      // Named, so the local source simulator's seeded invoices stay out of this job.
      const started = await call("POST", "/api/v1/invoices/process", { token, body: { invoice_ids: ids } });
      assert.equal(started.status, 202);
      const jobId = started.body.data.job_id as string;
      for (const deadline = Date.now() + 60_000; ;) {
        if (clearfacts.uploads.length >= INVOICES / 3) break;
        if (Date.now() > deadline) assert.fail(`the job did not progress: ${clearfacts.uploads.length} uploads`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await killGroup(host.child);

      // A minute later the message locks and item leases would have run out; move them there now.
      const db = new Database(join(dir.path, "data", "platform.sqlite"));
      const doneAtKill = (
        db
          .prepare("SELECT count(*) AS n FROM invoice_job_items WHERE job_id = ? AND outcome IS NOT NULL")
          .get(jobId) as { n: number }
      ).n;
      db.prepare("UPDATE local_queue_messages SET locked_until = 0 WHERE locked_until IS NOT NULL").run();
      db.prepare("UPDATE invoice_job_items SET leased_until = NULL").run();
      db.close();
      assert.ok(doneAtKill < INVOICES, `killed midway (${doneAtKill} of ${INVOICES} done)`);

      host = await startHostProcess(dir.path, env);
      call = apiClient(host.url);
      token = await login();
      let job: any;
      for (const deadline = Date.now() + 90_000; ;) {
        job = (await call("GET", `/api/v1/invoices/jobs/${jobId}`, { token })).body.data;
        if (job.status === "completed") break;
        if (Date.now() > deadline)
          assert.fail(
            `the job did not resume: ${JSON.stringify(job.results)}\n${host
              .output()
              .split("\n")
              .filter((l) => !l.includes("HTTP request"))
              .join("\n")
              .slice(-8000)}`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }

      const perFile = new Map<string, number>();
      for (const u of clearfacts.uploads) perFile.set(u.fileName, (perFile.get(u.fileName) ?? 0) + 1);
      assert.ok(
        [...perFile.values()].every((n) => n === 1),
        "no invoice reached Clearfacts twice",
      );
      // Each invoice counted once: sent, or held when its upload was in flight at the kill
      // (Clearfacts cannot be asked whether it arrived, so a person decides).
      assert.equal(job.results.total_invoices, INVOICES);
      assert.equal(job.results.processed + job.results.held, INVOICES, JSON.stringify(job.results));
      assert.equal(job.results.failed + job.results.duplicates, 0);
      assert.ok(job.results.held <= 4, `only uploads in flight at the kill are held (${job.results.held})`);
      // Every sent invoice reached Clearfacts; a held one may or may not have.
      assert.ok(clearfacts.uploads.length >= job.results.processed);
      assert.ok(clearfacts.uploads.length <= job.results.processed + job.results.held);
    } finally {
      await killGroup(host.child);
      await clearfacts.close();
      await azurite.stop();
      dir.remove();
    }
  });
});
