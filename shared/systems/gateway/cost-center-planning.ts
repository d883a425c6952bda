import { toMoney, variance, type Money } from "../../kernel/money.js";
import type { GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SapCostCenterPlanRow } from "../../sap/sap-functions.js";
import {
  IssueCollector,
  compareIds,
  sapAmountMinor,
  sapCurrency,
  sapId,
  sapText,
  type DataIssue,
} from "../../sap/sap-normalize.js";

export interface CostCenterPlan {
  readonly costCenterId: string;
  readonly name: string;
  readonly department: string | null;
  readonly currency: string | null;
  readonly planned: Money | null;
  readonly actual: Money | null;
  /** actual − planned: positive is over plan. */
  readonly variance: Money | null;
  /** variance / planned, percent with two decimals; null when nothing was planned. */
  readonly variancePct: string | null;
  readonly issues: readonly DataIssue[];
}

export interface CostCenterPlanning {
  readonly year: number;
  readonly department: string | null;
  readonly costCenters: readonly CostCenterPlan[];
  /** Sums per currency (amounts in different currencies are never added). */
  readonly totals: readonly {
    readonly currency: string;
    readonly planned: Money;
    readonly actual: Money;
    readonly variance: Money;
    readonly variancePct: string | null;
  }[];
}

/** Central cost-center plan and actuals for a fiscal year, from SAP CO (seed 000's normaliser, exact). */
export class CostCenterPlanningService {
  readonly #sap: GuardedSapClient;
  readonly #functionName: string;

  constructor(sap: GuardedSapClient, functionName: string) {
    this.#sap = sap;
    this.#functionName = functionName;
  }

  async getPlanning(year: number, department?: string): Promise<CostCenterPlanning> {
    const result = await this.#sap.call(this.#functionName, { IV_GJAHR: String(year), IV_ABTEI: department ?? "" });
    const rows = (result.ET_PLAN ?? []) as SapCostCenterPlanRow[];
    const sums = new Map<string, { planned: bigint; actual: bigint }>();
    const costCenters = rows.map((row, i) => {
      const issues = new IssueCollector();
      const at = `ET_PLAN[${i}]`;
      const currency = issues.read(() => sapCurrency(`${at}.WAERS`, row.WAERS));
      const planned = issues.read(() => sapAmountMinor(`${at}.WTPLAN`, row.WTPLAN));
      const actual = issues.read(() => sapAmountMinor(`${at}.WTGXXX`, row.WTGXXX));
      const delta = planned !== null && actual !== null ? variance(actual, planned) : null;
      if (currency !== null && planned !== null && actual !== null) {
        const sum = sums.get(currency) ?? { planned: 0n, actual: 0n };
        sums.set(currency, { planned: sum.planned + planned, actual: sum.actual + actual });
      }
      const money = (minor: bigint | null) => (minor === null || currency === null ? null : toMoney(minor, currency));
      return {
        costCenterId: issues.read(() => sapId(`${at}.KOSTL`, row.KOSTL)) ?? "",
        name: issues.read(() => sapText(`${at}.KTEXT`, row.KTEXT)) ?? "",
        department: issues.read(() => sapText(`${at}.ABTEI`, row.ABTEI)) || null,
        currency,
        planned: money(planned),
        actual: money(actual),
        variance: delta ? money(delta.variance) : null,
        variancePct: delta?.variancePct ?? null,
        issues: issues.issues,
      } satisfies CostCenterPlan;
    });
    costCenters.sort((a, b) => compareIds(a.costCenterId, b.costCenterId));
    const totals = [...sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, sum]) => {
        const delta = variance(sum.actual, sum.planned);
        return {
          currency,
          planned: toMoney(sum.planned, currency),
          actual: toMoney(sum.actual, currency),
          variance: toMoney(delta.variance, currency),
          variancePct: delta.variancePct,
        };
      });
    return { year, department: department ?? null, costCenters, totals };
  }
}
