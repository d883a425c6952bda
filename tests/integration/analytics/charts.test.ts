import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { PlatformTables } from "../../../shared/catalog.js";
import { tablesOf } from "../../../shared/foundation/sql/database.js";
import { rebuildExpenseCells, type AnalyticsTables } from "../../../shared/systems/analytics/index.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let viewer: string;

const INJECTED = `<script>alert("x")</script>`;
const AREAS = ["Travel", "IT", INJECTED] as const;
const CENTERS = ["CC100", "CC200", "CC300"] as const;

interface Line {
  period: number;
  center: string;
  area: string;
  currency: string;
  minor: number; // signed
}

/** A small known dataset: 3 cost centers × 6 periods × 3 areas in EUR, CC100 period 6 ten times its usual, some USD. */
const LINES: Line[] = [];
for (let period = 1; period <= 6; period++)
  CENTERS.forEach((center, c) =>
    AREAS.forEach((area, a) => {
      let minor = 10_000 + period * 137 + c * 5_000 + a * 2_500;
      if (center === "CC100" && period === 6) minor *= 10;
      LINES.push({ period, center, area, currency: "EUR", minor });
      if (a === 0 && period % 2 === 0) LINES.push({ period, center, area, currency: "EUR", minor: -1_234 });
    }),
  );
LINES.push({ period: 1, center: "CC100", area: "Travel", currency: "USD", minor: 999_999 });
LINES.push({ period: 2, center: "CC200", area: "IT", currency: "USD", minor: 555_555 });

const eur = LINES.filter((l) => l.currency === "EUR");
const sumMinor = (lines: Line[]) => lines.reduce((n, l) => n + l.minor, 0);
const money = (minor: number) => Number((minor / 100).toFixed(2));
const monthYear = (period: number) => `2024-${String(period).padStart(2, "0")}`;

function seed(dataDir: string): void {
  const db = new Database(join(dataDir, "platform.sqlite"));
  db.pragma("busy_timeout = 5000");
  const insert = db.prepare(
    `insert into finance_expense (posting_period, company_code, company_code_currency_key,
      company_code_currency_value_minor, debit_credit_ind, amount_minor, cost_center_id, cost_center_name,
      functional_area_name, general_ledger_fiscal_year, month_year, row_fingerprint, loaded_at)
     values (?, '1000', ?, ?, ?, ?, ?, ?, ?, 2024, ?, ?, '2024-07-01T00:00:00.000Z')`,
  );
  db.transaction(() =>
    LINES.forEach((l, i) =>
      insert.run(
        l.period,
        l.currency,
        Math.abs(l.minor),
        l.minor < 0 ? "H" : "S",
        l.minor,
        l.center,
        `Center ${l.center}`,
        l.area,
        monthYear(l.period),
        `fp-${i}`,
      ),
    ),
  )();
  db.close();
}

async function svgOf(path: string, token: string) {
  const r = await fetch(host.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
const svgTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!));

function assertFigure(figure: any): void {
  assert.ok(Array.isArray(figure.data) && figure.data.length > 0, "data traces");
  assert.equal(typeof figure.layout, "object");
  for (const trace of figure.data) {
    if (trace.type === "heatmap") {
      assert.equal(trace.z.length, trace.y.length, "a heatmap row per y");
      for (const row of trace.z) assert.equal(row.length, trace.x.length, "a cell per x");
      continue;
    }
    const arrays = ["x", "y", "labels", "values", "text", "measure"].filter((k) => Array.isArray(trace[k]));
    const lengths = arrays.map((k) => trace[k].length);
    assert.ok(
      lengths.every((n) => n === lengths[0]),
      `equal lengths in ${trace.type}: ${arrays.join(",")}`,
    );
  }
}

describe("analytics charts and dashboard", () => {
  before(async () => {
    host = await startTestHost({
      ANALYTICS_SEED_ROWS: "0",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
    });
    call = apiClient(host.url);
    const admin = await loginAs(call);
    viewer = await tokenFor(call, admin, "charts-viewer", ["viewer"]);
    seed(host.dataDir);
    // Rows written beside the app: their pre-summed cells are recomputed, as after any outside load.
    await rebuildExpenseCells(tablesOf<AnalyticsTables, PlatformTables>(host.platform.database.db));
  });
  after(async () => host?.stop());

  it("trend: one point per period, the sums of the dominant currency (EUR), as a Plotly line", async () => {
    const r = await call("GET", "/api/v1/charts/trend", { token: viewer });
    assert.equal(r.status, 200);
    const figure = r.body.data;
    assertFigure(figure);
    const [trace] = figure.data;
    assert.equal(trace.type, "scatter");
    assert.deepEqual(trace.x, [1, 2, 3, 4, 5, 6].map(monthYear));
    assert.deepEqual(
      trace.y,
      [1, 2, 3, 4, 5, 6].map((p) => money(sumMinor(eur.filter((l) => l.period === p)))),
    );
    assert.match(figure.layout.title.text, /EUR/);
    // The other currency on its own, never added to EUR.
    const usd = await call("GET", "/api/v1/charts/trend?company_code_currency_key=USD", { token: viewer });
    assert.deepEqual(usd.body.data.data[0].y, [9999.99, 5555.55]);
  });

  it("category breakdown: shares by dimension value with filters; bar variant; unknown dimension is 400", async () => {
    const r = await call(
      "GET",
      "/api/v1/charts/category-breakdown?dimension=functional_area_name&periodFrom=2&periodTo=5",
      {
        token: viewer,
      },
    );
    assert.equal(r.status, 200);
    assertFigure(r.body.data);
    const [pie] = r.body.data.data;
    assert.equal(pie.type, "pie");
    const inRange = eur.filter((l) => l.period >= 2 && l.period <= 5);
    const expected = new Map(AREAS.map((a) => [a, money(sumMinor(inRange.filter((l) => l.area === a)))]));
    assert.equal(pie.labels.length, 3);
    pie.labels.forEach((label: string, i: number) => assert.equal(pie.values[i], expected.get(label as never), label));

    const bar = await call("GET", "/api/v1/charts/category-breakdown?dimension=cost_center_id&chart=bar&top=2", {
      token: viewer,
    });
    assert.equal(bar.body.data.data[0].type, "bar");
    const ranked = [...CENTERS].sort(
      (a, b) => sumMinor(eur.filter((l) => l.center === b)) - sumMinor(eur.filter((l) => l.center === a)),
    );
    assert.deepEqual(bar.body.data.data[0].x, [...ranked.slice(0, 2), "Other"]);
    const total = bar.body.data.data[0].y.reduce((a: number, b: number) => a + b, 0);
    assert.equal(Number(total.toFixed(2)), money(sumMinor(eur)), "top values and Other add up to the total");

    const bad = await call("GET", "/api/v1/charts/category-breakdown?dimension=salary", { token: viewer });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body.error), /functional_area_name/);
    const typo = await call("GET", "/api/v1/charts/trend?cost_centre=CC100", { token: viewer });
    assert.equal(typo.status, 400);
  });

  it("heatmap: cost center × period cells equal the SQL sums", async () => {
    const r = await call("GET", "/api/v1/charts/heatmap", { token: viewer });
    assert.equal(r.status, 200);
    const [trace] = r.body.data.data;
    assert.equal(trace.type, "heatmap");
    assert.deepEqual(trace.x, [1, 2, 3, 4, 5, 6].map(monthYear));
    assert.equal(trace.z.length, trace.y.length);
    for (const [row, label] of (trace.y as string[]).entries()) {
      const center = label.split(" ")[0]!;
      assert.equal(trace.z[row].length, trace.x.length);
      (trace.x as string[]).forEach((period, column) =>
        assert.equal(
          trace.z[row][column],
          money(sumMinor(eur.filter((l) => l.center === center && monthYear(l.period) === period))),
        ),
      );
    }
  });

  it("anomaly scatter: the planted CC100 period 6 is the anomaly (the trend detector's finding)", async () => {
    const r = await call("GET", "/api/v1/charts/anomaly-scatter?changeThreshold=50", { token: viewer });
    assert.equal(r.status, 200);
    assertFigure(r.body.data);
    const anomalies = r.body.data.data.find((t: any) => t.name.startsWith("Anomaly"));
    assert.deepEqual(anomalies.x, ["2024-06"]);
    assert.match(anomalies.text[0], /^CC100 .*2024-05.*%/, "names the month it jumped from and by how much");
    assert.equal(anomalies.y[0], money(sumMinor(eur.filter((l) => l.center === "CC100" && l.period === 6))));
  });

  it("format=svg: a well-formed SVG with title and series labels; a <script> value is escaped", async () => {
    for (const path of [
      "/api/v1/charts/trend?format=svg",
      "/api/v1/charts/category-breakdown?format=svg&chart=bar&width=1200",
      "/api/v1/charts/heatmap?format=svg",
      "/api/v1/charts/anomaly-scatter?format=svg",
      "/api/v1/dashboard?format=svg",
    ]) {
      const r = await svgOf(path, viewer);
      assert.equal(r.status, 200, path);
      assert.match(r.type!, /^image\/svg\+xml/, path);
      assert.match(r.text, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, path);
      assert.match(r.text, /<\/svg>$/, path);
      assert.ok(!r.text.includes("<script"), `${path}: no script element`);
    }
    const breakdown = await svgOf("/api/v1/charts/category-breakdown?format=svg&chart=bar&width=1200", viewer);
    const texts = svgTexts(breakdown.text);
    assert.ok(
      texts.some((t) => t.startsWith("Expenses by functional area name")),
      texts.join("|"),
    );
    assert.ok(texts.includes(INJECTED), "the value is shown as text");
    assert.match(breakdown.text, /&lt;script&gt;alert/);
    const trend = svgTexts((await svgOf("/api/v1/charts/trend?format=svg", viewer)).text);
    assert.ok(trend.includes("Amount") && trend.includes("2024-03"), trend.join("|"));
    const tooWide = await svgOf("/api/v1/charts/trend?format=svg&width=99999", viewer);
    assert.equal(tooWide.status, 400);
  });

  it("dashboard: KPIs and four figures over the same filter; charts/available lists the charts", async () => {
    const r = await call("GET", "/api/v1/dashboard?fiscalYear=2024", { token: viewer });
    assert.equal(r.status, 200);
    const view = r.body.data;
    assert.equal(view.currency, "EUR");
    assert.equal(view.kpis.totalAmount, (sumMinor(eur) / 100).toFixed(2));
    assert.equal(view.kpis.lines, eur.length);
    assert.deepEqual([view.kpis.firstPeriod, view.kpis.lastPeriod], ["2024-01", "2024-06"]);
    assert.deepEqual(
      view.charts.map((c: any) => c.id),
      ["trend", "category-breakdown", "heatmap", "anomaly-scatter"],
    );
    view.charts.forEach((c: any) => assertFigure(c.figure));

    const available = await call("GET", "/api/v1/charts/available", { token: viewer });
    assert.equal(available.status, 200);
    assert.ok(available.body.data.charts.some((c: any) => c.id === "rca-waterfall"));
  });

  it("unauthenticated callers get 401", async () => {
    for (const path of ["/api/v1/charts/trend", "/api/v1/dashboard", "/api/v1/charts/available"]) {
      assert.equal((await call("GET", path)).status, 401, path);
    }
  });
});
