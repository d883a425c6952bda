import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { killGroup, prepareHostFolder, startHostProcess } from "../../support/host-process.js";
import { apiClient, tempDir } from "../../support/test-host.js";

describe("a billing saga whose process is killed between steps", () => {
  it("is finished by the recovery timer after a restart, applied once in SAP and SQL", async () => {
    const dir = tempDir();
    await prepareHostFolder(dir.path);
    const common = {
      SAP_SIMULATOR_PROJECTS: "50",
      SAGA_STALE_AFTER_SECONDS: "5",
      SAGA_RECOVERY_SCHEDULE: "*/1 * * * * *",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
    };
    // SAP will post at once and answer after 30 s: the process dies with the saga at SQL_APPLIED.
    let host = await startHostProcess(dir.path, { ...common, SAP_RFC_TIMEOUT_MS: "60000" });
    try {
      let call = apiClient(host.url);
      const login = async () =>
        (await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } }))
          .body.data.access_token as string;
      let token = await login();
      const key = randomUUID();
      assert.equal((await call("GET", "/api/v1/projects/PRJ-000021", { token })).status, 200);
      const slow = await call("PUT", "/api/local/simulators/sap", { token, body: { latencyMs: 30_000 } });
      assert.equal(slow.status, 200);
      // Fire the write and kill the process while SAP's answer is on its way.
      const pending = call("POST", "/api/v1/projects/PRJ-000021/billing", {
        token,
        headers: { "idempotency-key": key },
        body: {
          entries: [{ amount: "310.00", currency: "EUR", billingDate: "2026-11-21", description: "Killed mid-saga" }],
        },
      }).catch((e: unknown) => e);
      const ledger = join(dir.path, "data", "sap-simulator-billing.jsonl");
      const deadline = Date.now() + 90_000;
      const posted = () => {
        try {
          return readFileSync(ledger, "utf8")
            .split("\n")
            .filter((l) => l.includes('"type":"post"'));
        } catch {
          return [];
        }
      };
      while (posted().length === 0) {
        if (Date.now() > deadline) assert.fail("SAP never received the posting");
        await new Promise((r) => setTimeout(r, 100));
      }
      await killGroup(host.child);
      await pending;
      const reference = (JSON.parse(posted()[0]!) as { reference: string }).reference;

      host = await startHostProcess(dir.path, common);
      call = apiClient(host.url);
      token = await login();
      let saga: any;
      const until = Date.now() + 30_000;
      do {
        await new Promise((r) => setTimeout(r, 500));
        saga = (await call("GET", `/api/v1/sagas/${reference}`, { token })).body.data;
      } while (saga?.status !== "SUCCESS" && Date.now() < until);
      assert.equal(saga.status, "SUCCESS", JSON.stringify(saga));
      assert.ok(saga.attempts >= 2, "recovery took it over");

      const entries = (
        await call("GET", "/api/v1/projects/PRJ-000021/billing?pageSize=100", { token })
      ).body.data.items.filter((e: any) => e.sagaId === reference);
      assert.equal(entries.length, 1, "applied once in SQL");
      assert.equal(posted().filter((l) => l.includes(reference)).length, 1, "posted once in SAP");
      const replay = await call("POST", "/api/v1/projects/PRJ-000021/billing", {
        token,
        headers: { "idempotency-key": key },
        body: {
          entries: [{ amount: "310.00", currency: "EUR", billingDate: "2026-11-21", description: "Killed mid-saga" }],
        },
      });
      assert.equal(replay.status, 201, "the client's retry with its key gets the outcome");
      assert.equal(replay.body.data.sagaId, reference);
    } finally {
      await killGroup(host.child, "SIGTERM");
      dir.remove();
    }
  });
});
