import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../support/manual-clock.js";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";

// A serverless Azure SQL database pauses only after a stretch without a single query. The
// every-minute timers must leave SQL alone on a quiet system, and still sweep when there
// is work, including work whose marker was lost. SQL statements are counted by the
// database wrapper; the queue drivers poll once an hour here, so the timers are all that
// query (the local queue lives in the same SQLite file; Service Bus does not in Azure).

// 15:00 UTC is 10:00 Central: past the ESG start window (05:00-09:00 Central).
const clock = new ManualClock("2026-03-10T15:00:00Z");
const SWEEPS = ["jobs-sweep", "report-requeue", "saga-recovery", "esg-run-monitor"];
/** Every timer whose schedule fires every minute or every five. */
const FREQUENT = [...SWEEPS, "esg-daily-start", "esg-start-watchdog"];
const MINUTE = 60_000;

let host: TestHost;
let call: ReturnType<typeof apiClient>;

before(async () => {
  host = await startTestHost({}, { timers: false, clock, queuePollMs: 3_600_000 });
  call = apiClient(host.url);
});
after(() => host.stop());

/** SQL statements sent while `names` run, once each, in order. */
async function queriesOf(names: readonly string[]): Promise<number> {
  const before = host.platform.database.queryCount();
  for (const name of names) await host.timers.run(name);
  return host.platform.database.queryCount() - before;
}

describe("every-minute timers on a quiet system", () => {
  it("sweep in full on their first minute, then send no SQL for half an hour", async () => {
    assert.ok((await queriesOf(SWEEPS)) > 0, "the first run of the interval is a full sweep");
    for (let minute = 1; minute <= 30; minute++) {
      clock.advance(MINUTE);
      assert.equal(await queriesOf(FREQUENT), 0, `minute ${minute}: no SQL on a quiet system`);
    }
  });
});

describe("every-minute timers with work", () => {
  let token: string;
  let reportId: string;

  it("wake up on a write request, and send a job message whose send was lost", async () => {
    token = await loginAs(call); // a POST: the work marker is raised
    const queue = host.platform.queue;
    const send = queue.send.bind(queue);
    queue.send = async () => {
      throw new Error("ServiceUnavailable: the namespace is unreachable");
    };
    try {
      const r = await call("POST", "/api/v1/reports/generate", {
        token,
        body: { projectIds: ["PRJ-000001"], reportType: "financial_summary", options: { format: "excel" } },
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      reportId = r.body.data.reportId;
    } finally {
      queue.send = send;
    }
    assert.equal(await host.platform.jobs.hasUnsent(), true, "the report's message is recorded, unsent");
    clock.advance(MINUTE);
    assert.ok((await queriesOf(SWEEPS)) > 0);
    assert.equal(await host.platform.jobs.hasUnsent(), false, "the sweeper sent it");
  });

  it("keep sweeping while a report is unfinished, long after the request", async () => {
    for (let minute = 1; minute <= 20; minute++) {
      clock.advance(MINUTE);
      assert.ok((await queriesOf(["report-requeue"])) > 0, `minute ${minute}`);
    }
    token = await loginAs(call); // the first token expired meanwhile
    const report = (await call("GET", `/api/v1/reports/${reportId}`, { token })).body.data;
    assert.equal(report.status, "QUEUED", "no worker polled: it is still waiting, re-sent by the requeue timer");
  });

  it("still find work whose marker was lost, at the next full interval", async () => {
    // The report's takeover is left to the requeue timer; a cache flush loses the marker.
    await host.platform.cache.delete("work-signal:active");
    clock.advance(MINUTE);
    assert.equal(await queriesOf(SWEEPS), 0, "without the marker the minute is skipped");
    clock.set("2026-03-10T18:00:30Z"); // the next SWEEPS_FULL_INTERVAL_MINUTES (360) period
    assert.ok((await queriesOf(["report-requeue"])) > 0, "the full sweep runs");
    clock.advance(MINUTE);
    assert.ok((await queriesOf(["report-requeue"])) > 0, "it saw the unfinished report: the marker is back");
  });
});

describe("the ESG start and its watchdog", () => {
  it("read SQL only until the day's run is known, then not again that day", async () => {
    // 05:00 Central in CDT is 10:00 UTC; the schedule ticks every 5 minutes from then.
    clock.set("2026-03-11T10:00:00Z");
    assert.ok((await queriesOf(["esg-daily-start"])) > 0, "starts the day's run");
    for (const at of ["10:05", "10:10", "11:55"]) {
      clock.set(`2026-03-11T${at}:00Z`);
      assert.equal(await queriesOf(["esg-daily-start"]), 0, `${at}: the run is known to exist`);
    }
    clock.set("2026-03-11T10:20:00Z"); // past the 15-minute grace: the watchdog looks once
    assert.ok((await queriesOf(["esg-start-watchdog"])) > 0);
    for (const at of ["10:25", "12:00", "13:55"]) {
      clock.set(`2026-03-11T${at}:00Z`);
      assert.equal(await queriesOf(["esg-start-watchdog"]), 0, `${at}: the start is known`);
    }
  });
});
