import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PLANTED,
  PLANTED_ROW_COUNT,
  expenseFingerprint,
  monthYear,
  syntheticExpenses,
  typicalPostingMinor,
  type ExpenseLine,
} from "../../../shared/systems/analytics/index.js";

const generate = (rows: number, seed?: number) => [
  ...syntheticExpenses({ rows, ...(seed !== undefined ? { seed } : {}) }),
];
const key = (l: ExpenseLine) => monthYear(l.general_ledger_fiscal_year, l.posting_period);
const signed = (l: ExpenseLine) =>
  l.debit_credit_ind === "H" ? -l.company_code_currency_value_minor : l.company_code_currency_value_minor;

describe("synthetic expense dataset", () => {
  it("gives the same rows for the same seed and count, and different rows for another seed", () => {
    const a = generate(3000);
    assert.deepEqual(generate(3000), a);
    assert.notDeepEqual(generate(3000, 7), a);
    assert.equal(a.length, 3000);
  });

  it("has unique fingerprints: seeding never collides with itself", () => {
    const rows = generate(5000);
    assert.equal(new Set(rows.map(expenseFingerprint)).size, rows.length);
  });

  it("covers two fiscal years, periods 1–12, special periods and two currencies", () => {
    const rows = generate(20_000);
    const periods = new Set(rows.map((l) => l.posting_period));
    for (let p = 1; p <= 12; p++) assert.ok(periods.has(p), `period ${p}`);
    assert.ok(
      [13, 14, 15, 16].some((p) => periods.has(p)),
      "a special period",
    );
    assert.deepEqual(new Set(rows.map((l) => l.general_ledger_fiscal_year)), new Set([2024, 2025]));
    assert.deepEqual(new Set(rows.map((l) => l.company_code_currency_key)), new Set(PLANTED.dataQuality.currencies));
    assert.equal(new Set(rows.map((l) => l.cost_center_id).filter(Boolean)).size, 40);
  });

  it("plants the outliers at their multiple of the cost center's typical posting", () => {
    const rows = generate(2000);
    for (const o of PLANTED.outliers) {
      const row = rows.find((l) => l.reference === o.reference);
      assert.ok(row, o.reference);
      assert.equal(row.cost_center_id, o.costCenterId);
      assert.equal(
        row.company_code_currency_value_minor,
        o.multiple * typicalPostingMinor(o.costCenterId, o.functionalArea),
      );
      assert.equal(key(row), o.monthYear);
    }
  });

  it("makes the driver's cost center and supplier the bulk of March's travel increase", () => {
    for (const count of [2000, 50_000]) {
      const d = PLANTED.driver;
      const travel = generate(count).filter(
        (l) => l.functional_area === d.functionalArea && l.company_code_currency_key === "EUR",
      );
      const sum = (rows: ExpenseLine[]) => rows.reduce((s, l) => s + signed(l), 0);
      const change =
        sum(travel.filter((l) => key(l) === d.monthYear)) - sum(travel.filter((l) => key(l) === d.previousMonthYear));
      const fromDriver =
        sum(travel.filter((l) => key(l) === d.monthYear && l.cost_center_id === d.costCenterId)) -
        sum(travel.filter((l) => key(l) === d.previousMonthYear && l.cost_center_id === d.costCenterId));
      assert.ok(change > 0, `travel rose (${count} rows)`);
      assert.ok(fromDriver > 0.6 * change, `the cost center explains most of it (${count} rows)`);
    }
  });

  it("raises the spike's dimension value by more than the trend threshold month over month", () => {
    const s = PLANTED.spike;
    const rows = generate(20_000).filter((l) => l.functional_area === s.value && l.company_code_currency_key === "EUR");
    const total = (period: string) => rows.filter((l) => key(l) === period).reduce((sum, l) => sum + signed(l), 0);
    const changePct = (100 * (total(s.monthYear) - total(s.previousMonthYear))) / total(s.previousMonthYear);
    assert.ok(changePct > s.minimumChangePct, `${changePct}%`);
  });

  it("holds the data-quality issues: missing cost centers, duplicate pairs and a period without data", () => {
    const q = PLANTED.dataQuality;
    const rows = generate(4000);
    assert.equal(rows.filter((l) => l.cost_center_id === null).length, q.missingCostCenterRows);
    const duplicates = rows.filter((l) => l.reference?.startsWith(q.duplicateReferencePrefix));
    assert.equal(duplicates.length, 2 * q.duplicatePairs);
    assert.equal(new Set(duplicates.map(expenseFingerprint)).size, duplicates.length, "distinct fingerprints");
    const gap = q.periodWithoutData;
    assert.equal(rows.filter((l) => l.company_code === gap.companyCode && key(l) === gap.monthYear).length, 0);
    assert.ok(rows.some((l) => l.company_code === gap.companyCode));
    assert.equal(generate(PLANTED_ROW_COUNT).length, PLANTED_ROW_COUNT);
  });
});
