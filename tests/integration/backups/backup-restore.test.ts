import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import SqliteDatabase from "better-sqlite3";
import { parseTarHeader } from "../../../shared/systems/backups/index.js";
import { apiClient, loginAs, startTestHost, tempDir, type TestHost } from "../../support/test-host.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const script = join(repoRoot, "scripts", "restore-backup.mjs");

/** Every column of each restored table, the bigints as text (a JS number would round them). */
const TABLES = {
  projects: {
    key: "project_id",
    columns:
      "project_id, sap_project_code, project_name, status, custom_field_1, custom_field_2, cast(total_cost_minor as text) as total_cost_minor, cost_currency, created_at, updated_at, version, typeof(project_name) as name_type, typeof(custom_field_1) as field_type, typeof(total_cost_minor) as cost_type",
  },
  billing_entries: {
    key: "entry_id",
    columns:
      "entry_id, project_id, saga_id, kind, pep, cast(amount_minor as text) as amount_minor, currency, billing_date, description, status, created_at, updated_at, typeof(pep) as pep_type, typeof(amount_minor) as amount_type",
  },
  audit_log: {
    key: "id",
    columns:
      "id, user_id, action, resource_type, resource_id, details, ip_address, user_agent, correlation_id, created_at, typeof(user_agent) as agent_type",
  },
} as const;

/** A table's rows created at or before the cut-off, in key order. */
function rowsOf(file: string, table: keyof typeof TABLES, cutoffAt: string): unknown[] {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const { key, columns } = TABLES[table];
    return db.prepare(`select ${columns} from ${table} where created_at <= ? order by ${key}`).all(cutoffAt);
  } finally {
    db.close();
  }
}

function restoreScript(...args: string[]) {
  const run = spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("restoring a backup into an empty database (docs/restore.md)", () => {
  let host: TestHost;
  let call: ReturnType<typeof apiClient>;
  let admin: string;
  const work = tempDir("fip-restore-");
  let backup: any;
  let archive: string;

  before(async () => {
    host = await startTestHost(
      {
        SAP_SIMULATOR_PROJECTS: "40",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
      },
      { queuePollMs: 50 },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);

    // What the platform writes: a saga's billing entries, a renamed project (version 2).
    const project = (await call("GET", "/api/v1/projects/PRJ-000004", { token: admin })).body.data;
    const posted = await call("POST", "/api/v1/projects/PRJ-000004/billing", {
      token: admin,
      headers: { "idempotency-key": "restore-test-billing-1" },
      body: {
        entries: [
          {
            amount: "1234",
            currency: project.currency,
            billingDate: "2026-03-31",
            description: 'Milestone 2, part "B"',
          },
        ],
      },
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const read = await call("GET", "/api/v1/projects/PRJ-000006", { token: admin });
    const patched = await call("PATCH", "/api/v1/projects/PRJ-000006", {
      token: admin,
      headers: { "if-match": read.headers.get("etag")! },
      body: { name: '=HYPERLINK("x"), with a comma', customField2: "-12" },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));

    // What only a careful restore keeps: NULL apart from empty text, bigints past 2^53,
    // negative amounts, line breaks and quotes in text, non-ASCII.
    const db = host.platform.database.db;
    const at = new Date(host.platform.clock.now().getTime() - 60_000).toISOString();
    const later = new Date(host.platform.clock.now().getTime() + 3_600_000).toISOString();
    await db
      .insertInto("projects")
      .values({
        project_id: "PRJ-900001",
        sap_project_code: "PRJ-900001",
        project_name: "",
        status: null,
        custom_field_1: "",
        custom_field_2: null,
        total_cost_minor: "-9007199254740993",
        cost_currency: "EUR",
        created_at: at,
        updated_at: at,
        version: 7,
      })
      .execute();
    const entry = (entryId: string, createdAt: string) => ({
      entry_id: entryId,
      project_id: "PRJ-900001",
      saga_id: null,
      kind: "allocation",
      pep: "",
      amount_minor: "9223372036854775807",
      currency: "JPY",
      billing_date: "2026-02-28",
      description: 'Zeile 1, "Grüße" €\r\nline 2 日本',
      status: "PENDING" as const,
      created_at: createdAt,
      updated_at: createdAt,
    });
    await db
      .insertInto("billing_entries")
      .values([entry("EDGE-1", at), entry("EDGE-AFTER-CUTOFF", later)])
      .execute();
    await db
      .insertInto("audit_log")
      .values({
        id: "edge-audit-1",
        user_id: null,
        action: "test.edge",
        resource_type: "test",
        resource_id: "",
        details: JSON.stringify({ note: 'a, "b"\nc', euro: "€" }),
        ip_address: null,
        user_agent: "",
        correlation_id: null,
        created_at: at,
      })
      .execute();
  });
  after(async () => {
    await host?.stop();
    work.remove();
  });

  it("takes a backup and downloads it (real HTTP, Azurite)", async () => {
    const r = await call("POST", "/api/v1/backups/trigger", { token: admin, body: {} });
    assert.equal(r.status, 202);
    const deadline = Date.now() + 30_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      backup = (await call("GET", `/api/v1/backups/${r.body.data.backupId}`, { token: admin })).body.data;
    } while (backup.status !== "COMPLETED" && backup.status !== "FAILED" && Date.now() < deadline);
    assert.equal(backup.status, "COMPLETED", JSON.stringify(backup));
    const file = await fetch(`${host.url}/api/v1/backups/${backup.backupId}/download`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(file.status, 200);
    archive = join(work.path, `backup-${backup.backupId}.tar`);
    writeFileSync(archive, Buffer.from(await file.arrayBuffer()));
  });

  it("verifies the download against the SHA-256 the API shows", () => {
    const ok = restoreScript("verify", archive, "--sha256", backup.sha256);
    assert.equal(ok.status, 0, ok.stderr);
    const report = JSON.parse(ok.stdout);
    assert.equal(report.intact, true);
    assert.deepEqual(
      report.sections.map((s: any) => [s.section, s.rows, s.sha256]),
      backup.sections.map((s: any) => [s.section, s.rows, s.sha256]),
    );
    const wrong = restoreScript("verify", archive, "--sha256", "0".repeat(64));
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /manifest: SHA-256 is [0-9a-f]{64}, expected 0{64}/);
  });

  it("restores into an empty database migrated to the latest schema, and the tables equal the source row for row", () => {
    const target = join(work.path, "restored.sqlite");
    const run = restoreScript("restore", archive, "--sha256", backup.sha256, "--sqlite", target);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.restored, true);
    assert.equal(report.sha256Checked, true);
    assert.equal(report.cutoffAt, backup.cutoffAt);
    const rowsOfSection = Object.fromEntries(backup.sections.map((s: any) => [s.section, s.rows]));
    assert.deepEqual(
      report.sections.map((s: any) => [s.section, s.rowsInTable, s.matches]),
      [
        ["project_records", rowsOfSection.project_records, true],
        ["billing_entries", rowsOfSection.billing_entries, true],
        ["audit_log", rowsOfSection.audit_log, true],
      ],
    );

    const source = join(host.dataDir, "platform.sqlite");
    for (const table of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
      const expected = rowsOf(source, table, backup.cutoffAt);
      const restored = rowsOf(target, table, "9999");
      assert.ok(expected.length > 0);
      assert.deepEqual(restored, expected, `${table}: row for row`);
    }
    const billing = rowsOf(target, "billing_entries", "9999") as Record<string, unknown>[];
    assert.ok(billing.some((e) => e.entry_id === "EDGE-1" && e.amount_minor === "9223372036854775807"));
    assert.ok(!billing.some((e) => e.entry_id === "EDGE-AFTER-CUTOFF"), "nothing after the cut-off");
    assert.ok(billing.some((e) => e.project_id === "PRJ-000004" && e.saga_id !== null && e.status === "ACTIVE"));
    const projects = rowsOf(target, "projects", "9999") as Record<string, unknown>[];
    assert.equal(projects.find((p) => p.project_id === "PRJ-000006")?.project_name, '=HYPERLINK("x"), with a comma');
    const audit = rowsOf(target, "audit_log", "9999") as Record<string, unknown>[];
    assert.ok(audit.some((a) => a.action === "backup.requested" && a.resource_id === backup.backupId));

    // The procedure refuses a database that already holds data.
    const again = restoreScript("restore", archive, "--sha256", backup.sha256, "--sqlite", target);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /not empty: projects holds \d+ rows/);
  });

  it("refuses an altered part and leaves the target empty", () => {
    // Flip one byte inside the billing part of the tar.
    const bytes = readFileSync(archive);
    for (let at = 0; ;) {
      const parsed = parseTarHeader(bytes.subarray(at, at + 512), at)!;
      if (parsed.entry.name.endsWith("/billing_entries.csv.gz")) {
        const middle = parsed.entry.offset + Math.floor(parsed.entry.size / 2);
        bytes[middle] = bytes[middle]! ^ 0xff;
        break;
      }
      at = parsed.next;
    }
    const tampered = join(work.path, "tampered.tar");
    writeFileSync(tampered, bytes);
    const verify = restoreScript("verify", tampered, "--sha256", backup.sha256);
    assert.equal(verify.status, 1);
    assert.match(JSON.parse(verify.stdout).problems.join("; "), /billing_entries: (SHA-256|could not be read)/);

    const target = join(work.path, "refused.sqlite");
    const run = restoreScript("restore", tampered, "--sha256", backup.sha256, "--sqlite", target);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /billing_entries/);
    for (const table of Object.keys(TABLES) as (keyof typeof TABLES)[])
      assert.deepEqual(rowsOf(target, table, "9999"), [], `${table}: nothing restored`);
  });
});
