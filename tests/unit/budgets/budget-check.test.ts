import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "../../../shared/systems/budgets/budget-check.js";
import type { BudgetLine } from "../../../shared/systems/budgets/budget-repository.js";
import { ruleFor, type ApprovalRule } from "../../../shared/systems/budgets/budget-rules.js";

const line = (over: Partial<BudgetLine> = {}): BudgetLine => ({
  budgetId: "b1",
  customerId: "acme",
  department: "Engineering",
  subCategory: "Software",
  fiscalPeriod: "FY2025",
  costCenter: "",
  currency: "EUR",
  budgetedMinor: 100_000n, // 1,000.00
  committedMinor: 20_000n,
  reservedMinor: 10_000n,
  actualMinor: 30_000n,
  source: "manual",
  importId: null,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  ...over,
});

const rule = (over: Partial<ApprovalRule> = {}): ApprovalRule => ({
  ruleId: null,
  customerId: "acme",
  department: null,
  subCategory: null,
  currency: "EUR",
  thresholdMinor: 50_000n,
  overBudget: "stop",
  warnPercent: 90,
  ...over,
});

describe("budget check decision", () => {
  it("counts actual, committed and reserved against the budget, to the cent", () => {
    // 400.00 left: 400.00 fits, 400.01 does not.
    assert.equal(decide(line(), 40_000n, rule(), undefined).canAutoApprove, true);
    const over = decide(line(), 40_001n, rule(), undefined);
    assert.equal(over.available, false);
    assert.equal(over.reason, "Insufficient budget: requested 400.01 EUR, available 400.00 EUR");
  });

  it("ignore mode approves over budget under the threshold; warn mode never auto-approves it", () => {
    const ignored = decide(line(), 45_000n, rule({ overBudget: "ignore" }), undefined);
    assert.deepEqual([ignored.available, ignored.canAutoApprove], [true, true]);
    const warned = decide(line(), 45_000n, rule({ overBudget: "warn" }), undefined);
    assert.deepEqual([warned.available, warned.canAutoApprove], [true, false]);
    assert.ok(warned.warnings.includes("Over budget by 50.00 EUR (warn mode)"));
  });

  it("a rule in another currency than the line never auto-approves", () => {
    const d = decide(line(), 100n, rule({ currency: "USD" }), undefined);
    assert.equal(d.canAutoApprove, false);
    assert.match(d.reason, /rule is in USD, the budget in EUR/);
  });

  it("flags a split only when earlier requests and this one cross the threshold together", () => {
    const history = { count: 2, totalMinor: 30_000n, windowHours: 72 };
    assert.equal(decide(line(), 20_000n, rule(), history).canAutoApprove, true, "exactly the threshold");
    const split = decide(line(), 20_001n, rule(), history);
    assert.equal(split.splitSuspected, true);
    assert.equal(split.canAutoApprove, false);
    assert.equal(decide(line(), 20_001n, rule(), { ...history, count: 0, totalMinor: 0n }).splitSuspected, false);
  });

  it("the most specific matching rule wins, whatever the order or case", () => {
    const wide = rule({ ruleId: "wide", department: "engineering" });
    const narrow = rule({ ruleId: "narrow", department: "Engineering", subCategory: "SOFTWARE" });
    const sub = rule({ ruleId: "sub", subCategory: "Software" });
    const other = rule({ ruleId: "other", department: "Marketing", subCategory: "Software" });
    const fallback = rule({ ruleId: "default" });
    assert.equal(ruleFor([narrow, wide, sub, other], line(), fallback).ruleId, "narrow");
    assert.equal(ruleFor([sub, wide], line(), fallback).ruleId, "wide");
    assert.equal(ruleFor([other], line(), fallback).ruleId, "default");
    assert.equal(ruleFor([rule({ ruleId: "x", customerId: "globex" })], line(), fallback).ruleId, "default");
  });
});
