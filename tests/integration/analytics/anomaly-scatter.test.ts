import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, tokenFor, type TestHost } from "../../support/test-host.js";
import { startSeededAnalyticsHost } from "./seeded-analytics-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let analyst: string;

/** Every page of `/anomaly/detect` for the query. */
async function detected(query: string): Promise<any[]> {
  const items: any[] = [];
  for (let page = 1; ; page++) {
    const r = await call("GET", `/api/v1/anomaly/detect?${query}&page=${page}&pageSize=100`, { token: analyst });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    items.push(...r.body.data.items);
    if (page >= r.body.data.pagination.totalPages) return items;
  }
}

/** The scatter's highlighted points as `costCenter@period`, its currency and its title. */
async function highlighted(query: string) {
  const r = await call("GET", `/api/v1/charts/anomaly-scatter?${query}`, { token: analyst });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const traces: any[] = r.body.data.data;
  const marked = traces.find((t) => t.name.startsWith("Anomaly"));
  const title: string = r.body.data.layout.title.text;
  const currency = /\((\w{3})\)/.exec(title)![1]!;
  const ids = marked.x.map((x: string, i: number) => `${(marked.text[i] as string).split(" ")[0]}@${x}`);
  const points = traces.reduce((n, t) => n + t.x.length, 0);
  return { ids: ids.sort() as string[], currency, title, legend: marked.name as string, points };
}

/** Detect's trend findings on cost centers in one currency, as `costCenter@period`. */
const segmentsOf = (items: any[], currency: string) =>
  items
    .filter((a) => a.subject.kind === "segment" && a.currency === currency && a.subject.value !== null)
    .map((a) => `${a.subject.value}@${a.subject.monthYear}`)
    .sort();

// The row detectors do not decide what the scatter marks; strict ones keep detect's pages few.
const FEW_ROW_FINDINGS = "threshold=10&contamination=0.001";

describe("anomaly scatter marks exactly what /anomaly/detect reports", () => {
  before(async () => {
    host = await startSeededAnalyticsHost();
    call = apiClient(host.url);
    analyst = await tokenFor(call, await loginAs(call), "ana", ["analyst"]);
  });
  after(async () => host?.stop());

  it("default parameters: the same cost center periods, count and ids", async () => {
    const scatter = await highlighted("top=100");
    const expected = segmentsOf(await detected("direction=both"), scatter.currency);
    assert.ok(expected.length > 0);
    assert.deepEqual(scatter.ids, expected);
    assert.equal(scatter.legend, "Anomaly (month over month beyond ±30%)");
  });

  for (const query of [
    "direction=increase",
    "direction=decrease&minAmount=5000",
    "minAmount=20000.50&changeThreshold=50",
    "fiscalYear=2025&periodFrom=2&periodTo=9",
    "companyCode=3000",
    "functional_area=TRAVEL&direction=increase",
  ])
    it(`the same filters, direction and materiality: ${query}`, async () => {
      const scatter = await highlighted(`top=100&${query}`);
      const expected = segmentsOf(await detected(`${query}&${FEW_ROW_FINDINGS}`), scatter.currency);
      assert.ok(expected.length > 0, query);
      assert.deepEqual(scatter.ids, expected, query);
    });

  it("fewer cost centers drawn than have findings: the title counts the ones not drawn", async () => {
    const all = await highlighted("top=100");
    const few = await highlighted("top=5");
    assert.ok(few.ids.every((id) => all.ids.includes(id)));
    assert.ok(few.ids.length < all.ids.length);
    assert.match(few.title, new RegExp(`; ${all.ids.length - few.ids.length} more outside the cost centers drawn`));
  });
});
