import { toMoney } from "../../kernel/money.js";
import { availableMinor, utilizationPercent, type CheckDecision } from "./budget-check.js";
import type { BudgetLine } from "./budget-repository.js";
import type { StoredRule } from "./budget-rules-repository.js";
import type { Reservation } from "./budget-reservation-repository.js";
import type { CustomerRow } from "./customer-repository.js";

const amount = (minor: bigint, currency: string) => toMoney(minor, currency).amount;

/** The seed's Budget with its utilization; amounts are decimal strings in the line's currency. */
export interface BudgetView {
  id: string;
  customerId: string;
  department: string;
  subCategory: string | null;
  fiscalPeriod: string;
  costCenter: string | null;
  currency: string;
  budgetedAmount: string;
  source: string;
  importId: string | null;
  createdAt: string;
  updatedAt: string;
  utilization: {
    committed: string;
    reserved: string;
    actualSpent: string;
    available: string;
    utilizationPercent: number;
  };
}

export function budgetView(line: BudgetLine): BudgetView {
  const c = line.currency;
  return {
    id: line.budgetId,
    customerId: line.customerId,
    department: line.department,
    subCategory: line.subCategory === "" ? null : line.subCategory,
    fiscalPeriod: line.fiscalPeriod,
    costCenter: line.costCenter === "" ? null : line.costCenter,
    currency: c,
    budgetedAmount: amount(line.budgetedMinor, c),
    source: line.source,
    importId: line.importId,
    createdAt: line.createdAt,
    updatedAt: line.updatedAt,
    utilization: {
      committed: amount(line.committedMinor, c),
      reserved: amount(line.reservedMinor, c),
      actualSpent: amount(line.actualMinor, c),
      available: amount(availableMinor(line), c),
      utilizationPercent: utilizationPercent(
        line.actualMinor + line.committedMinor + line.reservedMinor,
        line.budgetedMinor,
      ),
    },
  };
}

/** The seed's /budget/check answer, plus the currency, the over-budget mode and the warnings. */
export interface CheckAnswer {
  available: boolean;
  budget: { id: string; budgetedAmount: string; committed: string; reserved: string; available: string } | null;
  canAutoApprove: boolean;
  autoApprovalThreshold: string | null;
  utilizationPercent: number | null;
  reason: string;
  currency: string;
  overBudget: "stop" | "warn" | "ignore" | null;
  splitPurchaseSuspected: boolean;
  warnings: string[];
}

export function checkAnswer(line: BudgetLine, decision: CheckDecision, ruleCurrency: string): CheckAnswer {
  const c = line.currency;
  return {
    available: decision.available,
    budget: {
      id: line.budgetId,
      budgetedAmount: amount(line.budgetedMinor, c),
      committed: amount(line.committedMinor, c),
      reserved: amount(line.reservedMinor, c),
      available: amount(availableMinor(line), c),
    },
    canAutoApprove: decision.canAutoApprove,
    autoApprovalThreshold: amount(decision.thresholdMinor, ruleCurrency),
    utilizationPercent: decision.utilizationPercent,
    reason: decision.reason,
    currency: c,
    overBudget: decision.overBudget,
    splitPurchaseSuspected: decision.splitSuspected,
    warnings: [...decision.warnings],
  };
}

export interface ReservationView {
  id: string;
  customerId: string;
  budgetId: string;
  idempotencyKey: string;
  amount: string;
  currency: string;
  reference: string;
  requester: string | null;
  supplier: string | null;
  status: Reservation["status"];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export function reservationView(r: Reservation): ReservationView {
  return {
    id: r.reservationId,
    customerId: r.customerId,
    budgetId: r.budgetId,
    idempotencyKey: r.idempotencyKey,
    amount: amount(r.amountMinor, r.currency),
    currency: r.currency,
    reference: r.reference,
    requester: r.requester,
    supplier: r.supplier,
    status: r.status,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export interface RuleView {
  id: string;
  customerId: string;
  department: string | null;
  subCategory: string | null;
  currency: string;
  threshold: string;
  overBudget: "stop" | "warn" | "ignore";
  warnPercent: number;
  createdAt: string;
  updatedAt: string;
}

export function ruleView(r: StoredRule): RuleView {
  return {
    id: r.ruleId,
    customerId: r.customerId,
    department: r.department,
    subCategory: r.subCategory,
    currency: r.currency,
    threshold: amount(r.thresholdMinor, r.currency),
    overBudget: r.overBudget,
    warnPercent: r.warnPercent,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export interface CustomerView {
  customerId: string;
  name: string;
  createdAt: string;
}

export function customerView(c: CustomerRow): CustomerView {
  return { customerId: c.customer_id, name: c.name, createdAt: c.created_at };
}
