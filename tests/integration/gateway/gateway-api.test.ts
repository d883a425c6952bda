import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apiClient, startTestHost, type TestHost, loginAs, tokenFor } from "../../support/test-host.js";
import { eventually } from "../../support/eventually.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let viewer: string;

async function metric(name: string, labels: string): Promise<number> {
  const text = (await call("GET", "/api/metrics", { token: admin })).body as string;
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(" ").pop()) : 0;
}

const fieldsOf = (body: any) => (body.error.details.fields as { field: string }[]).map((f) => f.field);
const readProject = "Z_READ_PROJECT_DATA";

describe("SAP + SQL read gateway, through HTTP on the local host", () => {
  before(async () => {
    host = await startTestHost({
      SAP_SIMULATOR_PROJECTS: "300",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "1",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
    });
    call = apiClient(host.url);
    admin = await loginAs(call);
    viewer = await tokenFor(call, admin, "gateway-viewer", ["viewer"]);
  });
  after(async () => host?.stop());

  it("lists all projects page by page, sorted by id or name, merged from SAP and SQL", async () => {
    const first = await call("GET", "/api/v1/projects?filter=all&pageSize=20", { token: viewer });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.data.pagination, { page: 1, pageSize: 20, total: 300, totalPages: 15 });
    assert.equal(first.body.data.items[0].projectId, "PRJ-000001");
    const second = await call("GET", "/api/v1/projects?page=2&pageSize=20", { token: viewer });
    assert.equal(second.body.data.items[0].projectId, "PRJ-000021");
    const p = first.body.data.items[0];
    // SAP side (normalised) and SQL side (seeded extension) in one record.
    assert.equal(p.sapInternalId, "1");
    assert.match(p.costs.actual.amount, /^-?\d+\.\d{2}$/);
    assert.ok(
      p.pricing.contractValue && p.billing.billedToDate && p.outsourcing && p.resourcePlanning.assignments.length > 0,
    );
    assert.equal(p.metadata.hasSqlRecord, true);
    assert.equal(p.status, "active");

    const byName = await call("GET", "/api/v1/projects?sort=name&order=desc&pageSize=50", { token: viewer });
    const names = byName.body.data.items.map((i: any) => i.name.toLowerCase());
    assert.deepEqual(names, [...names].sort().reverse());
  });

  it("filters by department and by PEP (WBS element)", async () => {
    const dept = await call("GET", "/api/v1/projects?filter=department&value=fin&pageSize=100", { token: viewer });
    assert.equal(dept.status, 200);
    assert.ok(dept.body.data.pagination.total > 0 && dept.body.data.pagination.total < 300);
    assert.ok(dept.body.data.items.every((i: any) => i.department === "FIN"));
    const pep = await call("GET", "/api/v1/projects?filter=pep&value=PRJ-000042.01", { token: viewer });
    assert.equal(pep.status, 200);
    assert.deepEqual(
      pep.body.data.items.map((i: any) => i.projectId),
      ["PRJ-000042"],
    );
    assert.ok(pep.body.data.items[0].wbsElements.some((w: any) => w.pep === "PRJ-000042.01"));
    const none = await call("GET", "/api/v1/projects?filter=pep&value=PRJ-000042.99", { token: viewer });
    assert.equal(none.body.data.pagination.total, 0);
  });

  it("refuses a bad filter, a missing value and a value with filter=all, naming the field", async () => {
    const bogus = await call("GET", "/api/v1/projects?filter=bogus", { token: viewer });
    assert.equal(bogus.status, 400);
    assert.equal(bogus.body.error.code, "VALIDATION_ERROR");
    assert.deepEqual(fieldsOf(bogus.body), ["filter"]);
    const missing = await call("GET", "/api/v1/projects?filter=pep", { token: viewer });
    assert.deepEqual(fieldsOf(missing.body), ["value"]);
    const extra = await call("GET", "/api/v1/projects?filter=all&value=FIN", { token: viewer });
    assert.deepEqual(fieldsOf(extra.body), ["value"]);
    const tooBig = await call("GET", "/api/v1/projects?pageSize=1000", { token: viewer });
    assert.deepEqual(fieldsOf(tooBig.body), ["pageSize"]);
  });

  it("serves the second read of a project from the cache, and coalesces concurrent misses into one SAP call", async () => {
    const sap = host.platform.simulators.sap!;
    const hitsBefore = await metric("cache_hits_total", 'cache_type="project"');
    const callsBefore = sap.recordedCalls(readProject).length;
    const reads = await Promise.all(
      Array.from({ length: 8 }, () => call("GET", "/api/v1/projects/PRJ-000150", { token: viewer })),
    );
    assert.ok(reads.every((r) => r.status === 200));
    assert.equal(sap.recordedCalls(readProject).length - callsBefore, 1, "eight concurrent misses, one RFC call");
    const again = await call("GET", "/api/v1/projects/prj-000150", { token: viewer });
    assert.equal(again.status, 200);
    assert.equal(again.body.data.projectId, "PRJ-000150");
    // A hit is served from the cached JSON text as it is: the same project and ETag as the miss.
    assert.deepEqual(again.body.data, reads[0]!.body.data);
    assert.equal(again.headers.get("etag"), reads[0]!.headers.get("etag"));
    assert.match(again.headers.get("etag") ?? "", /^"\d+"$/);
    assert.equal(again.body.success, true);
    assert.equal(again.body.correlation_id, again.headers.get("x-correlation-id"));
    assert.equal(sap.recordedCalls(readProject).length - callsBefore, 1, "the cached read did not reach SAP");
    assert.ok((await metric("cache_hits_total", 'cache_type="project"')) > hitsBefore);
  });

  it("answers 404 for a project SAP does not know", async () => {
    const r = await call("GET", "/api/v1/projects/PRJ-999999", { token: viewer });
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, "NOT_FOUND");
  });

  it("refuses project ids holding '/' or '..' once decoded, in paths, queries and bodies", async () => {
    for (const id of ["PRJ-1%2F..%2FPRJ-2", "PRJ..1", "a%2Fb"]) {
      const r = await call("GET", `/api/v1/projects/${id}`, { token: viewer });
      assert.equal(r.status, 400, id);
      assert.deepEqual(fieldsOf(r.body), ["projectId"], id);
    }
    const listed = await call("GET", "/api/v1/sagas?projectId=PRJ%2F1", { token: admin });
    assert.equal(listed.status, 400);
    const report = await call("POST", "/api/v1/reports/generate", {
      token: admin,
      body: {
        reportType: "project_status",
        options: { format: "excel" },
        projectIds: ["PRJ-000001", "PRJ-1/../PRJ-2"],
      },
    });
    assert.equal(report.status, 400);
    assert.deepEqual(fieldsOf(report.body), ["projectIds.1"]);
  });

  it("reports bad SAP values and SAP/SQL disagreement on the record instead of hiding the project", async () => {
    const blank = await call("GET", "/api/v1/projects/PRJ-000077", { token: viewer });
    assert.equal(blank.status, 200);
    assert.equal(blank.body.data.costs.planned, null);
    assert.equal(blank.body.data.costs.actual === null, false);
    assert.equal(blank.body.data.validation.consistent, false);
    assert.deepEqual(
      blank.body.data.validation.issues.map((i: any) => [i.field, i.code]),
      [["ES_HEADER.PLKOST", "INVALID_SAP_VALUE"]],
    );
    const unknownCurrency = (await call("GET", "/api/v1/projects/PRJ-000055", { token: viewer })).body.data;
    assert.equal(unknownCurrency.currency, null);
    assert.ok(
      unknownCurrency.validation.issues.some((i: any) => i.field === "ES_HEADER.WAERS" && /currency/.test(i.message)),
    );
    const seeded = (await call("GET", "/api/v1/projects/PRJ-000250", { token: viewer })).body.data;
    assert.equal(seeded.validation.consistent, false);
    assert.deepEqual(
      seeded.validation.issues.map((i: any) => i.code),
      ["COST_TOTAL_MISMATCH"],
    );
    const noSql = (await call("GET", "/api/v1/projects/PRJ-000020", { token: viewer })).body.data;
    assert.equal(noSql.metadata.hasSqlRecord, false);
    assert.equal(noSql.version, 0);
  });

  it("patches SQL fields with the current ETag, serves the change at once, and refuses a stale ETag with 412", async () => {
    const read = await call("GET", "/api/v1/projects/PRJ-000007", { token: viewer });
    const etag = read.headers.get("etag")!;
    assert.match(etag, /^"\d+"$/);
    const patched = await call("PATCH", "/api/v1/projects/PRJ-000007", {
      token: admin,
      headers: { "if-match": etag },
      body: { name: "Renamed in SQL", customField2: "cost review" },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.notEqual(patched.headers.get("etag"), etag);
    const fresh = await call("GET", "/api/v1/projects/PRJ-000007", { token: viewer });
    assert.equal(fresh.body.data.name, "Renamed in SQL");
    assert.equal(fresh.body.data.metadata.customField2, "cost review");
    assert.equal(fresh.headers.get("etag"), patched.headers.get("etag"));

    const stale = await call("PATCH", "/api/v1/projects/PRJ-000007", {
      token: admin,
      headers: { "if-match": etag },
      body: { status: "on_hold" },
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, "PRECONDITION_FAILED");
    const noCondition = await call("PATCH", "/api/v1/projects/PRJ-000007", {
      token: admin,
      body: { status: "on_hold" },
    });
    assert.equal(noCondition.status, 428);
    const anyVersion = await call("PATCH", "/api/v1/projects/PRJ-000007", {
      token: admin,
      headers: { "if-match": "*" },
      body: { status: "on_hold" },
    });
    assert.equal(anyVersion.status, 428, "If-Match: * would skip the lost-update check");
    assert.match(anyVersion.body.error.message, /If-Match: \* is not accepted/);

    const audit = await call("GET", "/api/v1/audit-log?action=project.update", { token: admin });
    assert.ok(audit.body.data.items.some((a: any) => a.resource_id === "PRJ-000007"));
  });

  it('creates the SQL record of a project that had none (ETag "0")', async () => {
    const r = await call("PATCH", "/api/v1/projects/PRJ-000040", {
      token: admin,
      headers: { "if-match": '"0"' },
      body: { status: "planning" },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.metadata.hasSqlRecord, true);
    assert.equal(r.body.data.status, "planning");
    assert.equal(r.headers.get("etag"), '"1"');
  });

  it("lets only finance and admin patch, and validates the body", async () => {
    const forbidden = await call("PATCH", "/api/v1/projects/PRJ-000008", {
      token: viewer,
      headers: { "if-match": '"1"' },
      body: { name: "x" },
    });
    assert.equal(forbidden.status, 403);
    const unknownField = await call("PATCH", "/api/v1/projects/PRJ-000008", {
      token: admin,
      headers: { "if-match": '"1"' },
      body: { budget: "1" },
    });
    assert.equal(unknownField.status, 400);
    const badStatus = await call("PATCH", "/api/v1/projects/PRJ-000008", {
      token: admin,
      headers: { "if-match": '"1"' },
      body: { status: "done" },
    });
    assert.deepEqual(fieldsOf(badStatus.body), ["status"]);
  });

  it("lists resources with exact hourly cost, filtered by department and availability", async () => {
    const all = await call("GET", "/api/v1/resources?pageSize=100", { token: viewer });
    assert.equal(all.status, 200);
    assert.equal(all.body.data.pagination.total, 500);
    const r = all.body.data.items[0];
    assert.equal(r.resourceId, "1001");
    assert.match(r.hourlyCost.amount, /^\d+\.\d{2}$/);
    const free = await call("GET", "/api/v1/resources?department=ENG&available=false&pageSize=100", { token: viewer });
    assert.ok(free.body.data.items.length > 0);
    assert.ok(free.body.data.items.every((i: any) => i.department === "ENG" && i.availability.available === false));
    const bad = await call("GET", "/api/v1/resources?available=maybe", { token: viewer });
    assert.deepEqual(fieldsOf(bad.body), ["available"]);
  });

  it("returns a year's cost-center plan and actuals with exact variance, by department", async () => {
    const r = await call("GET", "/api/v1/cost-centers/planning?year=2025&department=OPS", { token: viewer });
    assert.equal(r.status, 200);
    const { costCenters, totals } = r.body.data;
    assert.ok(costCenters.length > 0 && costCenters.every((c: any) => c.department === "OPS"));
    for (const c of costCenters) {
      const cents = (m: { amount: string }) => BigInt(m.amount.replace(".", ""));
      assert.equal(cents(c.variance), cents(c.actual) - cents(c.planned));
    }
    assert.ok(totals.length >= 1);
    const badYear = await call("GET", "/api/v1/cost-centers/planning?year=20x5", { token: viewer });
    assert.equal(badYear.status, 400);
    assert.deepEqual(fieldsOf(badYear.body), ["year"]);
    const noYear = await call("GET", "/api/v1/cost-centers/planning", { token: viewer });
    assert.deepEqual(fieldsOf(noYear.body), ["year"]);
  });

  it("refuses calls beyond SAP_MAX_CONCURRENT_CALLS with 503 SAP_BUSY once the wait passes its deadline", async () => {
    // A second host with one RFC slot, a short wait and a slow SAP.
    const busy = await startTestHost({
      SAP_SIMULATOR_PROJECTS: "50",
      SAP_MAX_CONCURRENT_CALLS: "1",
      SAP_ADMISSION_TIMEOUT_MS: "50",
      SAP_SIMULATOR_LATENCY_MS: "400",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
    });
    try {
      const c = apiClient(busy.url);
      const token = (
        await c("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } })
      ).body.data.access_token;
      const results = await Promise.all([1, 2, 3, 4].map((i) => c("GET", `/api/v1/projects/PRJ-00000${i}`, { token })));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 503, 503, 503]);
      const refused = results.find((r) => r.status === 503)!;
      assert.equal(refused.body.error.code, "SAP_BUSY");
      assert.ok(Number(refused.headers.get("retry-after")) >= 1);
      const text = (await c("GET", "/api/metrics", { token })).body as string;
      assert.match(text, /^sap_admission_rejections_total 3$/m);
    } finally {
      await busy.stop();
    }
  });

  it("serves nothing SAP-backed while SAP is down, cache hits included, and recovers by itself", async () => {
    const cached = await call("GET", "/api/v1/projects/PRJ-000003", { token: viewer });
    assert.equal(cached.status, 200);
    const down = await call("PUT", "/api/local/simulators/sap", { token: admin, body: { down: true } });
    assert.equal(down.status, 200);
    assert.equal(down.body.data.down, true);

    // SAP is not essential: the instance still serves everything else, so readiness is degraded (200), not 503.
    await eventually(
      "readiness to report SAP down",
      async () => (await call("GET", "/api/health/ready")).body.data?.status === "degraded",
    );
    const ready = await call("GET", "/api/health/ready");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.data.dependencies.find((d: any) => d.name === "sap").status, "down");
    for (const path of [
      "/api/v1/projects/PRJ-000003",
      "/api/v1/projects?filter=all",
      "/api/v1/resources",
      "/api/v1/cost-centers/planning?year=2025",
    ]) {
      await eventually(
        `${path} to answer 503`,
        async () => (await call("GET", path, { token: viewer })).status === 503,
      );
      const r = await call("GET", path, { token: viewer });
      assert.equal(r.body.error.code, "SAP_UNAVAILABLE", path);
      assert.ok(Number(r.headers.get("retry-after")) >= 1, path);
    }
    assert.equal(await metric("alerts_raised_total", 'source="sap",severity="critical"'), 1);

    await call("PUT", "/api/local/simulators/sap", { token: admin, body: { down: false } });
    await eventually(
      "SAP-backed endpoints to answer again",
      async () => (await call("GET", "/api/v1/projects/PRJ-000003", { token: viewer })).status === 200,
    );
    await eventually(
      "readiness to report SAP up",
      async () => (await call("GET", "/api/health/ready")).body.data?.status === "ready",
    );
    assert.equal((await call("GET", "/api/v1/resources", { token: viewer })).status, 200);
  });

  it("keeps the simulator controls admin-only", async () => {
    const r = await call("PUT", "/api/local/simulators/sap", { token: viewer, body: { down: true } });
    assert.equal(r.status, 403);
    const bad = await call("PUT", "/api/local/simulators/sap", { token: admin, body: { errorRate: 2 } });
    assert.deepEqual(fieldsOf(bad.body), ["errorRate"]);
  });
});
