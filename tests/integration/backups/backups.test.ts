import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { ContainerClient } from "@azure/storage-blob";
import { apiClient, startTestHost, type TestHost, loginAs, tokenFor } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let finance: string;

const container = () => new ContainerClient(host.platform.settings.BLOB_CONNECTION_STRING!, "backups");

async function waitFor(backupId: string, statuses: string[], seen: number[] = []): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const b = (await call("GET", `/api/v1/backups/${backupId}`, { token: finance })).body.data;
    seen.push(b.progress);
    if (statuses.includes(b.status) || Date.now() > deadline) return b;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function alerts(): Promise<number> {
  const text = (await call("GET", "/api/metrics", { token: admin })).body as string;
  const line = text.split("\n").find((l) => l.startsWith('alerts_raised_total{source="backups",severity="critical"}'));
  return line ? Number(line.split(" ").pop()) : 0;
}

describe("backups of the merged SAP + SQL dataset", () => {
  before(async () => {
    host = await startTestHost(
      {
        SAP_SIMULATOR_PROJECTS: "60",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
      },
      { queuePollMs: 50 },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    finance = await tokenFor(call, admin, "backup-finance", ["finance"]);
  });
  after(async () => host?.stop());

  let backupId: string;

  it("backs up every project to gzip CSV with its metadata on the blob and in SQL, and the download restores it", async () => {
    const r = await call("POST", "/api/v1/backups/trigger", { token: finance, body: {} });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, "QUEUED");
    backupId = r.body.data.backupId;
    const b = await waitFor(backupId, ["COMPLETED", "FAILED"]);
    assert.equal(b.status, "COMPLETED", JSON.stringify(b));
    assert.equal(b.progress, 100);
    assert.equal(b.projectCount, 60);
    assert.equal(b.recordCount, 60);
    assert.match(b.sha256, /^[0-9a-f]{64}$/);
    assert.match(b.schemaHash, /^[0-9a-f]{64}$/);
    assert.match(b.blobName, new RegExp(`^\\d{4}/\\d{2}/\\d{2}/${backupId}\\.csv\\.gz$`), "a dated, versioned path");

    const props = await container().getBlobClient(b.blobName).getProperties();
    assert.equal(props.metadata?.sha256, b.sha256);
    assert.equal(props.metadata?.recordcount, "60");
    assert.equal(props.metadata?.schemahash, b.schemaHash);
    assert.ok(props.metadata?.createdat);

    const file = await fetch(`${host.url}/api/v1/backups/${backupId}/download`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(file.status, 200);
    const csv = gunzipSync(Buffer.from(await file.arrayBuffer()))
      .toString("utf8")
      .trimEnd()
      .split("\n");
    assert.equal(csv.length, 61);
    assert.match(csv[0]!, /^project_id,sap_internal_id,name,/);
    const project = (await call("GET", "/api/v1/projects/PRJ-000001", { token: admin })).body.data;
    const row = csv.find((l) => l.startsWith("PRJ-000001,"))!;
    assert.ok(row.includes(`,${project.pricing.contractValue.amount},`), "exact amounts as decimal strings");
    assert.equal(
      (
        await fetch(`${host.url}/api/v1/backups/${backupId}/download`, {
          headers: { authorization: `Bearer ${finance}` },
        })
      ).status,
      403,
      "restore drill is admin only",
    );
  });

  it("verifies an intact backup, and fails (with an alert) one altered on purpose", async () => {
    const ok = await call("POST", `/api/v1/backups/${backupId}/verify`, { token: finance });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.verificationStatus, "PASSED");

    const second = (
      await call("POST", "/api/v1/backups/trigger", {
        token: finance,
        body: { projectIds: ["PRJ-000001", "PRJ-000002"] },
      })
    ).body.data.backupId;
    const b = await waitFor(second, ["COMPLETED"]);
    assert.equal(b.recordCount, 2);
    const before = await alerts();
    // Tamper with the stored file (Azurite does not enforce the WORM policy Azure has).
    const blob = container().getBlockBlobClient(b.blobName);
    const original = gunzipSync(await blob.downloadToBuffer()).toString("utf8");
    const { gzipSync } = await import("node:zlib");
    await blob.uploadData(gzipSync(original.replace("PRJ-000002", "PRJ-000666")), {
      metadata: (await blob.getProperties()).metadata!,
    });
    const failed = await call("POST", `/api/v1/backups/${second}/verify`, { token: finance });
    assert.equal(failed.body.data.verificationStatus, "FAILED");
    assert.match(failed.body.data.verificationError, /SHA-256/);
    assert.equal(await alerts(), before + 1);
  });

  it("is idempotent: a repeated message leaves a finished backup alone, and a rerun after a crash adopts the committed blob", async () => {
    const names = async () => {
      const list: string[] = [];
      for await (const blob of container().listBlobsFlat()) if (blob.name.includes(backupId)) list.push(blob.name);
      return list;
    };
    await host.platform.queue.send("backup-requests", { messageId: `${backupId}:again`, body: { backupId } });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await call("GET", `/api/v1/backups/${backupId}`, { token: finance })).body.data.attempts, 1);
    // As if the worker died after committing the blob, before logging completion.
    await host.platform.database.db
      .updateTable("backups")
      .set({ status: "PROCESSING", progress: 97 })
      .where("backup_id", "=", backupId)
      .execute();
    await host.platform.queue.send("backup-requests", { messageId: `${backupId}:redelivered`, body: { backupId } });
    const b = await waitFor(backupId, ["COMPLETED", "FAILED"]);
    assert.equal(b.status, "COMPLETED");
    assert.equal(b.attempts, 2);
    assert.equal(b.recordCount, 60);
    assert.equal((await names()).length, 1, "never a second copy, never an overwrite");
  });

  it("reports progress while it runs", async () => {
    // Pages of 1,000 ids, each with 20 projects SAP knows (100 ms apiece, 16 at a time:
    // about 200 ms per page) among ids it does not (answered at once): each page's progress
    // stays visible for about 200 ms, whatever the machine's speed.
    host.platform.simulators.sap!.setControls({ latencyMs: 100 });
    try {
      const known = Array.from({ length: 60 }, (_, i) => `PRJ-${String(i + 1).padStart(6, "0")}`);
      const unknown = (page: number, n: number) =>
        Array.from({ length: n }, (_, i) => `PRJ-9${String(page * 1000 + i).padStart(5, "0")}`);
      const projectIds = [
        ...known.slice(0, 20),
        ...unknown(0, 980),
        ...known.slice(20, 40),
        ...unknown(1, 980),
        ...known.slice(40),
        ...unknown(2, 480),
      ];
      const r = await call("POST", "/api/v1/backups/trigger", { token: finance, body: { projectIds } });
      const seen: number[] = [];
      const b = await waitFor(r.body.data.backupId, ["COMPLETED", "FAILED"], seen);
      assert.equal(b.status, "COMPLETED");
      assert.equal(b.recordCount, 60, "ids SAP does not know are left out");
      assert.ok(
        seen.some((p) => p > 0 && p < 100),
        `progress advanced: ${[...new Set(seen)].join(",")}`,
      );
    } finally {
      host.platform.simulators.sap!.setControls({ latencyMs: 0 });
    }
  });

  it("runs the weekly full backup and the monthly verification on their timers", async () => {
    await host.timers.run("backup-weekly");
    const list = (await call("GET", "/api/v1/backups?pageSize=10", { token: finance })).body.data.items;
    const weekly = list.find((b: any) => b.trigger === "scheduled");
    assert.ok(weekly, "the timer queued a scheduled backup");
    const done = await waitFor(weekly.backupId, ["COMPLETED"]);
    assert.equal(done.recordCount, 60);
    await host.timers.run("backup-verify-monthly");
    const verified = (await call("GET", `/api/v1/backups/${weekly.backupId}`, { token: finance })).body.data;
    assert.equal(verified.verificationStatus, "PASSED");
    assert.equal(
      (await call("GET", `/api/v1/backups/${backupId}`, { token: finance })).body.data.verificationStatus,
      "PASSED",
    );
  });

  it("is not left QUEUED when its queue message cannot be sent: the job sweeper sends it and it completes", async () => {
    // A Service Bus outage while the request is answered: the real local queue refuses one send.
    const queue = host.platform.queue;
    const send = queue.send.bind(queue);
    let refused = 0;
    queue.send = async (...args) => {
      if (refused++ === 0) throw new Error("ServiceUnavailable: the namespace is unreachable");
      return send(...args);
    };
    let b: any;
    try {
      const r = await call("POST", "/api/v1/backups/trigger", { token: finance, body: { projectIds: ["PRJ-000002"] } });
      assert.equal(r.status, 202, "the request is durable, so it is accepted");
      await new Promise((resolve) => setTimeout(resolve, 300));
      b = (await call("GET", `/api/v1/backups/${r.body.data.backupId}`, { token: finance })).body.data;
      assert.equal(b.status, "QUEUED", "no message went out, so no worker took it");
    } finally {
      queue.send = send;
    }
    assert.equal(refused, 1);
    // Past the sweeper's grace (5 s after the request), its timer sends the recorded message.
    await new Promise((resolve) => setTimeout(resolve, 5_200));
    await host.timers.run("jobs-sweep");
    const done = await waitFor(b.backupId, ["COMPLETED", "FAILED"]);
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    assert.equal(done.recordCount, 1);
  });

  it("is for admins and finance only", async () => {
    const viewer = await tokenFor(call, admin, "backup-viewer", ["viewer"]);
    assert.equal((await call("POST", "/api/v1/backups/trigger", { token: viewer, body: {} })).status, 403);
    assert.equal((await call("GET", "/api/v1/backups", { token: viewer })).status, 403);
  });
});
