import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PLANTED, typicalPostingMinor } from "../../../shared/systems/analytics/index.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let analyst: string;
let viewer: string;

const minor = (amount: string) => BigInt(amount.replace(".", ""));

describe("analytics exploration over the seeded dataset", () => {
  before(async () => {
    host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,budgets,analytics",
        ANALYTICS_SEED_ROWS: "3000",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
      },
      { timers: false },
    );
    call = apiClient(host.url);
    const admin = await loginAs(call);
    analyst = await tokenFor(call, admin, "fpa", ["analyst"]);
    viewer = await tokenFor(call, admin, "board", ["viewer"]);
  });

  after(async () => host?.stop());

  it("summarises per currency and reports the planted data-quality issues", async () => {
    const r = await call("GET", "/api/v1/eda", { token: analyst });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body.data;
    assert.equal(s.rows, 3000);
    assert.deepEqual(s.currencies, [...PLANTED.dataQuality.currencies]);
    assert.equal(s.totals.length, 2, "one total per currency, never added together");
    assert.deepEqual(s.fiscalYears, [2024, 2025]);
    assert.ok(
      s.periods.covered.some((p: any) => p.special),
      "special periods marked",
    );
    const q = s.dataQuality;
    assert.equal(q.missingKeys.cost_center_id, PLANTED.dataQuality.missingCostCenterRows);
    assert.equal(q.duplicates.groups, PLANTED.dataQuality.duplicatePairs);
    assert.ok(
      q.duplicates.examples.every((e: any) => e.reference.startsWith(PLANTED.dataQuality.duplicateReferencePrefix)),
    );
    assert.equal(q.mixedCurrencies, true);
    const gap = PLANTED.dataQuality.periodWithoutData;
    assert.deepEqual(q.periodsWithoutData, [{ companyCode: gap.companyCode, monthYear: gap.monthYear }]);
    const kinds = q.findings.map((f: any) => f.kind).sort();
    assert.deepEqual(kinds, ["missing_key", "mixed_currencies", "periods_without_data", "possible_duplicates"]);
    assert.ok(s.topDimensions.some((d: any) => d.dimension === "functional_area" && d.values.length > 0));
  });

  it("sums exactly what the table holds, per currency", async () => {
    const r = await call("GET", "/api/v1/eda?fiscalYear=2025&functional_area=TRAVEL", { token: analyst });
    const rows = await host.platform.database.db
      .selectFrom("finance_expense" as never)
      .select(["company_code_currency_key as c", "amount_minor as a"] as never)
      .where("general_ledger_fiscal_year" as never, "=", 2025 as never)
      .where("functional_area" as never, "=", "TRAVEL" as never)
      .execute();
    const expected = new Map<string, bigint>();
    for (const row of rows as { c: string; a: number }[])
      expected.set(row.c, (expected.get(row.c) ?? 0n) + BigInt(row.a));
    for (const t of r.body.data.totals) assert.equal(minor(t.amount), expected.get(t.currency), t.currency);
  });

  it("breaks travel down by cost center with the planted driver leading March's change", async () => {
    const d = PLANTED.driver;
    const r = await call(
      "GET",
      `/api/v1/eda/breakdown/cost_center_id?functional_area=${d.functionalArea}&companyCode=1000&period=${d.monthYear}&pageSize=5`,
      { token: analyst },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const b = r.body.data;
    assert.equal(b.period, d.monthYear);
    assert.equal(b.previousPeriod, d.previousMonthYear);
    assert.equal(b.items[0].value, d.costCenterId, "the driver's cost center is the largest");
    const change = (i: any) => minor(i.periodAmount) - minor(i.previousPeriodAmount);
    const top = [...b.items].sort((x, y) => Number(change(y) - change(x)))[0];
    assert.equal(top.value, d.costCenterId);
    assert.ok(change(b.items[0]) > 0n);
    // A change from nothing has no percentage; otherwise it is large.
    assert.ok(b.items[0].changePct === null || Number(b.items[0].changePct) > 100);
    assert.equal(b.pagination.pageSize, 5);
    assert.ok(b.pagination.total > 5);
    const shares = b.items.map((i: any) => Number(i.sharePct));
    assert.ok(shares.every((x: number) => x > 0 && x <= 100));
  });

  it("shows the planted month-over-month spike in the time series", async () => {
    const s = PLANTED.spike;
    const r = await call("GET", `/api/v1/eda/timeseries?granularity=month&dimension=${s.dimension}&companyCode=1000`, {
      token: analyst,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const series = r.body.data.series.find((x: any) => x.value === s.value);
    const at = (period: string) => minor(series.points.find((p: any) => p.period === period).amount);
    assert.ok(at(s.monthYear) * 100n > at(s.previousMonthYear) * BigInt(100 + s.minimumChangePct));
    const quarters = await call("GET", "/api/v1/eda/timeseries?granularity=quarter", { token: analyst });
    assert.ok(quarters.body.data.series.every((x: any) => x.points.every((p: any) => /^\d{4}-Q[1-4]$/.test(p.period))));
    const years = await call("GET", "/api/v1/eda/timeseries?granularity=fiscal_year", { token: analyst });
    assert.deepEqual(
      years.body.data.series[0].points.map((p: any) => p.period),
      ["2024", "2025"],
    );
  });

  it("finds the planted outlier row through a filter", async () => {
    const o = PLANTED.outliers[0];
    const r = await call(
      "GET",
      `/api/v1/eda/breakdown/supplier?cost_center_id=${o.costCenterId}&functional_area=${o.functionalArea}&fiscalYear=${o.fiscalYear}&periodFrom=${o.postingPeriod}&periodTo=${o.postingPeriod}`,
      { token: analyst },
    );
    const total = r.body.data.items.reduce((n: bigint, i: any) => n + minor(i.amount), 0n);
    assert.ok(total >= BigInt(o.multiple * typicalPostingMinor(o.costCenterId, o.functionalArea)));
  });

  it("refuses an unknown dimension with the allowed ones, and misspelt filters", async () => {
    const r = await call("GET", "/api/v1/eda/breakdown/colour", { token: analyst });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.body.error), /functional_area/);
    assert.match(JSON.stringify(r.body.error), /cost_center_id/);
    const t = await call("GET", "/api/v1/eda/timeseries?dimension=colour", { token: analyst });
    assert.equal(t.status, 400);
    const misspelt = await call("GET", "/api/v1/eda?functionl_area=TRAVEL", { token: analyst });
    assert.equal(misspelt.status, 400);
    const range = await call("GET", "/api/v1/eda?periodFrom=5&periodTo=2", { token: analyst });
    assert.equal(range.status, 400);
    const big = await call("GET", "/api/v1/eda/breakdown/supplier?pageSize=5000", { token: analyst });
    assert.equal(big.status, 400);
  });

  it("lets analysts read exploration and keeps viewers and strangers out", async () => {
    assert.equal((await call("GET", "/api/v1/eda", { token: viewer })).status, 403);
    assert.equal((await call("GET", "/api/v1/eda/breakdown/supplier", { token: viewer })).status, 403);
    assert.equal((await call("GET", "/api/v1/eda/timeseries")).status, 401);
  });
});
