import type { BillingEntry } from "../billing/index.js";
import { parseMoney, toMoney } from "../../kernel/money.js";
import type { MergedProject } from "../gateway/index.js";
import type { CellKind, ReportColumn, ReportRow } from "./excel-report.js";

export const REPORT_TYPES = ["financial_summary", "project_status", "billing_report"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export interface ReportRequest {
  readonly projectIds: readonly string[];
  readonly reportType: ReportType;
  readonly options: {
    readonly format: "excel" | "pdf";
    readonly dateRange?: { readonly start: string; readonly end: string };
    readonly includeResources: boolean;
  };
}

export interface Table {
  readonly name: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ReportRow[];
}

/** A report's content, whatever its format: summary lines and tables. */
export interface ReportContent {
  readonly title: string;
  /** What the report could not show, one sentence each ("Project PRJ-999999: not found in SAP"). */
  readonly warnings: readonly string[];
  readonly summary: readonly { readonly label: string; readonly value: string; readonly kind: CellKind }[];
  readonly details: Table;
  readonly chartData: Table;
  readonly extra: readonly Table[];
}

const TITLES: Record<ReportType, string> = {
  financial_summary: "Financial summary",
  project_status: "Project status",
  billing_report: "Billing report",
};

const col = (key: string, header: string, kind: CellKind, width?: number): ReportColumn => ({
  key,
  header,
  kind,
  ...(width ? { width } : {}),
});
const amount = (m: { amount: string } | null) => m?.amount ?? null;

/** Sums decimal strings per currency exactly (minor units), for summary and chart lines. */
class Totals {
  readonly #sums = new Map<string, Map<string, bigint>>();
  add(key: string, currency: string | null, value: { amount: string } | null) {
    if (!currency || !value) return;
    const byCurrency = this.#sums.get(key) ?? new Map<string, bigint>();
    byCurrency.set(currency, (byCurrency.get(currency) ?? 0n) + parseMoney(value.amount, currency));
    this.#sums.set(key, byCurrency);
  }
  entries(key: string): [string, bigint][] {
    return [...(this.#sums.get(key) ?? new Map<string, bigint>())].sort(([a], [b]) => (a < b ? -1 : 1));
  }
}

/**
 * Turns merged projects (and billing entries) into a report's content. Exact money all the
 * way: sums are in minor units per currency, never across currencies.
 */
export function buildReportContent(
  request: ReportRequest,
  projects: readonly MergedProject[],
  billing: ReadonlyMap<string, readonly BillingEntry[]>,
  notFound: readonly string[],
): ReportContent {
  const summary: { label: string; value: string; kind: CellKind }[] = [
    { label: "Projects", value: String(projects.length), kind: "number" },
  ];
  const warnings = notFound.map((projectId) => `Project ${projectId}: not found in SAP`);
  let details: Table;
  let chartData: Table;

  if (request.reportType === "financial_summary") {
    const totals = new Totals();
    const byDepartment = new Map<string, { department: string; currency: string; planned: bigint; actual: bigint }>();
    const rows = projects.map((p) => {
      totals.add("contract", p.currency, p.pricing.contractValue);
      totals.add("actual", p.currency, p.costs.actual);
      totals.add("billed", p.currency, p.billing.billedToDate);
      if (p.currency && p.costs.planned && p.costs.actual) {
        const key = `${p.department ?? "-"}|${p.currency}`;
        const d = byDepartment.get(key) ?? {
          department: p.department ?? "-",
          currency: p.currency,
          planned: 0n,
          actual: 0n,
        };
        d.planned += parseMoney(p.costs.planned.amount, p.currency);
        d.actual += parseMoney(p.costs.actual.amount, p.currency);
        byDepartment.set(key, d);
      }
      return {
        projectId: p.projectId,
        name: p.name,
        department: p.department,
        currency: p.currency,
        contractValue: amount(p.pricing.contractValue),
        plannedCost: amount(p.costs.planned),
        actualCost: amount(p.costs.actual),
        variance: amount(p.costs.variance),
        variancePct: p.costs.variancePct,
        billedToDate: amount(p.billing.billedToDate),
        remainingToBill: amount(p.billing.remainingToBill),
      };
    });
    for (const [label, key] of [
      ["Contract value", "contract"],
      ["Actual cost", "actual"],
      ["Billed to date", "billed"],
    ] as const) {
      for (const [currency, minor] of totals.entries(key))
        summary.push({ label: `${label} (${currency})`, value: toMoney(minor, currency).amount, kind: "money" });
    }
    details = {
      name: "Details",
      columns: [
        col("projectId", "Project", "text", 14),
        col("name", "Name", "text", 36),
        col("department", "Department", "text", 12),
        col("currency", "Currency", "text", 9),
        col("contractValue", "Contract value", "money", 16),
        col("plannedCost", "Planned cost", "money", 16),
        col("actualCost", "Actual cost", "money", 16),
        col("variance", "Variance", "money", 16),
        col("variancePct", "Variance %", "percent", 11),
        col("billedToDate", "Billed to date", "money", 16),
        col("remainingToBill", "Remaining to bill", "money", 16),
      ],
      rows,
    };
    chartData = {
      name: "Chart data",
      columns: [
        col("department", "Department", "text"),
        col("currency", "Currency", "text"),
        col("planned", "Planned cost", "money"),
        col("actual", "Actual cost", "money"),
      ],
      rows: [...byDepartment.values()]
        .sort((a, b) => (a.department + a.currency < b.department + b.currency ? -1 : 1))
        .map((d) => ({
          department: d.department,
          currency: d.currency,
          planned: toMoney(d.planned, d.currency).amount,
          actual: toMoney(d.actual, d.currency).amount,
        })),
    };
  } else if (request.reportType === "project_status") {
    const byStatus = new Map<string, number>();
    const rows = projects.map((p) => {
      const status = p.sapStatus ?? "unknown";
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      return {
        projectId: p.projectId,
        name: p.name,
        sapStatus: p.sapStatus,
        status: p.status,
        startDate: p.startDate,
        endDate: p.endDate,
        responsible: p.responsible,
        plannedHours: p.resourcePlanning.plannedHours,
        actualHours: p.resourcePlanning.actualHours,
        consistent: p.validation.consistent ? "yes" : "no",
        issues: String(p.validation.issues.length),
      };
    });
    for (const [status, count] of [...byStatus].sort())
      summary.push({ label: `SAP status ${status}`, value: String(count), kind: "number" });
    details = {
      name: "Details",
      columns: [
        col("projectId", "Project", "text", 14),
        col("name", "Name", "text", 36),
        col("sapStatus", "SAP status", "text", 22),
        col("status", "Status", "text", 12),
        col("startDate", "Start", "date", 12),
        col("endDate", "End", "date", 12),
        col("responsible", "Responsible", "text", 22),
        col("plannedHours", "Planned hours", "hours", 14),
        col("actualHours", "Actual hours", "hours", 14),
        col("consistent", "SAP/SQL consistent", "text", 12),
        col("issues", "Data issues", "number", 10),
      ],
      rows,
    };
    chartData = {
      name: "Chart data",
      columns: [col("status", "SAP status", "text"), col("projects", "Projects", "number")],
      rows: [...byStatus].sort().map(([status, count]) => ({ status, projects: String(count) })),
    };
  } else {
    const range = request.options.dateRange;
    const totals = new Totals();
    const byMonth = new Map<string, bigint>();
    const rows: ReportRow[] = [];
    for (const p of projects) {
      for (const e of billing.get(p.projectId) ?? []) {
        if (range && (e.billingDate < range.start || e.billingDate > range.end)) continue;
        const money = toMoney(e.amountMinor, e.currency);
        totals.add("billed", e.currency, money);
        const month = `${e.billingDate.slice(0, 7)}|${e.currency}`;
        byMonth.set(month, (byMonth.get(month) ?? 0n) + e.amountMinor);
        rows.push({
          projectId: p.projectId,
          entryId: e.entryId,
          billingDate: e.billingDate,
          kind: e.kind,
          description: e.description,
          amount: money.amount,
          currency: e.currency,
        });
      }
    }
    summary.push({ label: "Billing entries", value: String(rows.length), kind: "number" });
    for (const [currency, minor] of totals.entries("billed"))
      summary.push({ label: `Billed (${currency})`, value: toMoney(minor, currency).amount, kind: "money" });
    details = {
      name: "Details",
      columns: [
        col("projectId", "Project", "text", 14),
        col("entryId", "Entry", "text", 40),
        col("billingDate", "Billing date", "date", 12),
        col("kind", "Kind", "text", 10),
        col("description", "Description", "text", 40),
        col("amount", "Amount", "money", 16),
        col("currency", "Currency", "text", 9),
      ],
      rows,
    };
    chartData = {
      name: "Chart data",
      columns: [col("month", "Month", "text"), col("currency", "Currency", "text"), col("amount", "Billed", "money")],
      rows: [...byMonth]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, minor]) => {
          const [month, currency] = key.split("|") as [string, string];
          return { month, currency, amount: toMoney(minor, currency).amount };
        }),
    };
  }

  const extra: Table[] = request.options.includeResources
    ? [
        {
          name: "Resources",
          columns: [
            col("projectId", "Project", "text", 14),
            col("resourceId", "Resource", "text", 10),
            col("pep", "WBS element (PEP)", "text", 20),
            col("plannedHours", "Planned hours", "hours", 14),
            col("actualHours", "Actual hours", "hours", 14),
          ],
          rows: projects.flatMap((p) =>
            p.resourcePlanning.assignments.map((a) => ({
              projectId: p.projectId,
              resourceId: a.resourceId,
              pep: a.pep,
              plannedHours: a.plannedHours,
              actualHours: a.actualHours,
            })),
          ),
        },
      ]
    : [];
  return { title: TITLES[request.reportType], warnings, summary, details, chartData, extra };
}
