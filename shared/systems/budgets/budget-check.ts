import { divideRounded, formatDecimal, toMoney } from "../../kernel/money.js";
import type { BudgetLine } from "./budget-repository.js";
import type { ApprovalRule } from "./budget-rules.js";

/** Money a line has left: budgeted − actual − committed − reserved (negative when over). */
export function availableMinor(line: BudgetLine): bigint {
  return line.budgetedMinor - line.actualMinor - line.committedMinor - line.reservedMinor;
}

/** Percent of the budget used by `usedMinor`, two decimals, exact until the last rounding. */
export function utilizationPercent(usedMinor: bigint, budgetedMinor: bigint): number {
  if (budgetedMinor <= 0n) return usedMinor > 0n ? 100 : 0;
  return Number(formatDecimal(divideRounded(usedMinor * 10_000n, budgetedMinor), 2));
}

/** Earlier requests that, with this one, may be a purchase split to stay under the threshold. */
export interface SplitHistory {
  readonly count: number;
  readonly totalMinor: bigint;
  readonly windowHours: number;
}

/** What a budget check decides, amounts still exact. */
export interface CheckDecision {
  readonly available: boolean;
  readonly canAutoApprove: boolean;
  /** Whether the request fits in what the line has left. */
  readonly fits: boolean;
  readonly overBudget: ApprovalRule["overBudget"];
  readonly thresholdMinor: bigint;
  readonly utilizationPercent: number;
  readonly reason: string;
  readonly warnings: readonly string[];
  readonly splitSuspected: boolean;
}

const money = (minor: bigint, currency: string) => `${toMoney(minor, currency).amount} ${currency}`;

/**
 * The decision for `amountMinor` against a line under its rule. Stop refuses what does not
 * fit; warn allows it but never auto-approves; ignore looks at the threshold only. A
 * request under the threshold is still not auto-approved when the requester's recent
 * requests for the same supplier or department add up over it (a split purchase).
 */
export function decide(
  line: BudgetLine,
  amountMinor: bigint,
  rule: ApprovalRule,
  split: SplitHistory | undefined,
): CheckDecision {
  const left = availableMinor(line);
  const fits = amountMinor <= left;
  const used = line.actualMinor + line.committedMinor + line.reservedMinor;
  const percentAfter = utilizationPercent(used + amountMinor, line.budgetedMinor);
  const c = line.currency;
  const warnings: string[] = [];
  if (percentAfter >= rule.warnPercent) {
    warnings.push(`Utilization would reach ${percentAfter}% (warning from ${rule.warnPercent}%)`);
  }
  if (!fits && rule.overBudget !== "stop") {
    warnings.push(`Over budget by ${money(amountMinor - left, c)} (${rule.overBudget} mode)`);
  }
  const comparable = rule.currency === c;
  const overThreshold = !comparable || amountMinor > rule.thresholdMinor;
  const splitTotal = split ? split.totalMinor + amountMinor : amountMinor;
  const splitSuspected =
    split !== undefined && split.count > 0 && comparable && !overThreshold && splitTotal > rule.thresholdMinor;

  // One literal per answer, never `{ ...base, more }`: on Node 20 (V8 11) a spread followed
  // by more keys sends each result to the old generation, and the major GCs that follow
  // stall every request in flight (budget-check bench, docs/benchmarks.md).
  const decision = (available: boolean, canAutoApprove: boolean, reason: string) => ({
    fits,
    overBudget: rule.overBudget,
    thresholdMinor: rule.thresholdMinor,
    utilizationPercent: percentAfter,
    warnings,
    splitSuspected,
    available,
    canAutoApprove,
    reason,
  });
  if (!fits && rule.overBudget === "stop") {
    return decision(
      false,
      false,
      `Insufficient budget: requested ${money(amountMinor, c)}, available ${money(left, c)}`,
    );
  }
  let reason: string;
  let auto = false;
  if (!fits && rule.overBudget === "warn")
    reason = `Over budget by ${money(amountMinor - left, c)}: manual approval required (warn mode)`;
  else if (!comparable)
    reason = `The approval rule is in ${rule.currency}, the budget in ${c}: manual approval required`;
  else if (overThreshold)
    reason = `Amount ${money(amountMinor, c)} is over the auto-approval threshold of ${money(rule.thresholdMinor, c)}: manual approval required`;
  else if (splitSuspected) {
    reason =
      `Possible split purchase: with ${split.count} earlier request(s) from the same requester for the same supplier or department ` +
      `in the last ${split.windowHours} h the total is ${money(splitTotal, c)}, over the auto-approval threshold of ${money(rule.thresholdMinor, c)}: manual approval required`;
  } else {
    auto = true;
    reason = fits
      ? "Within budget and under the auto-approval threshold"
      : `Over budget by ${money(amountMinor - left, c)}, ignored by rule; under the auto-approval threshold`;
  }
  return decision(true, auto, reason);
}
