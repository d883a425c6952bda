import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  analyzeBudgetColumns,
  applyLearnedMapping,
  BUDGET_TARGETS,
  headerShapeKey,
  type LearnedMapping,
  proposeMappings,
} from "../../../../shared/kernel/column-mapping/index.js";

// A customer's odd layout the mapper alone would not get right: "Owner" holds departments.
const LEARNED: LearnedMapping = {
  importId: "imp_42",
  mappings: [
    { sourceColumn: "Owner", targetField: "department" },
    { sourceColumn: "Line", targetField: "subCategory" },
    { sourceColumn: "FY2017", targetField: "fiscalPeriod" },
    { sourceColumn: "FY2017 Budget", targetField: "budgetedAmount" },
    { sourceColumn: "Ccy", targetField: "currency" },
  ],
};

describe("header-shape key", () => {
  it("is the same for the same columns in any order, case or year", () => {
    const key = headerShapeKey(["Owner", "Line", "FY2017 Budget", "Ccy"]);
    assert.equal(headerShapeKey(["ccy", "FY2017 budget", "LINE", " Owner "]), key);
    assert.equal(headerShapeKey(["Owner", "Line", "FY2018 Budget", "Ccy"]), key);
  });

  it("stays the same across releases, or every stored mapping would be forgotten", () => {
    // SHA-256 of ["budget","currency","department"] as JSON.
    assert.equal(
      headerShapeKey(["Department", "FY2024 Budget", "Currency"]),
      "hs1:d0ab64db2b974c5c86c723c9d8b81096a8f41d3ef4c277eb2b6661dfb8aaf609",
    );
  });

  it("differs when a column is added, removed or renamed", () => {
    const key = headerShapeKey(["Owner", "Line", "Budget"]);
    assert.notEqual(headerShapeKey(["Owner", "Line", "Budget", "Notes"]), key);
    assert.notEqual(headerShapeKey(["Owner", "Line"]), key);
    assert.notEqual(headerShapeKey(["Owner", "Line", "Budget", "Budget"]), key);
    assert.notEqual(headerShapeKey(["Owner", "Item", "Budget"]), key);
  });
});

describe("learned mapping", () => {
  const headers = ["Owner", "Line", "FY2017", "FY2017 Budget", "Ccy", "Notes"];

  it("is proposed first, with confidence 1 and the import it came from", () => {
    const proposal = proposeMappings(
      { headers, rows: [["Sales", "Travel", "FY2017", "100", "EUR", "x"]] },
      BUDGET_TARGETS,
      { learned: LEARNED },
    );
    assert.equal(proposal.learnedFrom, "imp_42");
    assert.deepEqual(
      proposal.mappings.map((m) => [m.sourceColumn, m.targetField, m.confidence, m.reason]),
      LEARNED.mappings.map((m) => [m.sourceColumn, m.targetField, 1, "learned from import imp_42"]),
    );
    assert.deepEqual(proposal.unmapped, [
      { sourceColumn: "Notes", columnIndex: 5, reason: "not in the mapping learned from import imp_42" },
    ]);
    assert.deepEqual(proposal.missingRequired, []);
  });

  it("follows next year's renamed year columns and reordered columns", () => {
    const mappings = applyLearnedMapping(["Ccy", "FY2018 Budget", "Owner", "FY2018", "Line"], LEARNED)!;
    assert.deepEqual(
      mappings.map((m) => [m.columnIndex, m.sourceColumn, m.targetField]),
      [
        [0, "Ccy", "currency"],
        [1, "FY2018 Budget", "budgetedAmount"],
        [2, "Owner", "department"],
        [3, "FY2018", "fiscalPeriod"],
        [4, "Line", "subCategory"],
      ],
    );
  });

  it("is not used when a learned column is missing or a target is no longer a field", () => {
    assert.equal(applyLearnedMapping(["Owner", "Line", "FY2017 Budget", "Ccy"], LEARNED), undefined);
    const renamed: LearnedMapping = {
      importId: "imp_1",
      mappings: [{ sourceColumn: "Owner", targetField: "division" }],
    };
    assert.equal(applyLearnedMapping(["Owner"], renamed, BUDGET_TARGETS), undefined);
    const proposal = proposeMappings({ headers: ["Owner", "Budget"], rows: [["Sales", "1"]] }, BUDGET_TARGETS, {
      learned: LEARNED,
    });
    assert.equal(proposal.learnedFrom, undefined);
    assert.equal(proposal.mappings.find((m) => m.sourceColumn === "Budget")?.targetField, "budgetedAmount");
  });

  it("does not make a payroll file acceptable", () => {
    const learned: LearnedMapping = {
      importId: "imp_7",
      mappings: [
        { sourceColumn: "Department", targetField: "department" },
        { sourceColumn: "Gross Pay", targetField: "budgetedAmount" },
      ],
    };
    const analysis = analyzeBudgetColumns(
      {
        headers: ["Employee Name", "Department", "Gross Pay", "SSN"],
        rows: [["Jane Doe", "Sales", "5,000.00", "123-45-6789"]],
      },
      { learned },
    );
    assert.equal(analysis.learnedFrom, "imp_7");
    assert.equal(analysis.fileTypeDetection.likelyFileType, "payroll");
    assert.equal(analysis.canProceed, false);
  });
});
