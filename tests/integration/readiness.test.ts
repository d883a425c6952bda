import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startLocalHost } from "../../local/local-host.js";
import { LogCapture, apiClient, freePort, tempDir } from "../support/test-host.js";

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
      assert.equal(ready.body.success, true);
      assert.equal(ready.body.data.status, "not_ready");
      const blob = ready.body.data.dependencies.find((d: { name: string }) => d.name === "blob");
      assert.equal(blob.status, "down");
      assert.equal(typeof blob.latency_ms, "number");
      assert.ok(!JSON.stringify(ready.body).includes(String(deadPort)), "no internal address leaks");
      assert.equal(ready.body.data.dependencies.find((d: { name: string }) => d.name === "sql").status, "up");
      assert.equal((await call("GET", "/api/health")).status, 200);
    } finally {
      await host.close();
      dir.remove();
    }
  });
});
