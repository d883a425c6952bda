import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classify, periodsIn, rangeBefore, type Vocabulary } from "../../../shared/systems/analytics/chat-intents.js";

const vocabulary: Vocabulary = {
  values: [
    { dimension: "functional_area", value: "TRAVEL" },
    { dimension: "functional_area_name", value: "Travel & Subsistence" },
    { dimension: "functional_area", value: "IT" },
    { dimension: "cost_center_id", value: "CC-4100" },
    { dimension: "region", value: "Flanders" },
  ],
  fiscalYears: [2023, 2024],
};

describe("the chat's question classifier", () => {
  it("reads 'what drove the increase in travel in March?' as an RCA of March against February of the latest year", () => {
    const c = classify("What drove the increase in travel in March?", vocabulary);
    assert.equal(c.intent, "rca");
    assert.deepEqual(c.parameters.values, { functional_area: "TRAVEL" });
    assert.deepEqual(c.parameters.period, { fiscalYear: 2024, periodFrom: 3, periodTo: 3 });
    assert.deepEqual(c.parameters.baseline, { fiscalYear: 2024, periodFrom: 2, periodTo: 2 });
    assert.equal(c.parameters.direction, "increase");
    assert.ok(c.confidence >= 0.5);
  });

  it("classifies each intent from its cues, in English, Dutch and French", () => {
    const cases: [string, string][] = [
      ["find outliers in IT spending", "anomaly"],
      ["Zijn er ongebruikelijke boekingen?", "anomaly"],
      ["show the monthly trend of travel", "trend"],
      ["Quelle est la tendance des dépenses ?", "trend"],
      ["give me a summary of the data", "eda"],
      ["total spend by cost center in Q1", "eda"],
      ["Waarom zijn de kosten gestegen in maart?", "rca"],
      ["show a heatmap of cost centers", "visualization"],
      ["help", "help"],
    ];
    for (const [question, intent] of cases) assert.equal(classify(question, vocabulary).intent, intent, question);
  });

  it("answers a question with no cue as help with low confidence, so a language model may decide", () => {
    const c = classify("bananas", vocabulary);
    assert.equal(c.intent, "help");
    assert.ok(c.confidence < 0.5);
  });

  it("keeps the room's context on a follow-up and changes only what it names", () => {
    const first = classify("What drove the increase in travel in March 2024?", vocabulary);
    const next = classify("and for Q2?", vocabulary, first);
    assert.equal(next.intent, "rca");
    assert.equal(next.followUp, true);
    assert.deepEqual(next.parameters.values, { functional_area: "TRAVEL" });
    assert.deepEqual(next.parameters.period, { fiscalYear: 2024, periodFrom: 4, periodTo: 6 });
    assert.deepEqual(next.parameters.baseline, { fiscalYear: 2024, periodFrom: 1, periodTo: 3 });
    const notFollowUp = classify("find outliers", vocabulary, first);
    assert.equal(notFollowUp.intent, "anomaly");
    assert.equal(notFollowUp.followUp, false);
  });

  it("extracts group-by dimensions, amounts, direction, the longest dimension value and charts", () => {
    const c = classify("any unusual decreases over 10k in Travel & Subsistence by cost center?", vocabulary);
    assert.equal(c.parameters.groupBy, "cost_center_id");
    assert.equal(c.parameters.minAmount, "10000");
    assert.equal(c.parameters.direction, "decrease");
    assert.deepEqual(c.parameters.values, { functional_area_name: "Travel & Subsistence" });
    assert.equal(classify("plot a waterfall", vocabulary).parameters.chart, "rca-waterfall");
    assert.equal(classify("plot spending", vocabulary).parameters.chart, "trend");
  });

  it("compares with last year when asked", () => {
    const c = classify("why did CC-4100 rise in Q3 2024 compared to last year?", vocabulary);
    assert.deepEqual(c.parameters.values, { cost_center_id: "CC-4100" });
    assert.deepEqual(c.parameters.period, { fiscalYear: 2024, periodFrom: 7, periodTo: 9 });
    assert.deepEqual(c.parameters.baseline, { fiscalYear: 2023, periodFrom: 7, periodTo: 9 });
  });
});

describe("periods in a question", () => {
  it("reads months, quarters, special periods and fiscal years", () => {
    assert.deepEqual(periodsIn("March 2023", [2023, 2024]), [{ fiscalYear: 2023, periodFrom: 3, periodTo: 3 }]);
    assert.deepEqual(periodsIn("in Q4", [2024]), [{ fiscalYear: 2024, periodFrom: 10, periodTo: 12 }]);
    assert.deepEqual(periodsIn("period 13 of FY2024", [2024]), [{ fiscalYear: 2024, periodFrom: 13, periodTo: 13 }]);
    assert.deepEqual(periodsIn("in 2023", [2023, 2024]), [{ fiscalYear: 2023, periodFrom: 1, periodTo: 12 }]);
    assert.deepEqual(periodsIn("you may see", [2024]), []);
  });

  it("steps back one period of the same length", () => {
    assert.deepEqual(rangeBefore({ fiscalYear: 2024, periodFrom: 1, periodTo: 1 }), {
      fiscalYear: 2023,
      periodFrom: 12,
      periodTo: 12,
    });
    assert.deepEqual(rangeBefore({ fiscalYear: 2024, periodFrom: 1, periodTo: 3 }), {
      fiscalYear: 2023,
      periodFrom: 10,
      periodTo: 12,
    });
    assert.deepEqual(rangeBefore({ fiscalYear: 2024, periodFrom: 1, periodTo: 12 }), {
      fiscalYear: 2023,
      periodFrom: 1,
      periodTo: 12,
    });
  });
});
