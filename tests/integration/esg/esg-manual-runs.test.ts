import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";
import { ManualClock } from "../../support/manual-clock.js";
import { eventually } from "../../support/eventually.js";

/**
 * Manual runs of named accounts (POST /api/v1/esg/runs with accountIds) beside the daily
 * file: their alerts, their file's name, their ids checked before a run exists. The host's clock stands at 10:30 Central on
 * 14 July 2026, so every date the runs carry is that one, whatever today is.
 */
let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
const clock = new ManualClock("2026-07-14T15:30:00Z");

function waitForRun(runId: string): Promise<any> {
  return eventually(
    `run ${runId} to finish`,
    async () => {
      const r = await call("GET", `/api/v1/esg/runs/${runId}`, { token: admin });
      return ["COMPLETED", "TIMED_OUT", "FAILED"].includes(r.body.data?.status) && r.body.data;
    },
    { timeoutMs: 60_000 },
  );
}

/** The alerts the host logged about one run. */
const alertsOf = (runId: string) =>
  host.logs
    .entries()
    .filter((e) => typeof e.message === "string" && e.message.startsWith("ALERT ") && JSON.stringify(e).includes(runId))
    .map((e) => {
      const alert = e.alert as { source: string; severity: string; message: string };
      return { title: (e.message as string).slice("ALERT ".length), source: alert.source, severity: alert.severity };
    });

/** A run's alerts are raised just after it is marked finished: wait for the first. */
function waitForAlerts(runId: string): Promise<ReturnType<typeof alertsOf>> {
  return eventually(`an alert about run ${runId}`, () => alertsOf(runId).length > 0 && alertsOf(runId), {
    timeoutMs: 10_000,
    intervalMs: 20,
  });
}

/** `alerts_raised_total` by source and severity, from the Prometheus text. */
async function alertCounts(): Promise<Map<string, number>> {
  const text = (await call("GET", "/api/metrics", { token: admin })).body as string;
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^alerts_raised_total\{([^}]*)\} (\d+)/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    counts.set(`${labels.source}/${labels.severity}`, Number(m[2]));
  }
  return counts;
}

const fileNameOf = (r: Response) => /filename="([^"]+)"/.exec(r.headers.get("content-disposition") ?? "")?.[1];

describe("manual ESG runs of named accounts", () => {
  before(async () => {
    host = await startTestHost(
      {
        ESG_SIMULATOR_ACCOUNTS: "50",
        ESG_SIMULATOR_ERROR_RATE: "0",
        ESG_SIMULATOR_TRANSIENT_ERROR_RATE: "0",
        ESG_SIMULATOR_PARTIAL_RATE: "0",
        ESG_SIMULATOR_MALFORMED_RATE: "0",
        ESG_SIMULATOR_PAGE_ERROR_RATE: "0",
        ESG_SIMULATOR_DUPLICATE_ACCOUNTS: "0",
        ESG_SIMULATOR_LATENCY_MS: "1",
        ESG_SIMULATOR_RATE_LIMIT_PER_SECOND: "2000",
        ESG_API_RATE_LIMIT_PER_SECOND: "2000",
        ESG_API_MAX_ATTEMPTS: "2",
        ESG_BATCH_SIZE: "25",
        ESG_MANUAL_MAX_ACCOUNTS: "5",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        SAP_SIMULATOR_PROJECTS: "10",
        SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
      },
      { queuePollMs: 20, timers: false, clock },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
  });
  after(async () => host?.stop());

  it("alerts on a manual run of 3 accounts with 1 failing as the manual run, at warning, not as the daily file at critical", async () => {
    const switched = await call("PUT", "/api/local/simulators/esg", {
      token: admin,
      body: { failingAccounts: ["ACC-0000003"] },
    });
    assert.equal(switched.status, 200, JSON.stringify(switched.body));
    try {
      const before = await alertCounts();
      const r = await call("POST", "/api/v1/esg/runs", {
        token: admin,
        body: { accountIds: ["ACC-0000001", "ACC-0000002", "ACC-0000003"] },
      });
      assert.equal(r.status, 202);
      const run = await waitForRun(r.body.data.runId);
      assert.equal(run.status, "COMPLETED");
      assert.deepEqual([run.counts.total, run.counts.failed], [3, 1], "33% failed: far past the daily 5%");

      const raised = await waitForAlerts(run.runId);
      await host.platform.esg.monitor(async () => undefined, clock.now()); // a monitor pass adds nothing
      assert.deepEqual(alertsOf(run.runId), raised);
      assert.equal(raised.length, 1, JSON.stringify(raised));
      assert.equal(raised[0]!.title, `ESG manual run ${run.runId}: 1 of 3 accounts failed`);
      assert.equal(raised[0]!.source, "esg-manual-run");
      assert.equal(raised[0]!.severity, "warning");

      const after = await alertCounts();
      const added = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      assert.equal(added("esg-manual-run/warning"), 1);
      assert.equal(added("esg-daily-file/critical"), 0, "the daily file's critical alert stays quiet");
    } finally {
      await call("PUT", "/api/local/simulators/esg", { token: admin, body: { failingAccounts: [] } });
    }
  });

  it("names a manual run's files apart from the daily file, which keeps FirmESGRatings_YYYYMMDD.csv", async () => {
    const manual = await call("POST", "/api/v1/esg/runs", {
      token: admin,
      body: { accountIds: ["ACC-0000004", "ACC-0000005"] },
    });
    assert.equal(manual.status, 202);
    const run = await waitForRun(manual.body.data.runId);
    assert.equal(run.status, "COMPLETED");
    assert.equal(run.runDate, "2026-07-14");
    const stem = `FirmESGRatings_Manual_20260714_${run.runId.slice(0, 8)}`;
    const names: Record<string, string> = {
      file: `${stem}.csv`,
      errors: `${stem}_errors.csv`,
      summary: `${stem}_summary.json`,
    };
    for (const [kind, name] of Object.entries(names)) {
      const r = await fetch(`${host.url}/api/v1/esg/runs/${run.runId}/file?kind=${kind}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      await r.arrayBuffer();
      assert.equal(r.status, 200);
      assert.equal(fileNameOf(r), name, kind);
      assert.ok(await host.platform.blobs.findProperties("esg-files", `runs/${run.runId}/${name}`), name);
    }

    const full = await call("POST", "/api/v1/esg/runs", { token: admin, body: {} });
    assert.equal(full.status, 202);
    const daily = await waitForRun(full.body.data.runId);
    assert.equal(daily.status, "COMPLETED");
    const r = await fetch(`${host.url}/api/v1/esg/files/2026-07-14`, { headers: { authorization: `Bearer ${admin}` } });
    await r.arrayBuffer();
    assert.equal(r.status, 200);
    assert.equal(fileNameOf(r), "FirmESGRatings_20260714.csv", "the daily file's name is unchanged");
    assert.ok(
      await host.platform.blobs.findProperties(
        "esg-files",
        `daily/2026-07-14/${daily.runId}/FirmESGRatings_20260714.csv`,
      ),
    );
  });

  it("refuses malformed or repeated account ids with 400 naming each by position, and creates no run", async () => {
    const runs = async () => (await call("GET", "/api/v1/esg/runs", { token: admin })).body.data.pagination.total;
    const before = await runs();
    const r = await call("POST", "/api/v1/esg/runs", {
      token: admin,
      body: { accountIds: ["ACC-0000001", "acc-0000002", "ACC-12", "ACC-0000001", "NOPE-1"] },
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "VALIDATION_ERROR");
    const fields = new Map<string, string>(
      r.body.error.details.fields.map((f: { field: string; message: string }) => [f.field, f.message]),
    );
    assert.deepEqual([...fields.keys()].sort(), ["accountIds.1", "accountIds.2", "accountIds.3", "accountIds.4"]);
    assert.match(
      fields.get("accountIds.1")!,
      /^"acc-0000002" is not an Account Management System account id \(ACC- and 7 digits/,
    );
    assert.match(fields.get("accountIds.2")!, /^"ACC-12" is not/);
    assert.match(fields.get("accountIds.3")!, /^"ACC-0000001" repeats accountIds\.0/);
    assert.match(fields.get("accountIds.4")!, /^"NOPE-1" is not/);

    const tooMany = await call("POST", "/api/v1/esg/runs", {
      token: admin,
      body: { accountIds: ["ACC-0000001", "ACC-0000002", "ACC-0000003", "ACC-0000004", "ACC-0000005", "ACC-0000006"] },
    });
    assert.equal(tooMany.status, 400);
    assert.deepEqual(
      tooMany.body.error.details.fields.map((f: { field: string }) => f.field),
      ["accountIds"],
      "at most ESG_MANUAL_MAX_ACCOUNTS (5)",
    );
    assert.equal((await call("POST", "/api/v1/esg/runs", { token: admin, body: { accountIds: [] } })).status, 400);
    await assert.rejects(
      host.platform.esg.startAccountsRun(["ACC-0000001", "acc-1", "ACC-0000001"], { userId: "test" }, async () => {}),
      (e: { code?: string; issues?: { field: string }[] }) =>
        e.code === "VALIDATION_ERROR" && e.issues?.map((i) => i.field).join() === "accountIds.1,accountIds.2",
      "the service holds a caller that skips HTTP to the same rule",
    );
    assert.equal(await runs(), before, "no run was created");
  });
});
