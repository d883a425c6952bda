import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  editDistance,
  matchHeader,
  normalizeHeader,
  yearlessHeader,
} from "../../../../shared/kernel/column-mapping/header-text.js";

describe("header normalisation", () => {
  it("folds case, accents, punctuation, camelCase and ß", () => {
    assert.equal(normalizeHeader("  Subcategoría "), "subcategoria");
    assert.equal(normalizeHeader("Währung"), "wahrung");
    assert.equal(normalizeHeader("Straße"), "strasse");
    assert.equal(normalizeHeader("budgetedAmount"), "budgeted amount");
    assert.equal(normalizeHeader("cost_center-ID"), "cost center id");
    assert.equal(normalizeHeader("R&D (€)"), "r and d");
    assert.equal(normalizeHeader("Département"), "departement");
  });

  it("drops 4-digit and FY years for the remembered shape, but not other numbers", () => {
    assert.equal(yearlessHeader("FY2017 Budget"), "budget");
    assert.equal(yearlessHeader("2024 Budget"), "budget");
    assert.equal(yearlessHeader("Level 7"), "level 7");
  });
});

describe("edit distance (optimal string alignment)", () => {
  it("counts a swap of adjacent letters as one edit", () => {
    assert.equal(editDistance("departmnet", "department"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("same", "same"), 0);
    // OSA, not full Damerau-Levenshtein: a swapped pair is never edited again.
    assert.equal(editDistance("ca", "abc"), 3);
  });
});

describe("matching a header with an alias", () => {
  const match = (header: string, alias: string) => matchHeader(normalizeHeader(header), normalizeHeader(alias), alias);

  it("ignores year tokens on the header unless the alias has digits itself", () => {
    assert.equal(match("FY2017 Budget", "budget")?.score, 1);
    assert.equal(match("20 Budget", "budget")?.score, 1);
    assert.deepEqual(match("FY2017 Budget", "budget")?.ignored, ["fy2017"]);
    assert.equal(match("Level 1", "level 1")?.score, 1);
    assert.equal(match("Level 7", "level 1"), undefined);
  });

  it("tolerates typos in long words only", () => {
    assert.deepEqual([match("Departmnet", "department")?.kind, match("Departmnet", "department")?.edits], ["typo", 1]);
    assert.equal(match("Amt", "art"), undefined);
    assert.equal(match("Costcenter", "cost center")?.kind, "exact");
  });

  it("takes a plural for its singular", () => {
    assert.equal(match("Line Items", "line item")?.kind, "exact");
    assert.equal(match("Categories", "category")?.kind, "exact");
    assert.equal(match("Amounts", "amount")?.kind, "exact");
    assert.equal(match("Costes", "coste")?.kind, "exact");
    assert.equal(match("Item", "items"), undefined);
  });

  it("scores a longer header containing the alias below an exact match", () => {
    const contains = match("Cost Center Name", "cost center");
    assert.equal(contains?.kind, "contains");
    assert.ok(contains.score < 0.95 && contains.score >= 0.75, String(contains?.score));
    assert.equal(match("Approved", "approved amount"), undefined);
  });
});
