import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { ContainerClient } from "@azure/storage-blob";
import { parseTarHeader } from "../../../shared/systems/backups/index.js";
import { apiClient, startTestHost, type TestHost, loginAs, tokenFor } from "../../support/test-host.js";
import { eventually } from "../../support/eventually.js";

const SECTION_NAMES = ["projects", "wbs_elements", "project_records", "billing_entries", "audit_log"];
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The files of a tar, by name. */
function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let at = 0; ;) {
    const parsed = parseTarHeader(archive.subarray(at, at + 512), at);
    if (!parsed) return files;
    files.set(parsed.entry.name, archive.subarray(parsed.entry.offset, parsed.entry.offset + parsed.entry.size));
    at = parsed.next;
  }
}

/** A part's data lines (after the header), split on line breaks outside quotes. */
function records(csv: string): string[] {
  const lines: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of csv) {
    if (ch === '"') quoted = !quoted;
    if (ch === "\n" && !quoted) {
      lines.push(current);
      current = "";
    } else current += ch;
  }
  if (current) lines.push(current);
  return lines.slice(1);
}

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let finance: string;

const container = () => new ContainerClient(host.platform.settings.BLOB_CONNECTION_STRING!, "backups");

function waitFor(backupId: string, statuses: string[], seen: number[] = []): Promise<any> {
  return eventually(
    `backup ${backupId} to be ${statuses.join(" or ")}`,
    async () => {
      const b = (await call("GET", `/api/v1/backups/${backupId}`, { token: finance })).body.data;
      seen.push(b.progress);
      return statuses.includes(b.status) && b;
    },
    { timeoutMs: 30_000, intervalMs: 20 },
  );
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

  it("holds each section in its own gzip CSV part under a manifest, cut at the request, with counts and SHA-256s on the blobs, in SQL and in GET", async () => {
    const db = host.platform.database.db;
    const now = host.platform.clock.now().getTime();
    const before = new Date(now - 60_000).toISOString();
    // Stamped an hour after the request: rows the cut-off keeps out, whenever the worker runs.
    const later = new Date(now + 3_600_000).toISOString();
    const entry = (entryId: string, status: "PENDING" | "ACTIVE", at: string) => ({
      entry_id: entryId,
      project_id: "PRJ-000003",
      saga_id: null,
      kind: "billing",
      pep: "",
      amount_minor: "123456789012345678",
      currency: "EUR",
      billing_date: "2026-01-31",
      description: 'Line 1, "quoted"\nline 2',
      status,
      created_at: at,
      updated_at: at,
    });
    await db
      .insertInto("billing_entries")
      .values([entry("TEST-PENDING-1", "PENDING", before), entry("TEST-AFTER-CUTOFF", "ACTIVE", later)])
      .execute();
    await db
      .insertInto("audit_log")
      .values({
        id: "test-after-cutoff",
        user_id: null,
        action: "test.after_cutoff",
        resource_type: "test",
        resource_id: null,
        details: null,
        ip_address: null,
        user_agent: null,
        correlation_id: null,
        created_at: later,
      })
      .execute();

    const r = await call("POST", "/api/v1/backups/trigger", { token: finance, body: {} });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, "QUEUED");
    backupId = r.body.data.backupId;
    const b = await waitFor(backupId, ["COMPLETED", "FAILED"]);
    assert.equal(b.status, "COMPLETED", JSON.stringify(b));
    assert.equal(b.progress, 100);
    assert.equal(b.format, "fip-backup/2");
    assert.equal(b.cutoffAt, b.createdAt, "the cut-off is the request");
    assert.equal(b.projectCount, 60);
    assert.equal(b.recordCount, 60);
    assert.match(b.sha256, /^[0-9a-f]{64}$/);
    assert.match(b.schemaHash, /^[0-9a-f]{64}$/);
    assert.match(
      b.blobName,
      new RegExp(`^\\d{4}/\\d{2}/\\d{2}/${backupId}/manifest\\.json$`),
      "a dated, versioned path",
    );

    // Each section, with the rows SQL held at the cut-off (and SAP's projects and WBS elements).
    const count = async (table: "projects" | "billing_entries" | "audit_log") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("created_at", "<=", b.cutoffAt)
            .executeTakeFirstOrThrow()
        ).n,
      );
    let wbs = 0;
    for (let i = 1; i <= 60; i++) {
      const id = `PRJ-${String(i).padStart(6, "0")}`;
      wbs += (await call("GET", `/api/v1/projects/${id}`, { token: admin })).body.data.wbsElements.length;
    }
    const expected: Record<string, number> = {
      projects: 60,
      wbs_elements: wbs,
      project_records: await count("projects"),
      billing_entries: await count("billing_entries"),
      audit_log: await count("audit_log"),
    };
    assert.deepEqual(
      b.sections.map((s: any) => s.section),
      SECTION_NAMES,
    );
    assert.deepEqual(Object.fromEntries(b.sections.map((s: any) => [s.section, s.rows])), expected);
    assert.equal(expected.project_records, 57, "every 20th project has no SQL record");
    assert.ok(wbs >= 60 && expected.billing_entries! > 60 && expected.audit_log! > 0);
    assert.deepEqual(
      b.sections.map((s: any) => s.restorable),
      [false, false, true, true, true],
    );
    for (const s of b.sections) assert.ok(s.description.length > 20, `${s.section} says what it holds`);

    const manifestProps = await container().getBlobClient(b.blobName).getProperties();
    assert.equal(manifestProps.metadata?.sha256, b.sha256);
    assert.equal(manifestProps.metadata?.cutoffat, b.cutoffAt);
    assert.equal(manifestProps.metadata?.schemahash, b.schemaHash);
    const prefix = b.blobName.replace(/manifest\.json$/, "");
    for (const s of b.sections) {
      const props = await container().getBlobClient(`${prefix}${s.section}.csv.gz`).getProperties();
      assert.equal(props.metadata?.sha256, s.sha256, s.section);
      assert.equal(props.metadata?.rows, String(s.rows), s.section);
    }

    // The download: a tar of the manifest and the parts as stored.
    const file = await fetch(`${host.url}/api/v1/backups/${backupId}/download`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get("content-type"), "application/x-tar");
    const files = untar(Buffer.from(await file.arrayBuffer()));
    const folder = `backup-${backupId}`;
    assert.deepEqual(
      [...files.keys()],
      [`${folder}/manifest.json`, ...SECTION_NAMES.map((n) => `${folder}/${n}.csv.gz`)],
    );
    const manifestBytes = files.get(`${folder}/manifest.json`)!;
    assert.equal(sha256(manifestBytes), b.sha256, "the manifest is what the SHA-256 in GET covers");
    const manifest = JSON.parse(manifestBytes.toString("utf8"));
    assert.equal(manifest.cutoffAt, b.cutoffAt);
    const csv: Record<string, string> = {};
    for (const s of b.sections) {
      const part = files.get(`${folder}/${s.section}.csv.gz`)!;
      assert.equal(sha256(part), s.sha256, `${s.section}: the part's SHA-256`);
      const listed = manifest.parts.find((p: any) => p.section === s.section);
      assert.equal(listed.rows, s.rows);
      csv[s.section] = gunzipSync(part).toString("utf8");
      assert.equal(csv[s.section]!.split("\n")[0], listed.columns.map((c: any) => c.name).join(","));
      assert.equal(records(csv[s.section]!).length, s.rows, `${s.section}: rows`);
    }
    const project = (await call("GET", "/api/v1/projects/PRJ-000001", { token: admin })).body.data;
    const row = records(csv.projects!).find((l) => l.startsWith("PRJ-000001,"))!;
    assert.ok(row.includes(`,${project.pricing.contractValue.amount},`), "exact amounts as decimal strings");
    assert.ok(
      records(csv.wbs_elements!).includes(
        `PRJ-000001,${project.wbsElements[0].pep},${project.wbsElements[0].description},${project.wbsElements[0].level}`,
      ),
    );
    const billing = records(csv.billing_entries!);
    assert.ok(
      billing.includes(
        `TEST-PENDING-1,PRJ-000003,,billing,"",123456789012345678,EUR,2026-01-31,"Line 1, ""quoted""\nline 2",PENDING,${before},${before}`,
      ),
      "every status, exact minor units with their currency, NULL apart from empty text",
    );
    assert.ok(!csv.billing_entries!.includes("TEST-AFTER-CUTOFF"), "rows created after the cut-off are not in it");
    assert.ok(!csv.audit_log!.includes("test-after-cutoff"));
    assert.ok(
      csv.audit_log!.includes(`,backup.requested,backup,${backupId},`),
      "the audit log up to the cut-off, its own request included",
    );
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

  it("verifies an intact backup, and fails (with an alert) one whose billing part was altered on purpose", async () => {
    const ok = await call("POST", `/api/v1/backups/${backupId}/verify`, { token: finance });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.data.verificationStatus, "PASSED", ok.body.data.verificationError);

    const second = (
      await call("POST", "/api/v1/backups/trigger", {
        token: finance,
        body: { projectIds: ["PRJ-000001", "PRJ-000002"] },
      })
    ).body.data.backupId;
    const b = await waitFor(second, ["COMPLETED"]);
    assert.equal(b.recordCount, 2);
    const rows = Object.fromEntries(b.sections.map((s: any) => [s.section, s.rows]));
    assert.equal(rows.project_records, 2, "a partial backup holds the records of its projects only");
    const only = await host.platform.database.db
      .selectFrom("billing_entries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("project_id", "in", ["PRJ-000001", "PRJ-000002"])
      .where("created_at", "<=", b.cutoffAt)
      .executeTakeFirstOrThrow();
    assert.equal(rows.billing_entries, Number(only.n));
    const before = await alerts();
    // Tamper with one stored part (Azurite does not enforce the WORM policy Azure has).
    const blob = container().getBlockBlobClient(b.blobName.replace(/manifest\.json$/, "billing_entries.csv.gz"));
    const original = gunzipSync(await blob.downloadToBuffer()).toString("utf8");
    await blob.uploadData(gzipSync(`${original}FORGED-1,PRJ-000001,,billing,,100,EUR,2026-01-01,forged,ACTIVE,x,x\n`), {
      metadata: (await blob.getProperties()).metadata!,
    });
    const failed = await call("POST", `/api/v1/backups/${second}/verify`, { token: finance });
    assert.equal(failed.body.data.verificationStatus, "FAILED");
    const error: string = failed.body.data.verificationError;
    assert.match(error, /billing_entries: SHA-256 is [0-9a-f]{64}, the manifest says/);
    assert.match(
      error,
      new RegExp(`billing_entries: holds ${rows.billing_entries + 1} rows, the manifest says ${rows.billing_entries}`),
    );
    assert.doesNotMatch(
      error,
      /(^|; )(projects|wbs_elements|project_records|audit_log|manifest):/,
      "the other parts are intact",
    );
    assert.equal(await alerts(), before + 1);
  });

  it("is idempotent: a repeated message leaves a finished backup alone, and a rerun after a crash adopts the committed blobs", async () => {
    const names = async () => {
      const list: string[] = [];
      for await (const blob of container().listBlobsFlat())
        if (blob.name.includes(backupId)) list.push(`${blob.name}@${blob.properties.etag}`);
      return list.sort();
    };
    const committed = await names();
    assert.equal(committed.length, 6, "five parts and the manifest");
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
    assert.deepEqual(await names(), committed, "never a second copy, never an overwrite");
  });

  it("adopts the parts an attempt committed before it failed, and writes only the rest", async () => {
    // Blob storage refuses the first upload of the projects part: that attempt fails after
    // committing the SQL parts (and abandons the WBS part it was writing alongside).
    const blobs = host.platform.blobs;
    const upload = blobs.uploadCommitted.bind(blobs);
    const uploads: string[] = [];
    let refused = 0;
    blobs.uploadCommitted = async (container, name, ...rest) => {
      uploads.push(name.split("/").pop()!);
      if (name.endsWith("/projects.csv.gz") && refused++ === 0) throw new Error("ServerBusy: simulated outage");
      return upload(container, name, ...rest);
    };
    let b: any;
    try {
      const r = await call("POST", "/api/v1/backups/trigger", { token: finance, body: { projectIds: ["PRJ-000004"] } });
      b = await waitFor(r.body.data.backupId, ["COMPLETED", "FAILED"]);
    } finally {
      blobs.uploadCommitted = upload;
    }
    assert.equal(b.status, "COMPLETED", JSON.stringify(b));
    assert.equal(b.attempts, 2);
    const times = (file: string) => uploads.filter((u) => u === file).length;
    assert.deepEqual(
      ["project_records", "billing_entries", "audit_log"].map((s) => times(`${s}.csv.gz`)),
      [1, 1, 1],
      "the SQL parts were committed once and adopted",
    );
    assert.equal(times("projects.csv.gz"), 2);
    assert.equal(times("wbs_elements.csv.gz"), 2, "the abandoned WBS part was written again");
    assert.equal(times("manifest.json"), 1);
    const verified = await call("POST", `/api/v1/backups/${b.backupId}/verify`, { token: finance });
    assert.equal(verified.body.data.verificationStatus, "PASSED", verified.body.data.verificationError);
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
