import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql, type Kysely } from "kysely";
import { PLANTED } from "../../../shared/systems/analytics/index.js";
import type { AnalyticsTables } from "../../../shared/systems/analytics/index.js";
import { apiClient, loginAs, tokenFor, type TestHost } from "../../support/test-host.js";
import { startSeededAnalyticsHost } from "./seeded-analytics-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let analyst: string;
let viewer: string;

const driver = PLANTED.driver;
const feb = { fiscalYear: driver.fiscalYear, periodFrom: driver.postingPeriod - 1, periodTo: driver.postingPeriod - 1 };
const march = { fiscalYear: driver.fiscalYear, periodFrom: driver.postingPeriod, periodTo: driver.postingPeriod };

/** "-1234.56" → -123456n: the exact cents of a decimal string. */
function cents(amount: string): bigint {
  const [whole, fraction = ""] = amount.replace("-", "").split(".");
  const value = BigInt(whole! + fraction.padEnd(2, "0"));
  return amount.startsWith("-") ? -value : value;
}

const sum = (xs: readonly bigint[]) => xs.reduce((s, x) => s + x, 0n);

function analyze(body: Record<string, unknown>, token = analyst) {
  return call("POST", "/api/v1/rca/analyze", { token, body });
}

/** Sum of amount_minor in SQL, to check the API against. */
async function sqlSum(where: ReturnType<typeof sql>): Promise<bigint> {
  const db = host.platform.database.db as unknown as Kysely<AnalyticsTables>;
  const { rows } = await sql<{
    total: string | null;
  }>`select cast(coalesce(sum(amount_minor), 0) as varchar(20)) as total from finance_expense where ${where}`.execute(
    db,
  );
  return BigInt(rows[0]?.total ?? "0");
}

describe("root-cause analysis over HTTP", () => {
  before(async () => {
    host = await startSeededAnalyticsHost();
    call = apiClient(host.url);
    admin = await loginAs(call);
    analyst = await tokenFor(call, admin, "ana", ["analyst"]);
    viewer = await tokenFor(call, admin, "vic", ["viewer"]);
  });
  after(async () => host?.stop());

  it("finds the planted March travel driver as the top driver, exactly decomposed", async () => {
    const r = await analyze({
      baseline: feb,
      comparison: march,
      dimensions: ["functional_area", "cost_center_id", "supplier"],
      filters: { dimensions: { functional_area: driver.functionalArea } },
      evidence: 3,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const data = r.body.data;
    const eur = data.currencies.find((c: any) => c.currency === "EUR");
    assert.ok(eur, JSON.stringify(data.currencies.map((c: any) => c.currency)));
    const top = eur.drivers[0];
    assert.equal(top.where.cost_center_id ?? driver.costCenterId, driver.costCenterId, JSON.stringify(top));
    assert.ok(
      top.where.cost_center_id === driver.costCenterId || top.where.supplier === driver.supplier,
      JSON.stringify(top.where),
    );
    assert.ok(cents(top.change) > 0n);
    // Evidence: rows of the driver, with ids, in March.
    assert.ok(top.evidence.length > 0 && top.evidence.length <= 3);
    for (const e of top.evidence) {
      assert.equal(typeof e.id, "number");
      assert.equal(e.monthYear, driver.monthYear);
      for (const [d, v] of Object.entries(top.where)) assert.equal(e.segment[d], v);
    }
    // Exact: totals agree with SQL, and the partition (plus "other") sums to the change to the cent.
    const filter = sql`company_code_currency_key = 'EUR' and functional_area = ${driver.functionalArea} and general_ledger_fiscal_year = ${driver.fiscalYear}`;
    assert.equal(cents(eur.baseline), await sqlSum(sql`${filter} and posting_period = ${feb.periodFrom}`));
    assert.equal(cents(eur.comparison), await sqlSum(sql`${filter} and posting_period = ${march.periodFrom}`));
    assert.equal(cents(eur.change), cents(eur.comparison) - cents(eur.baseline));
    assert.equal(sum(eur.partition.map((p: any) => cents(p.change))), cents(eur.change));
    assert.equal(eur.partition.at(-1).label, "other");
    // Importance: named method, one entry per dimension split by. The filter fixes the
    // functional area: it is not split by, and the answer says so.
    assert.equal(data.importanceMethod.name, "non-proportional change share");
    assert.deepEqual(eur.importance.map((i: any) => i.dimension).sort(), ["cost_center_id", "supplier"]);
    assert.ok(data.notes.some((n: string) => /Not split by functional_area/.test(n)));
  });

  it("splits currencies and says so; the waterfall wants a currency then, and adds up exactly", async () => {
    const body = { baseline: feb, comparison: march, dimensions: ["cost_center_id", "functional_area"], maxDepth: 2 };
    const r = await analyze(body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.data.currencies.map((c: any) => c.currency),
      ["EUR", "USD"],
    );
    assert.ok(r.body.data.notes.some((n: string) => /never added/.test(n)));

    const none = await call("POST", "/api/v1/charts/rca-waterfall", { token: viewer, body });
    assert.equal(none.status, 400);
    assert.match(JSON.stringify(none.body), /EUR, USD/);

    const w = await call("POST", "/api/v1/charts/rca-waterfall", { token: viewer, body: { ...body, currency: "USD" } });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    const { waterfall, figure } = w.body.data;
    assert.equal(waterfall.currency, "USD");
    assert.equal(
      cents(waterfall.start.amount) + sum(waterfall.steps.map((s: any) => cents(s.change))),
      cents(waterfall.end.amount),
    );
    const trace = figure.data[0];
    assert.equal(trace.type, "waterfall");
    assert.deepEqual(trace.measure, ["absolute", ...waterfall.steps.map(() => "relative"), "total"]);
    assert.equal(trace.x.length, waterfall.steps.length + 2);
    // The exact amounts on the bars, the end plotted as the exact total.
    assert.deepEqual(trace.text, [
      waterfall.start.amount,
      ...waterfall.steps.map((s: any) => s.change),
      waterfall.end.amount,
    ]);
    assert.equal(trace.y.at(-1), Number(waterfall.end.amount));

    // format=svg: the same waterfall as the picture the console shows, titled with its currency.
    const svg = await call("POST", "/api/v1/charts/rca-waterfall?format=svg&width=800", {
      token: viewer,
      body: { ...body, currency: "USD" },
    });
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get("content-type") ?? "", /^image\/svg\+xml/);
    assert.match(svg.body, /^<svg[^>]*width="800"/);
    assert.match(svg.body, /Change [^<]*\(USD\)/);
    const empty = await call("POST", "/api/v1/charts/rca-waterfall?format=svg", {
      token: viewer,
      body: {
        ...body,
        baseline: { fiscalYear: 2030, periodFrom: 1, periodTo: 1 },
        comparison: { fiscalYear: 2031, periodFrom: 1, periodTo: 1 },
      },
    });
    assert.equal(empty.status, 400, "no postings: nothing to draw");
  });

  it("compares actuals with a customer's budget for the same cost centers and periods", async () => {
    await host.platform.budgets.createCustomer("acme", "Acme", { userId: "test" });
    const line = (costCenter: string, fiscalPeriod: string, minor: bigint, department = "Sales") =>
      host.platform.budgets.addLine({
        customerId: "acme",
        department,
        subCategory: "Travel",
        fiscalPeriod,
        costCenter,
        currency: "EUR",
        budgetedMinor: minor,
      });
    await line(driver.costCenterId, "FY2025 P03", 1_000_000_01n);
    await line("CC1001", "2025-03", 2_000_000_00n, "Finance");
    await line("CC1001", "FY2025 Q1", 9_999_999_99n); // only partly inside March: left out, counted
    await line("CC9999", "FY2025 P03", 500_000_00n); // a cost center with no actuals: vanished

    const r = await analyze(
      { budget: { customerId: "acme" }, comparison: march, dimensions: ["cost_center_id"] },
      admin,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const data = r.body.data;
    assert.equal(data.mode, "budget");
    const eur = data.currencies.find((c: any) => c.currency === "EUR");
    assert.equal(cents(eur.baseline), 1_000_000_01n + 2_000_000_00n + 500_000_00n);
    const actual = await sqlSum(
      sql`company_code_currency_key = 'EUR' and general_ledger_fiscal_year = 2025 and posting_period = 3 and cost_center_id in (${driver.costCenterId}, 'CC1001', 'CC9999')`,
    );
    assert.equal(cents(eur.comparison), actual);
    assert.equal(sum(eur.partition.map((p: any) => cents(p.change))), cents(eur.change));
    assert.deepEqual(
      eur.vanishedSegments.map((s: any) => [s.where.cost_center_id, s.change]),
      [["CC9999", "-500000.00"]],
    );
    assert.ok(eur.vanishedSegments[0].budgetLines.length === 1);
    assert.ok(
      data.notes.some((n: string) => /1 budget lines cover periods only partly/.test(n)),
      data.notes.join("\n"),
    );

    // Budget dimensions only; another customer's budget is 404 to a user not bound to it.
    const wrong = await analyze({ budget: { customerId: "acme" }, comparison: march, dimensions: ["supplier"] }, admin);
    assert.equal(wrong.status, 400);
    const hidden = await analyze({ budget: { customerId: "acme" }, comparison: march });
    assert.equal(hidden.status, 404);
    const admins = await analyze({ budget: { customerId: "acme" }, comparison: march }, admin);
    assert.equal(admins.status, 200);
  });

  it("refuses bad input with field messages, and the roles that may not read analytics", async () => {
    const bad = async (body: Record<string, unknown>, pattern: RegExp) => {
      const r = await analyze(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(r.body.error), pattern);
    };
    await bad({ baseline: feb, comparison: march, dimensions: ["colour"] }, /must be one of: ledger, company_code/);
    await bad({ baseline: feb, comparison: { ...march, periodFrom: 5, periodTo: 4 } }, /periodFrom must not be after/);
    await bad({ baseline: feb, comparison: { ...march, periodTo: 17 } }, /periodTo/);
    await bad({ comparison: march }, /either baseline/);
    await bad({ baseline: feb, budget: { customerId: "acme" }, comparison: march }, /either baseline/);
    await bad(
      {
        baseline: feb,
        comparison: march,
        dimensions: ["ledger", "region", "entity", "fund", "status", "supplier", "level_1"],
      },
      /dimensions/,
    );
    await bad({ baseline: feb, comparison: march, maxDepth: 4 }, /maxDepth/);
    await bad({ baseline: feb, comparison: march, filters: { dimensions: { colour: "red" } } }, /colour|filters/);

    const forViewer = await analyze({ baseline: feb, comparison: march }, viewer);
    assert.equal(forViewer.status, 403);
    const anonymous = await call("POST", "/api/v1/rca/analyze", { body: { baseline: feb, comparison: march } });
    assert.equal(anonymous.status, 401);
  });
});
