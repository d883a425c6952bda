import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually } from "../../support/eventually.js";
import { ManualClock } from "../../support/manual-clock.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
const clock = new ManualClock("2026-07-01T12:00:00Z");

async function scheduledJobs(): Promise<any[]> {
  const r = await call("GET", "/api/v1/invoices/jobs?job_type=scheduled&page_size=100", { token: admin });
  assert.equal(r.status, 200);
  return r.body.data.items;
}

/** Fires the daily timer at a UTC instant; answers how many scheduled jobs exist after it. */
async function fireAt(instant: string): Promise<number> {
  clock.set(instant);
  await host.timers.run("invoices-daily");
  // Tokens are issued and checked by the platform clock, which this test moves.
  admin = await loginAs(call);
  return (await scheduledJobs()).length;
}

describe("the daily invoice job at 02:00 Europe/Brussels", () => {
  before(async () => {
    host = await startTestHost(
      { ENABLED_SYSTEMS: "identity,invoices", RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_BURST: "10000" },
      { queuePollMs: 50, timers: false, clock },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
  });

  after(async () => host?.stop());

  it("starts once per local day at 02:00, in summer (CEST) and in winter (CET)", async () => {
    assert.equal(await fireAt("2026-07-01T23:55:00Z"), 0, "01:55 CEST is too early");
    assert.equal(await fireAt("2026-07-02T00:00:00Z"), 1, "02:00 CEST");
    assert.equal(await fireAt("2026-07-02T00:05:00Z"), 1, "once per local day");
    assert.equal(await fireAt("2026-07-02T03:30:00Z"), 1);
    assert.equal(await fireAt("2026-01-15T00:55:00Z"), 1, "01:55 CET is too early");
    assert.equal(await fireAt("2026-01-15T01:00:00Z"), 2, "02:00 CET");
    const [latest] = await scheduledJobs();
    const done = await eventually(
      "the scheduled job to finish",
      async () => {
        const job = (await call("GET", `/api/v1/invoices/jobs/${latest.job_id}`, { token: admin })).body.data;
        return job.status === "completed" && job;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    // The first day's job took the source simulator's invoices and forwarded them.
    const first = (await scheduledJobs()).find((j) => j.created_at.startsWith("2026-07-02"));
    const firstJob = (await call("GET", `/api/v1/invoices/jobs/${first.job_id}`, { token: admin })).body.data;
    assert.ok(firstJob.results.total_invoices > 0 && firstJob.results.processed > 0, JSON.stringify(firstJob.results));
    assert.equal(done.job_type, "scheduled");
  });

  it("does not start while paused, and starts again once resumed (admin only, audited)", async () => {
    const analyst = await call("POST", "/api/v1/invoices/schedule/pause", {
      token: await tokenFor(call, admin, "schedule-analyst", ["analyst"]),
    });
    assert.equal(analyst.status, 403);
    const paused = await call("POST", "/api/v1/invoices/schedule/pause", { token: admin });
    assert.deepEqual(paused.body.data, { schedule_paused: true });
    const jobs = (await scheduledJobs()).length;
    assert.equal(await fireAt("2026-01-16T01:10:00Z"), jobs, "paused");
    const config = await call("GET", "/api/v1/invoices/configuration", { token: admin });
    assert.equal(config.status, 200);
    assert.equal(config.body.data.schedule_paused, true);
    assert.equal(config.body.data.settings.INVOICES_TIME_ZONE, "Europe/Brussels");
    assert.equal(config.body.data.settings.INVOICES_DAILY_START_TIME, "02:00");
    assert.ok(!JSON.stringify(config.body.data).includes("ACCESS_TOKEN"), "no secret is shown");
    await call("POST", "/api/v1/invoices/schedule/resume", { token: admin });
    assert.equal(await fireAt("2026-01-16T01:15:00Z"), jobs + 1, "resumed the same local day");
    const audit = await host.platform.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("resource_type", "=", "invoice_schedule")
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ["invoice_schedule.paused", "invoice_schedule.resumed"],
    );
  });
});
