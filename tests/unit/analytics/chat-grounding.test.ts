import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalNumber, strayNumbers } from "../../../shared/systems/analytics/chat-grounding.js";

describe("grounding a language model's phrasing", () => {
  it("compares numbers by value whatever the separators", () => {
    assert.equal(canonicalNumber("1,234.50"), "1234.5");
    assert.equal(canonicalNumber("1.234,50"), "1234.5");
    assert.equal(canonicalNumber("1234.5"), "1234.5");
    assert.equal(canonicalNumber("1.234.567"), "1234567");
    assert.equal(canonicalNumber("007"), "7");
  });

  it("accepts a phrasing that cites only the calculation's numbers", () => {
    const answer = "Travel rose by EUR 12,400.00 (31.2%) from February to March 2024; CC-4100 explains EUR 9,800.00.";
    assert.deepEqual(
      strayNumbers("In March 2024 travel went up 12400 euro (31.2%), mostly CC-4100 with 9.800,00.", [answer]),
      [],
    );
  });

  it("names every number the calculation did not produce", () => {
    const answer = "Travel rose by EUR 12,400.00 in March 2024.";
    assert.deepEqual(strayNumbers("Travel rose by EUR 15,000 in March 2024, about 20%.", [answer]), ["15000", "20"]);
  });
});
