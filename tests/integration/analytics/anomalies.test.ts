import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PLANTED } from "../../../shared/systems/analytics/index.js";
import { apiClient, loginAs, tokenFor, type TestHost } from "../../support/test-host.js";
import { startSeededAnalyticsHost } from "./seeded-analytics-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let analyst: string;
let viewer: string;

const references = (items: any[]) => items.flatMap((a) => a.evidence.map((e: any) => e.reference));

describe("anomalies over HTTP on the seeded dataset", () => {
  before(async () => {
    host = await startSeededAnalyticsHost();
    call = apiClient(host.url);
    const admin = await loginAs(call);
    analyst = await tokenFor(call, admin, "ana", ["analyst"]);
    viewer = await tokenFor(call, admin, "vic", ["viewer"]);
  });
  after(async () => host?.stop());

  it("statistical: the planted single-row outliers, explained with their peer group's band", async () => {
    const r = await call("GET", "/api/v1/anomaly/statistical?pageSize=100", { token: analyst });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const found = references(r.body.data.items);
    for (const o of PLANTED.outliers) assert.ok(found.includes(o.reference), `${o.reference} in ${found.join(", ")}`);
    const credit = r.body.data.items.find((a: any) => a.evidence[0].reference === PLANTED.outliers[3].reference);
    assert.equal(credit.direction, "decrease");
    const finding = credit.findings[0];
    assert.equal(finding.peerGroup.dimensions.cost_center_id, PLANTED.outliers[3].costCenterId);
    assert.match(finding.peerGroup.normalRange.low, /^-?\d+\.\d{2}$/);
    assert.deepEqual(r.body.data.parameters, { method: "zscore", threshold: 2.5, peerGroup: "cost_center_id" });
  });

  it("ml: the isolation forest ranks the planted outliers high, the same answer twice, attribution named", async () => {
    const first = await call("GET", "/api/v1/anomaly/ml?pageSize=100", { token: analyst });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const again = await call("GET", "/api/v1/anomaly/ml?pageSize=100", { token: analyst });
    assert.deepEqual(again.body.data, first.body.data);
    const found = references(first.body.data.items);
    for (const o of PLANTED.outliers) assert.ok(found.includes(o.reference), `${o.reference} in ${found.join(", ")}`);
    assert.match(first.body.data.items[0].findings[0].method, /isolation forest \(100 trees, subsample 256/);
    assert.equal(first.body.data.parameters.contamination, 0.05);
  });

  it("trends: the planted month-over-month spike, up on its previous month", async () => {
    const { dimension, value, monthYear } = PLANTED.spike;
    const r = await call(
      "GET",
      `/api/v1/anomaly/trends?dimension=${dimension}&${dimension}=${value}&direction=increase&pageSize=100`,
      {
        token: analyst,
      },
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const spike = r.body.data.items.filter((a: any) => a.subject.value === value && a.subject.monthYear === monthYear);
    assert.ok(
      spike.length > 0,
      JSON.stringify(r.body.data.items.map((a: any) => [a.key, a.findings[0].contributions[0].detail])),
    );
    assert.ok(spike[0].findings[0].score * 100 > PLANTED.spike.minimumChangePct);
    assert.ok(spike[0].evidence.length > 0);
    assert.ok(r.body.data.items.every((a: any) => a.direction === "increase"));
  });

  it("detect: merged and ranked; materiality and direction filter", async () => {
    const r = await call("GET", "/api/v1/anomaly/detect?pageSize=100", { token: analyst });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const items = r.body.data.items;
    assert.equal(new Set(items.map((a: any) => a.key)).size, items.length);
    const both = items.find((a: any) => a.detectors.includes("statistical") && a.detectors.includes("ml"));
    assert.ok(both, "a row found by two detectors is one entry");
    assert.ok(items[0].rankScore >= items[items.length - 1].rankScore);
    const material = await call("GET", "/api/v1/anomaly/detect?minAmount=100000&direction=decrease", {
      token: analyst,
    });
    assert.equal(material.status, 200);
    for (const a of material.body.data.items) {
      assert.equal(a.direction, "decrease");
      assert.ok(Math.abs(Number(a.amount)) >= 100000, a.amount);
    }
  });

  it("bad parameters are 400 with the field named; unknown dimension lists the allowed ones", async () => {
    for (const q of [
      "threshold=0",
      "threshold=abc",
      "method=iqr",
      "peerGroup=colour",
      "minAmount=-5",
      "pageSize=1000",
      "periodFrom=9&periodTo=3",
      "colour=red",
    ]) {
      const r = await call("GET", `/api/v1/anomaly/statistical?${q}`, { token: analyst });
      assert.equal(r.status, 400, q);
    }
    const unknown = await call("GET", "/api/v1/anomaly/trends?dimension=colour", { token: analyst });
    assert.match(JSON.stringify(unknown.body), /cost_center_id/);
    for (const q of ["contamination=0.9", "trees=5", "subsample=99999"]) {
      const r = await call("GET", `/api/v1/anomaly/ml?${q}`, { token: analyst });
      assert.equal(r.status, 400, q);
    }
  });

  it("analyst and finance read anomalies; a viewer and an anonymous caller do not", async () => {
    assert.equal((await call("GET", "/api/v1/anomaly/trends", { token: viewer })).status, 403);
    assert.equal((await call("GET", "/api/v1/anomaly/trends")).status, 401);
  });
});
