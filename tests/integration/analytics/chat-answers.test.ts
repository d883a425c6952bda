import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PLANTED } from "../../../shared/systems/analytics/index.js";
import { startFakeLlm } from "../../support/fake-llm.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

const QUESTION = "What drove the increase in travel in March?";
const LIMITS = { RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_BURST: "10000" };

async function analystOn(host: TestHost) {
  const call = apiClient(host.url);
  const token = await tokenFor(call, await loginAs(call), "ana", ["analyst"]);
  const roomId = (await call("POST", "/api/v1/rooms", { token, body: {} })).body.data.room_id as string;
  const ask = async (message: string) => {
    const r = await call("POST", `/api/v1/chat/${roomId}`, { token, body: { message } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.data.answer;
  };
  return { call, token, ask };
}

describe("grounded chat answers on the seeded dataset", () => {
  describe("without a language model", () => {
    let host: TestHost;
    let analyst: Awaited<ReturnType<typeof analystOn>>;
    before(async () => {
      host = await startTestHost({ ENABLED_SYSTEMS: "identity,budgets,analytics", ...LIMITS }, { timers: false });
      analyst = await analystOn(host);
    });
    after(() => host?.stop());

    it("answers 'what drove the increase in travel in March?' with the planted driver and cites its calculation", async () => {
      const answer = await analyst.ask(QUESTION);
      assert.equal(answer.intent, "rca");
      const { driver } = PLANTED;
      assert.deepEqual(answer.query.parameters.comparison, {
        fiscalYear: driver.fiscalYear,
        periodFrom: driver.postingPeriod,
        periodTo: driver.postingPeriod,
      });
      assert.deepEqual(answer.query.parameters.filters, { dimensions: { functional_area: driver.functionalArea } });
      const mainDrivers = /Main drivers: 1\. ([^;\n]*)/.exec(answer.content)?.[1] ?? "";
      assert.ok(
        mainDrivers.includes(driver.costCenterId) || mainDrivers.includes(driver.supplier),
        `the top driver names ${driver.costCenterId} or ${driver.supplier}: ${answer.content}`,
      );
      assert.match(answer.content, /Source: POST \/api\/v1\/rca\/analyze/);
      assert.equal(answer.summary.phrasing, "rules");
      assert.equal(answer.chart_data.data[0].type, "waterfall");

      // The same chart as a picture (what the console shows), for its owner only.
      const chartPath = `/api/v1/rooms/${answer.room_id}/messages/${answer.message_id}/chart`;
      const svg = await analyst.call("GET", `${chartPath}?format=svg`, { token: analyst.token });
      assert.equal(svg.status, 200);
      assert.match(svg.headers.get("content-type") ?? "", /^image\/svg\+xml/);
      assert.match(svg.body, /^<svg/);
      const figure = await analyst.call("GET", chartPath, { token: analyst.token });
      assert.deepEqual(figure.body.data, answer.chart_data);
      const other = await tokenFor(analyst.call, await loginAs(analyst.call), "otto", ["analyst"]);
      assert.equal((await analyst.call("GET", `${chartPath}?format=svg`, { token: other })).status, 404);

      // The cited calculation, run through its route, gives the numbers the answer states.
      const cited = await analyst.call("POST", "/api/v1/rca/analyze", {
        token: analyst.token,
        body: answer.query.parameters,
      });
      assert.equal(cited.status, 200, JSON.stringify(cited.body));
      for (const currency of cited.body.data.currencies) {
        assert.ok(answer.content.includes(currency.change.replace(/^(?!-)/, "+")), `${currency.change} in the answer`);
      }
    });

    it("answers summary, breakdown and trend questions from the EDA routes it cites", async () => {
      const summary = await analyst.ask("Give me a summary of travel in March 2025");
      assert.equal(summary.intent, "eda");
      const [method, path] = summary.query.route.split(" ");
      assert.equal(method, "GET");
      assert.match(path, /^\/api\/v1\/eda\?/);
      assert.match(path, /functional_area=TRAVEL/);
      const eda = await analyst.call("GET", path, { token: analyst.token });
      assert.equal(eda.status, 200, JSON.stringify(eda.body));
      for (const total of eda.body.data.totals) {
        assert.ok(summary.content.includes(`${total.currency}: total ${total.amount}`), summary.content);
      }

      const breakdown = await analyst.ask("total spend by cost center in Q1 2025");
      assert.equal(breakdown.intent, "eda");
      assert.match(breakdown.query.route, /^GET \/api\/v1\/eda\/breakdown\/cost_center_id\?/);
      const byCostCenter = await analyst.call("GET", breakdown.query.route.split(" ")[1], { token: analyst.token });
      assert.equal(byCostCenter.status, 200, JSON.stringify(byCostCenter.body));
      const first = byCostCenter.body.data.items[0];
      assert.ok(breakdown.content.includes(`1. ${first.value}: ${first.currency} ${first.amount}`), breakdown.content);

      const trend = await analyst.ask("How did travel evolve over time?");
      assert.equal(trend.intent, "trend");
      assert.match(trend.query.route, /^GET \/api\/v1\/eda\/timeseries\?/);
      const series = await analyst.call("GET", trend.query.route.split(" ")[1], { token: analyst.token });
      assert.equal(series.status, 200, JSON.stringify(series.body));
      const points = series.body.data.series[0].points.filter((p: any) => !p.special);
      assert.ok(trend.content.includes(`${points.at(-1).period} ${points.at(-1).amount}`), trend.content);
    });

    it("answers anomaly questions from the detect route it cites, and draws charts on request", async () => {
      const answer = await analyst.ask("Are there any unusual postings?");
      assert.equal(answer.intent, "anomaly");
      assert.match(answer.query.route, /^GET \/api\/v1\/anomaly\/detect\?/);
      const detected = await analyst.call("GET", answer.query.route.split(" ")[1], { token: analyst.token });
      assert.equal(detected.status, 200, JSON.stringify(detected.body));
      assert.ok(detected.body.data.items.length > 0, "the planted outliers are found");
      const first = detected.body.data.items[0];
      assert.ok(answer.content.includes(`${first.currency} ${first.amount}`), answer.content);

      const heatmap = await analyst.ask("show a heatmap of cost centers");
      assert.equal(heatmap.intent, "visualization");
      assert.equal(heatmap.chart_data.data[0].type, "heatmap");
    });

    it("keeps the context on a follow-up", async () => {
      await analyst.ask(QUESTION);
      const next = await analyst.ask("and for Q2?");
      assert.equal(next.intent, "rca");
      assert.equal(next.summary.classification.followUp, true);
      assert.deepEqual(next.query.parameters.comparison, {
        fiscalYear: PLANTED.driver.fiscalYear,
        periodFrom: 4,
        periodTo: 6,
      });
      assert.deepEqual(next.query.parameters.baseline, {
        fiscalYear: PLANTED.driver.fiscalYear,
        periodFrom: 1,
        periodTo: 3,
      });
      assert.deepEqual(next.query.parameters.filters, {
        dimensions: { functional_area: PLANTED.driver.functionalArea },
      });
    });
  });

  describe("with a language model (a local fake)", () => {
    let host: TestHost;
    let analyst: Awaited<ReturnType<typeof analystOn>>;
    let phrasing: (result: string) => string = () => "";
    const llm = startFakeLlm((request) => {
      const system = request.messages[0]?.content ?? "";
      if (system.startsWith("Classify")) return "anomaly";
      const result = /Result: ([\s\S]*)$/.exec(request.messages[1]?.content ?? "")?.[1] ?? "";
      return phrasing(result);
    });
    before(async () => {
      host = await startTestHost(
        {
          ENABLED_SYSTEMS: "identity,budgets,analytics",
          ANALYTICS_LLM_URL: (await llm).url,
          ANALYTICS_LLM_API_KEY: "test-llm-key",
          ...LIMITS,
        },
        { timers: false },
      );
      analyst = await analystOn(host);
    });
    after(async () => {
      await host?.stop();
      await (await llm).close();
    });

    it("uses the model's phrasing when every number in it comes from the calculation", async () => {
      phrasing = (result) => `In short: ${/a change of ([+-]?[\d.]*\d)/.exec(result)?.[1] ?? ""} overall.`;
      const answer = await analyst.ask(QUESTION);
      assert.equal(answer.summary.phrasing, "language model");
      assert.match(answer.content, /^In short: [+-]?\d/);
      assert.equal((await llm).requests.at(-1)!.authorization, "Bearer test-llm-key");
    });

    it("replaces a phrasing that cites a number the calculation did not produce", async () => {
      phrasing = () => "Travel rose by 987654.32 because of the weather.";
      const answer = await analyst.ask(QUESTION);
      assert.match(answer.summary.phrasing, /^rules \(the language model cited numbers/);
      assert.doesNotMatch(answer.content, /987654/);
      assert.match(answer.content, /Main drivers: 1\./);
    });
  });
});
