/** What a request over the remaining budget does. */
export type OverBudget = "stop" | "warn" | "ignore";

/** An auto-approval rule as the check uses it (threshold in minor units of `currency`). */
export interface ApprovalRule {
  readonly ruleId: string | null;
  readonly customerId: string;
  /** null: every department. */
  readonly department: string | null;
  /** null: every sub-category. */
  readonly subCategory: string | null;
  readonly currency: string;
  readonly thresholdMinor: bigint;
  readonly overBudget: OverBudget;
  readonly warnPercent: number;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** How narrowly a rule is drawn: department counts more than sub-category. */
function specificity(rule: ApprovalRule): number {
  return (rule.department === null ? 0 : 2) + (rule.subCategory === null ? 0 : 1);
}

/**
 * The rule that governs a budget line: among the customer's rules that match its
 * department and sub-category, the most specific wins (department + sub-category, then
 * department, then sub-category, then customer-wide); `fallback` when none matches.
 */
export function ruleFor(
  rules: readonly ApprovalRule[],
  line: { customerId: string; department: string; subCategory: string },
  fallback: ApprovalRule,
): ApprovalRule {
  let best: ApprovalRule | undefined;
  for (const rule of rules) {
    if (rule.customerId !== line.customerId) continue;
    if (rule.department !== null && !same(rule.department, line.department)) continue;
    if (rule.subCategory !== null && !same(rule.subCategory, line.subCategory)) continue;
    if (!best || specificity(rule) > specificity(best)) best = rule;
  }
  return best ?? fallback;
}
