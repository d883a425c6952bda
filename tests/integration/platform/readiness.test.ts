import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startLocalHost } from "../../../local/local-host.js";
import { LogCapture, apiClient, freePort, tempDir } from "../../support/test-host.js";

describe("readiness with a dependency down", () => {
  it("answers 503 naming the dependency, while liveness stays 200", async () => {
    const dir = tempDir();
    const deadPort = await freePort();
    const logs = new LogCapture();
    const host = await startLocalHost({
      env: {
        PORT: "0",
        DATA_DIR: dir.path,
        BLOB_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from("k".repeat(64)).toString("base64")};BlobEndpoint=http://127.0.0.1:${deadPort}/devstoreaccount1;`,
      },
      azurite: false,
      timers: false,
      logSink: logs.sink,
    });
    try {
      const call = apiClient(host.url);
      const ready = await call("GET", "/api/health/ready");
      assert.equal(ready.status, 503);
      assert.equal(ready.body.success, false, "the envelope agrees with the status");
      assert.equal(ready.body.error.code, "SERVICE_UNAVAILABLE");
      assert.equal(ready.body.error.message, "Not ready: blob down");
      assert.equal(ready.headers.get("retry-after"), "5");
      const details = ready.body.error.details;
      assert.equal(details.status, "not_ready");
      const blob = details.dependencies.find((d: { name: string }) => d.name === "blob");
      assert.deepEqual(Object.keys(blob).sort(), ["adapter", "latency_ms", "name", "status"], "no error class named");
      assert.equal(blob.status, "down");
      assert.equal(typeof blob.latency_ms, "number");
      assert.ok(!JSON.stringify(ready.body).includes(String(deadPort)), "no internal address leaks");
      assert.equal(details.dependencies.find((d: { name: string }) => d.name === "sql").status, "up");
      const warned = logs.entries().find((e) => e.message === "Not ready");
      assert.ok(warned, "the reason is logged");
      assert.equal((await call("GET", "/api/health")).status, 200);
    } finally {
      await host.close();
      dir.remove();
    }
  });
});

describe("timers", () => {
  it("runs purge-expired-sessions, which deletes refresh tokens expired for over a day", async () => {
    const { startTestHost } = await import("../../support/test-host.js");
    const host = await startTestHost({}, { timers: false });
    try {
      const db = host.platform.database.db;
      const admin = await db.selectFrom("users").select("id").executeTakeFirstOrThrow();
      const row = (id: string, expires: string) => ({
        id,
        user_id: admin.id,
        family_id: "f",
        token_hash: id.padEnd(64, "0"),
        created_at: expires,
        expires_at: expires,
        used_at: null,
        revoked_at: null,
        revoked_reason: null,
      });
      await db
        .insertInto("refresh_tokens")
        .values([
          row("old", new Date(Date.now() - 3 * 86_400_000).toISOString()),
          row("live", new Date(Date.now() + 86_400_000).toISOString()),
        ])
        .execute();
      assert.equal(
        host.timers.nextOccurrence("purge-expired-sessions", new Date("2026-01-01T00:00:00Z")).toISOString(),
        "2026-01-01T03:30:00.000Z",
      );
      await host.timers.run("purge-expired-sessions");
      const left = (
        await db.selectFrom("refresh_tokens").select("id").where("id", "in", ["old", "live"]).execute()
      ).map((r) => r.id);
      assert.deepEqual(left, ["live"]);
      assert.match(
        await host.platform.metrics.render(),
        /timer_runs_total\{function="purge-expired-sessions",status="succeeded"\} 1/,
      );
    } finally {
      await host.stop();
    }
  });
});
