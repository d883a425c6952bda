import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buffer } from "node:stream/consumers";
import { apiClient, startTestHost, type TestHost, loginAs } from "../../support/test-host.js";
import { ESG_FILE_COLUMNS, loadSettings } from "../../../shared/index.js";
import { eventually } from "../../support/eventually.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let finance: string;
let analyst: string;

const ACCOUNTS = 300;

async function userToken(username: string, roles: string[]) {
  await call("POST", "/api/v1/users", { token: admin, body: { username, password: "correct-horse-battery", roles } });
  return (await call("POST", "/api/v1/auth/login", { body: { username, password: "correct-horse-battery" } })).body.data
    .access_token as string;
}

function waitForRun(runId: string, statuses = ["COMPLETED", "TIMED_OUT", "FAILED"]): Promise<any> {
  return eventually(
    `run ${runId} to be ${statuses.join(" or ")}`,
    async () => {
      const r = await call("GET", `/api/v1/esg/runs/${runId}`, { token: admin });
      return statuses.includes(r.body.data?.status) && r.body.data;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

async function csv(
  path: string,
  token: string,
): Promise<{ status: number; type: string | null; rows: string[][]; text: string }> {
  const r = await fetch(host.url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await r.text();
  return {
    status: r.status,
    type: r.headers.get("content-type"),
    text,
    rows: text.split("\r\n").filter(Boolean).map(parseCsvLine),
  };
}

/** RFC 4180 line (quoted fields with doubled quotes). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else value += line[i++];
      }
      out.push(value);
      i += 2;
    } else {
      const end = line.indexOf(",", i);
      out.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

const alerts = (title: RegExp) =>
  host.logs
    .entries()
    .filter((e) => typeof e.message === "string" && e.message.startsWith("ALERT") && title.test(e.message));

describe("the daily ESG ratings file", () => {
  before(async () => {
    host = await startTestHost(
      {
        ESG_SIMULATOR_ACCOUNTS: String(ACCOUNTS),
        ESG_SIMULATOR_RATE_LIMIT_PER_SECOND: "2000",
        ESG_API_RATE_LIMIT_PER_SECOND: "2000",
        ESG_SIMULATOR_LATENCY_MS: "1",
        ESG_SIMULATOR_ERROR_RATE: "0.02",
        ESG_SIMULATOR_TRANSIENT_ERROR_RATE: "0.05",
        ESG_SIMULATOR_PARTIAL_RATE: "0.05",
        ESG_SIMULATOR_MALFORMED_RATE: "0.01",
        // A page that fails all 5 attempts ends the run FAILED (as it should): at 20% page
        // errors that was 0.2^5 per page, about one file run in a hundred here (seen in CI);
        // at 10% it is 1e-5 per page while the page retries are still exercised.
        ESG_SIMULATOR_PAGE_ERROR_RATE: "0.1",
        ESG_SIMULATOR_DUPLICATE_ACCOUNTS: "3",
        ESG_ACCOUNTS_PAGE_SIZE: "40",
        ESG_BATCH_SIZE: "25",
        ESG_MANUAL_MAX_ACCOUNTS: "5",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        SAP_SIMULATOR_PROJECTS: "10",
        SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
        ESG_FULL_REFRESH_HOURS: "24",
      },
      { queuePollMs: 20, timers: false },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    finance = await userToken("esg-finance", ["finance"]);
    analyst = await userToken("esg-analyst", ["analyst"]);
  });
  after(async () => host?.stop());

  it("runs the day's full run: every listed account once, exact columns, N/A for failures, an error file, a summary", async () => {
    const started = await call("POST", "/api/v1/esg/runs", { token: admin, body: {} });
    assert.equal(started.status, 202);
    assert.equal(started.body.data.status, "QUEUED");
    const again = await call("POST", "/api/v1/esg/runs", { token: admin, body: {} });
    assert.equal(again.status, 409, "one full run per day at a time");

    const run = await waitForRun(started.body.data.runId);
    assert.equal(run.status, "COMPLETED");
    assert.equal(run.counts.total, ACCOUNTS, "duplicates across pages are rated once");
    assert.equal(run.counts.successful + run.counts.failed + run.counts.partial, ACCOUNTS);
    assert.ok(run.counts.failed > 0 && run.counts.partial > 0, JSON.stringify(run.counts));
    assert.equal(run.progress, 100);
    assert.ok(run.durationSeconds !== null && run.startedAt && run.completedAt);

    const file = await csv(`/api/v1/esg/files/${run.runDate}`, finance);
    assert.equal(file.status, 200);
    assert.match(file.type ?? "", /text\/csv/);
    assert.deepEqual(file.rows[0], [...ESG_FILE_COLUMNS]);
    const data = file.rows.slice(1);
    assert.equal(data.length, ACCOUNTS);
    assert.equal(new Set(data.map((r) => r[0])).size, ACCOUNTS, "each account exactly once");
    for (const r of data) {
      assert.equal(r.length, 10, r.join("|"));
      assert.ok(["Successful", "Failed", "Partial"].includes(r[9]!), r[9]);
      if (r[9] === "Failed") assert.deepEqual(r.slice(2, 9), Array(7).fill("N/A"));
      if (r[9] === "Successful") for (const v of [r[2], r[3], r[4], r[5], r[7]]) assert.match(v!, /^\d{1,3}\.\d{2}$/);
      if (r[9] === "Partial") assert.ok(r.slice(3, 6).includes("N/A"));
    }
    assert.equal(data.filter((r) => r[9] === "Failed").length, run.counts.failed);

    const errors = await csv(`/api/v1/esg/files/${run.runDate}?kind=errors`, finance);
    assert.deepEqual(errors.rows[0], ["Account ID", "Error Message", "Timestamp"]);
    const failedIds = new Set(data.filter((r) => r[9] === "Failed").map((r) => r[0]));
    const errorIds = new Set(errors.rows.slice(1).map((r) => r[0]));
    for (const id of failedIds) assert.ok(errorIds.has(id), `${id} is in the error file`);
    assert.ok(
      errors.rows.slice(1).some((r) => /Listed more than once/.test(r[1]!)),
      "duplicates are noted",
    );
    assert.ok(
      errors.rows.slice(1).some((r) => /out of range|not JSON|no overall/.test(r[1]!)),
      "malformed answers are recorded with the reason",
    );

    const summary = await call("GET", `/api/v1/esg/runs/${run.runId}/summary`, { token: finance });
    assert.equal(summary.status, 200);
    assert.equal(summary.body.data.totalProcessed, ACCOUNTS);
    assert.equal(summary.body.data.failed, run.counts.failed);
    assert.match(summary.body.data.averages.overall, /^\d{1,3}\.\d{2}$/);
    const focus = summary.body.data.primaryFocusDistribution;
    assert.equal(focus.Environmental + focus.Social + focus.Governance, run.counts.successful + run.counts.partial);
    assert.equal(summary.body.data.failedAccounts.length, run.counts.failed);

    const history = await call("GET", `/api/v1/esg/history?from=${run.runDate}&to=${run.runDate}`, { token: analyst });
    assert.equal(history.status, 200);
    assert.ok(history.body.data.items.some((h: any) => h.runId === run.runId && h.totalProcessed === ACCOUNTS));

    // At rest the blob is ciphertext with the key id, IV and tag beside it.
    const blobName = `daily/${run.runDate}/${run.runId}/FirmESGRatings_${run.runDate.replaceAll("-", "")}.csv`;
    const properties = await host.platform.blobs.findProperties("esg-files", blobName);
    assert.ok(properties, blobName);
    assert.equal(properties.metadata.encryption, "AES-256-GCM");
    assert.equal(properties.metadata.rows, String(ACCOUNTS), "the row count is stored with the file");
    assert.match(properties.metadata.encryption_key_id!, /^esg-file-encryption-key\//);
    assert.ok(properties.metadata.encryption_iv && properties.metadata.encryption_tag);
    const raw = await buffer(await host.platform.blobs.download("esg-files", blobName));
    assert.equal(raw.includes(Buffer.from("Account ID")), false, "no plaintext at rest");
    let tmpLeft = 0;
    for await (const _ of host.platform.blobs.list("esg-files", "tmp/")) tmpLeft++;
    assert.equal(tmpLeft, 0, "temporary blobs are moved, not left behind");

    const audit = await call("GET", "/api/v1/audit-log?action=esg.file.downloaded", { token: admin });
    assert.ok(JSON.stringify(audit.body).includes(blobName), "downloads are audited");
  });

  it("re-processes named accounts in a separate run and file, reusing unchanged ratings by ETag", async () => {
    const before = host.simulators.esg!.stats.notModified;
    const r = await call("POST", "/api/v1/esg/runs", {
      token: finance,
      body: { accountIds: ["ACC-0000001", "ACC-0000002", "ACC-9999999"] },
    });
    assert.equal(r.status, 202);
    assert.equal(r.body.data.trigger, "MANUAL_ACCOUNTS");
    const run = await waitForRun(r.body.data.runId);
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual([run.counts.total, run.counts.failed], [3, 1]);
    const file = await csv(`/api/v1/esg/runs/${run.runId}/file`, finance);
    assert.deepEqual(
      file.rows.slice(1).map((row) => [row[0], row[9]]),
      [
        ["ACC-0000001", "Successful"],
        ["ACC-0000002", "Successful"],
        ["ACC-9999999", "Failed"],
      ],
    );
    assert.equal(run.counts.reused, 2, "unchanged ratings are reused (304 on If-None-Match)");
    assert.ok(host.simulators.esg!.stats.notModified >= before + 2);
    const errors = await csv(`/api/v1/esg/runs/${run.runId}/file?kind=errors`, finance);
    assert.match(errors.rows[1]!.join(","), /^ACC-9999999,Not an active account/);
  });

  it("without ETags, reuses a rating younger than ESG_FULL_REFRESH_HOURS without calling the API", async () => {
    const simulators = host.simulators.esg!;
    simulators.setControls({ etags: false, errorRate: 0, transientErrorRate: 0, ratingVersion: 3 });
    try {
      const ids = ["ACC-0000011", "ACC-0000012"];
      const first = await waitForRun(
        (await call("POST", "/api/v1/esg/runs", { token: admin, body: { accountIds: ids } })).body.data.runId,
      );
      assert.equal(
        first.counts.reused,
        0,
        "ratings with an ETag stored are fetched again when the partner stops sending ETags",
      );
      const calls = ids.map((id) => simulators.callsFor(id));
      const second = await waitForRun(
        (await call("POST", "/api/v1/esg/runs", { token: admin, body: { accountIds: ids } })).body.data.runId,
      );
      assert.equal(second.counts.reused, 2);
      assert.deepEqual(
        ids.map((id) => simulators.callsFor(id)),
        calls,
        "no call within the refresh interval",
      );
    } finally {
      simulators.setControls({ etags: true, errorRate: 0.02, transientErrorRate: 0.05 });
    }
  });

  it("validates manual run bodies and roles", async () => {
    const tooMany = await call("POST", "/api/v1/esg/runs", {
      token: admin,
      body: { accountIds: [1, 2, 3, 4, 5, 6].map((i) => `ACC-000000${i}`) },
    });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.details.fields[0].field, "accountIds");
    const bad = await call("POST", "/api/v1/esg/runs", { token: admin, body: { accountIds: ["ok-1", "<script>"] } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body.error.details.fields), /accountIds/);
    assert.equal(
      (await call("POST", "/api/v1/esg/runs", { token: admin, body: { accountIds: [], extra: 1 } })).status,
      400,
    );
    assert.equal(
      (await call("POST", "/api/v1/esg/runs", { token: analyst, body: { accountIds: ["ACC-0000001"] } })).status,
      403,
    );
    assert.equal(
      (await call("POST", "/api/v1/esg/runs", { token: finance, body: {} })).status,
      403,
      "only an admin starts the full run",
    );
    const today = (await call("GET", "/api/v1/esg/runs", { token: analyst })).body.data.items[0].runDate;
    assert.equal(
      (await fetch(`${host.url}/api/v1/esg/files/${today}`, { headers: { authorization: `Bearer ${analyst}` } }))
        .status,
      403,
    );
    assert.equal((await fetch(`${host.url}/api/v1/esg/files/${today}`)).status, 401);
    assert.equal((await call("GET", "/api/v1/esg/files/2001-01-01", { token: admin })).status, 404);
    assert.equal(
      (await call("GET", "/api/v1/esg/history?from=2026-02-01&to=2026-01-01", { token: admin })).status,
      400,
    );
  });

  it("alerts once when more than 5% of the accounts fail", async () => {
    await call("PUT", "/api/local/simulators/esg", { token: admin, body: { errorRate: 0.2, ratingVersion: 1 } });
    try {
      const r = await call("POST", "/api/v1/esg/runs", { token: admin, body: {} });
      assert.equal(r.status, 202);
      const run = await waitForRun(r.body.data.runId);
      assert.ok(run.counts.failed / run.counts.total > 0.05, JSON.stringify(run.counts));
      await host.platform.esg.monitor(async () => undefined); // a late monitor pass must not alert again
      const raised = alerts(/too many account calls failed/).filter((e) => JSON.stringify(e).includes(run.runId));
      assert.equal(raised.length, 1);
      assert.deepEqual(
        [(raised[0]!.alert as any).source, (raised[0]!.alert as any).severity],
        ["esg-daily-file", "critical"],
        "the daily file's alert",
      );
      const summary = await call("GET", `/api/v1/esg/runs/${run.runId}/summary`, { token: admin });
      assert.ok(summary.body.data.biggestMovers.length > 0, "ratings moved since the previous full run");
    } finally {
      await call("PUT", "/api/local/simulators/esg", { token: admin, body: { errorRate: 0.02 } });
    }
  });

  it("never calls or counts an account twice when batch messages are redelivered concurrently, and finishes once", async () => {
    const simulators = host.simulators.esg!;
    simulators.setControls({ transientErrorRate: 0, errorRate: 0, ratingVersion: 7 });
    const steps: any[] = [];
    const capture = async (messages: readonly { body: unknown }[]) => void steps.push(...messages.map((m) => m.body));
    const ids = Array.from({ length: 60 }, (_, i) => `ACC-${String(i + 101).padStart(7, "0")}`);
    const esg = host.platform.esg;
    const run = await esg.startAccountsRun(ids, { userId: "test" }, capture);
    await esg.listAccounts(run.runId, capture);
    const batches = steps.filter((s) => s.step === "batch");
    assert.equal(batches.length, 3);
    const before = new Map(ids.map((id) => [id, simulators.callsFor(id)]));
    // Every batch delivered twice at once, and once more afterwards.
    await Promise.all(
      batches.flatMap((b) => [
        esg.processBatch(run.runId, b.batchNo, capture),
        esg.processBatch(run.runId, b.batchNo, capture),
      ]),
    );
    await Promise.all(batches.map((b) => esg.processBatch(run.runId, b.batchNo, capture)));
    for (const id of ids) assert.equal(simulators.callsFor(id) - before.get(id)!, 1, `${id} called once`);
    const assembles = steps.filter((s) => s.step === "assemble");
    assert.ok(assembles.length >= 1, "the last batch queued the assemble step");
    await Promise.all([esg.assemble(run.runId), esg.assemble(run.runId), esg.assemble(run.runId)]);
    const done = await esg.getRun(run.runId);
    assert.equal(done.status, "COMPLETED");
    assert.equal(done.counts.total, 60);
    const finished = host.logs.entries().filter((e) => e.message === "ESG run finished" && e.run_id === run.runId);
    assert.equal(finished.length, 1, "the run finishes once");
    simulators.setControls({ transientErrorRate: 0.05, errorRate: 0.02 });
  });

  it("times a run out at its window's end: TIMED_OUT, alerted, the file written with what finished", async () => {
    const steps: any[] = [];
    const capture = async (messages: readonly { body: unknown }[]) => void steps.push(...messages.map((m) => m.body));
    const esg = host.platform.esg;
    const ids = Array.from({ length: 30 }, (_, i) => `ACC-${String(i + 201).padStart(7, "0")}`);
    const run = await esg.startAccountsRun(ids, { userId: "test" }, capture);
    await esg.listAccounts(run.runId, capture);
    await esg.processBatch(run.runId, 0, capture); // 25 of 30 done; batch 1 never runs
    const late = new Date(Date.parse(run.deadlineAt) + 1000);
    await esg.monitor(capture, late);
    assert.ok(steps.some((s) => s.step === "assemble" && s.runId === run.runId));
    await esg.assemble(run.runId);
    const done = await esg.getRun(run.runId);
    assert.equal(done.status, "TIMED_OUT");
    assert.equal(done.counts.total, 30);
    assert.ok(done.counts.failed >= 5, "the 5 accounts the window cut off are Failed");
    const file = await csv(`/api/v1/esg/runs/${run.runId}/file`, admin);
    assert.equal(file.rows.length, 31);
    const errors = await csv(`/api/v1/esg/runs/${run.runId}/file?kind=errors`, admin);
    assert.equal(errors.rows.filter((r) => /window closed/.test(r[1]!)).length, 5);
    const window = alerts(/exceeded its window/).filter((e) => JSON.stringify(e).includes(run.runId));
    assert.equal(window.length, 1);
    assert.deepEqual(
      [window[0]!.message, (window[0]!.alert as any).source, (window[0]!.alert as any).severity],
      [`ALERT ESG manual run ${run.runId}: exceeded its window`, "esg-manual-run", "warning"],
      "a manual run's window is its own: a warning, not the daily file's critical alert",
    );
  });

  it("starts the scheduled run once per local day at 05:00 Central, and the watchdog alerts once when it has not started by 05:15", async () => {
    const esg = host.platform.esg;
    const sent: unknown[] = [];
    const capture = async (messages: readonly { body: unknown }[]) => void sent.push(...messages.map((m) => m.body));
    assert.equal(
      await esg.startScheduledRunIfDue(new Date("2026-12-01T10:55:00Z"), capture),
      undefined,
      "04:55 CST: not yet",
    );
    const at = new Date("2026-12-01T11:00:00Z"); // 05:00 CST
    const [a, b] = await Promise.all([
      esg.startScheduledRunIfDue(at, capture),
      esg.startScheduledRunIfDue(at, capture),
    ]);
    assert.equal([a, b].filter(Boolean).length, 1, "two instances firing together start one run");
    const run = (a ?? b)!;
    assert.deepEqual(
      [run.runDate, run.trigger, run.deadlineAt],
      ["2026-12-01", "SCHEDULED", "2026-12-01T15:00:00.000Z"],
    );
    assert.equal(
      await esg.startScheduledRunIfDue(new Date("2026-12-01T11:05:00Z"), capture),
      undefined,
      "the next firing finds it",
    );
    assert.equal(sent.filter((m: any) => m.step === "list").length, 1);

    assert.equal(await esg.checkStarted(new Date("2026-12-01T11:20:00Z")), true, "started: no alert");
    assert.equal(await esg.checkStarted(new Date("2026-12-02T11:14:00Z")), true, "05:14: still in grace");
    assert.equal(await esg.checkStarted(new Date("2026-12-02T11:15:00Z")), false);
    assert.equal(await esg.checkStarted(new Date("2026-12-02T11:20:00Z")), false);
    assert.equal(
      alerts(/failed to start/).filter((e) => JSON.stringify(e).includes("2026-12-02")).length,
      1,
      "alerted once",
    );
  });

  it("forecasts the finish and alerts early when it passes the window's end", async () => {
    const esg = host.platform.esg;
    const capture = async () => undefined;
    const ids = Array.from({ length: 30 }, (_, i) => `ACC-${String(i + 251).padStart(7, "0")}`);
    const run = await esg.startAccountsRun(ids, { userId: "test" }, capture);
    await esg.listAccounts(run.runId, capture);
    await esg.processBatch(run.runId, 0, capture);
    const soon = await esg.getRun(run.runId);
    assert.ok(soon.eta && !soon.etaAfterDeadline, "at this pace it finishes in time");
    // Nearly four hours later with 5 accounts left at 25 per four hours: it will not make it.
    const late = new Date(Date.parse(run.deadlineAt) - 60_000);
    const view = await esg.getRun(run.runId, late);
    assert.equal(view.etaAfterDeadline, true);
    await esg.monitor(capture, late);
    await esg.monitor(capture, late);
    assert.equal(alerts(/forecast to miss its window/).filter((e) => JSON.stringify(e).includes(run.runId)).length, 1);
  });

  it("fails the run with an alert and no file when the account list cannot be read", async () => {
    await call("PUT", "/api/local/simulators/esg", { token: admin, body: { down: true } });
    try {
      const r = await call("POST", "/api/v1/esg/runs", { token: admin, body: {} });
      const run = await waitForRun(r.body.data.runId);
      assert.equal(run.status, "FAILED");
      assert.match(run.error, /account list could not be read/);
      assert.equal((await call("GET", `/api/v1/esg/runs/${run.runId}/file`, { token: admin })).status, 404);
      assert.equal(alerts(/ESG run failed/).filter((e) => JSON.stringify(e).includes(run.runId)).length, 1);
    } finally {
      await call("PUT", "/api/local/simulators/esg", { token: admin, body: { down: false } });
    }
  });

  it("removes files only once they are past the retention policy, and keeps the run history", async () => {
    const esg = host.platform.esg;
    const today = (await call("GET", "/api/v1/esg/runs", { token: admin })).body.data.items.find(
      (r: any) => r.trigger === "MANUAL_FULL" && r.status === "COMPLETED",
    ).runDate;
    const days = (n: number) => new Date(Date.now() + n * 86_400_000);
    const early = await esg.applyRetention(days(2554));
    assert.equal(early.files, 0, "no file before the 2,555-day policy");
    assert.ok(early.runs > 0, "per-account rows go after their 90 days");
    assert.equal(
      (await fetch(`${host.url}/api/v1/esg/files/${today}`, { headers: { authorization: `Bearer ${admin}` } })).status,
      200,
    );
    const removed = await esg.applyRetention(days(2556));
    assert.ok(removed.files >= 3, JSON.stringify(removed));
    assert.equal((await call("GET", `/api/v1/esg/files/${today}`, { token: admin })).status, 404);
    const history = await call("GET", `/api/v1/esg/history?from=${today}&to=${today}`, { token: admin });
    assert.ok(history.body.data.items.length > 0, "history stays");
    assert.throws(
      () => loadSettings({ ESG_FILE_RETENTION_DAYS: "30" }),
      /ESG_FILE_RETENTION_DAYS/,
      "a policy under the 90-day minimum is refused",
    );
  });
});
