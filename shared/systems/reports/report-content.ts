import type { BillingEntry } from "../billing/index.js";
import { parseMoney, toMoney } from "../../kernel/money.js";
import type { MergedProject } from "../gateway/index.js";
import type { ChartSpec } from "../../foundation/charts/index.js";
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
  /** One row per currency: the money columns summed (see totalsByCurrency). */
  readonly totals?: readonly ReportRow[];
  /** The table drawn: an SVG chart above it in the PDF, bars of cells beside it in Excel. */
  readonly chart?: ChartSpec;
  /** Number columns drawn as bars of cells in Excel (the table's chart, where Excel has no image). */
  readonly bars?: readonly string[];
}

/** A summary figure; an amount names its currency (shown beside it, or in the label). */
export interface SummaryItem {
  readonly label: string;
  readonly value: string;
  readonly kind: CellKind;
  readonly currency?: string;
}

/** A report's content, whatever its format: summary lines and tables. */
export interface ReportContent {
  readonly title: string;
  /**
   * What each figure covers, in words, for the heading: the period where it was applied
   * (and to which figures), "as of" the generation time for the lifetime figures. A period
   * is never printed over figures it was not applied to.
   */
  readonly scope: readonly string[];
  /** What the report could not show, one sentence each ("Project PRJ-999999: not found in SAP"). */
  readonly warnings: readonly string[];
  readonly summary: readonly SummaryItem[];
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
  // Every money column of these reports has its row's currency under "currency".
  ...(kind === "money" ? { currencyKey: "currency" } : {}),
});
const amount = (m: { amount: string } | null) => m?.amount ?? null;

/**
 * One totals row per currency of `rows`: each money column summed exactly in minor units
 * (never across currencies), "Total" under `labelKey`. Derived from the rows themselves, so
 * the totals always add up what the table shows; a row without a currency adds nothing.
 */
export function totalsByCurrency(rows: readonly ReportRow[], columns: readonly ReportColumn[], labelKey: string) {
  const money = columns.filter((c) => c.kind === "money" && c.currencyKey);
  const sums = new Map<string, Map<string, bigint>>(); // currency -> column key -> minor units
  for (const row of rows) {
    for (const c of money) {
      const currency = row[c.currencyKey!];
      const value = row[c.key];
      if (!currency || value === null || value === undefined) continue;
      const byColumn = sums.get(currency) ?? new Map<string, bigint>();
      byColumn.set(c.key, (byColumn.get(c.key) ?? 0n) + parseMoney(value, currency));
      sums.set(currency, byColumn);
    }
  }
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, byColumn]): ReportRow => {
      const row: Record<string, string | null> = { [labelKey]: "Total" };
      for (const c of money) {
        const minor = byColumn.get(c.key);
        row[c.key] = minor === undefined ? null : toMoney(minor, currency).amount;
        row[c.currencyKey!] = currency;
      }
      return row;
    });
}

/** What a report is built from. */
export interface ReportData {
  readonly projects: readonly MergedProject[];
  /** Active billing entries by project: for billing reports, and financial summaries with a period. */
  readonly billing: ReadonlyMap<string, readonly BillingEntry[]>;
  /** Requested projects SAP does not know. */
  readonly notFound: readonly string[];
  /** When the figures were read, as the reader's clock shows it ("4 Dec 2026 05:00 UTC"). */
  readonly asOf: string;
  /** People's names by resource id (read when the request includes resources). */
  readonly resourceNames?: ReadonlyMap<string, string>;
}

const inRange = (date: string, range: { start: string; end: string }) => date >= range.start && date <= range.end;

/**
 * Turns merged projects (and billing entries) into a report's content. Exact money all the
 * way: sums are in minor units per currency, never across currencies.
 *
 * The period, decided per figure: it filters what has a date (billing entries by billing
 * date; a project's planned start to end for "In period"). SAP's project figures (contract
 * value, planned and actual cost, billed to date, hours) have no date: they are lifetime
 * figures as of `asOf`, and `scope` says so instead of printing the period over them.
 */
export function buildReportContent(request: ReportRequest, data: ReportData): ReportContent {
  const { projects, billing, notFound, asOf, resourceNames = new Map<string, string>() } = data;
  const range = request.options.dateRange;
  const period = range ? `Period ${range.start} to ${range.end}` : undefined;
  const summary: SummaryItem[] = [{ label: "Projects", value: String(projects.length), kind: "number" }];
  const warnings = notFound.map((projectId) => `Project ${projectId}: not found in SAP`);
  const scope: string[] = [];
  let details: Table;
  let chartData: Table;

  if (request.reportType === "financial_summary") {
    const lifetime =
      "contract value, planned and actual cost, variance, billed to date and remaining to bill are lifetime figures from SAP";
    if (period) {
      scope.push(`${period}: applied to Billed in period only (billing entries by billing date).`);
      scope.push(`As of ${asOf}: ${lifetime}, not limited to the period.`);
    } else scope.push(`As of ${asOf}: ${lifetime}; no period applied.`);
    const byDepartment = new Map<string, { department: string; currency: string; planned: bigint; actual: bigint }>();
    const rows = projects.map((p) => {
      if (p.currency === null)
        warnings.push(`Project ${p.projectId}: no valid currency in SAP; its amounts are left out`);
      const inPeriod = range && p.currency ? billedIn(p.currency, billing.get(p.projectId) ?? [], range) : null;
      if (inPeriod) {
        for (const [currency, minor] of inPeriod.foreign)
          warnings.push(
            `Project ${p.projectId}: billing entries of ${toMoney(minor, currency).amount} ${currency} in the period are not in the project currency ${p.currency} and are left out of Billed in period`,
          );
      }
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
        ...(range ? { billedInPeriod: amount(inPeriod?.billed ?? null) } : {}),
      };
    });
    const detailColumns: ReportColumn[] = [
      col("projectId", "Project", "text", 14),
      col("name", "Name", "text", 36),
      col("department", "Department", "text", 12),
      col("currency", "Currency", "text", 9),
      col("contractValue", "Contract value", "money", 16),
      col("plannedCost", "Planned cost", "money", 16),
      col("actualCost", "Actual cost to date", "money", 16),
      col("variance", "Variance", "money", 16),
      col("variancePct", "Variance %", "percent", 11),
      col("billedToDate", "Billed to date", "money", 16),
      col("remainingToBill", "Remaining to bill", "money", 16),
      ...(range ? [col("billedInPeriod", "Billed in period", "money", 16)] : []),
    ];
    details = {
      name: "Details",
      columns: detailColumns,
      rows,
      totals: totalsByCurrency(rows, detailColumns, "projectId"),
    };
    const figures = ["contractValue", "actualCost", "billedToDate", ...(range ? ["billedInPeriod"] : [])];
    for (const key of figures) {
      const label = detailColumns.find((c) => c.key === key)!.header;
      for (const total of details.totals ?? [])
        if (total[key]) summary.push({ label, value: total[key], kind: "money", currency: total.currency! });
    }
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
      bars: ["planned", "actual"],
    };
    chartData = {
      ...chartData,
      chart: barChart("financial-summary", "Planned and actual cost by department", chartData.rows, {
        category: "department",
        x: "Department",
        y: "Cost",
        series: [
          { key: "planned", name: "Planned cost" },
          { key: "actual", name: "Actual cost" },
        ],
      }),
    };
  } else if (request.reportType === "project_status") {
    const current = "SAP status, status, responsible and planned and actual hours are current figures";
    if (period) {
      scope.push(
        `${period}: applied to In period only (the project's planned start to end overlaps the period; no end date counts as ongoing).`,
      );
      scope.push(`As of ${asOf}: ${current}, not limited to the period.`);
    } else scope.push(`As of ${asOf}: ${current}; no period applied.`);
    const byStatus = new Map<string, number>();
    let active = 0;
    const rows = projects.map((p) => {
      const status = p.sapStatus ?? "unknown";
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const overlaps =
        range && p.startDate ? p.startDate <= range.end && (!p.endDate || p.endDate >= range.start) : null;
      if (overlaps) active++;
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
        ...(range ? { inPeriod: overlaps === null ? "unknown" : overlaps ? "yes" : "no" } : {}),
      };
    });
    if (range) summary.push({ label: "Projects in period", value: String(active), kind: "number" });
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
        ...(range ? [col("inPeriod", "In period", "text", 10)] : []),
      ],
      rows,
    };
    chartData = {
      name: "Chart data",
      columns: [col("status", "SAP status", "text"), col("projects", "Projects", "number")],
      rows: [...byStatus].sort().map(([status, count]) => ({ status, projects: String(count) })),
      bars: ["projects"],
    };
    chartData = {
      ...chartData,
      chart: barChart("project-status", "Projects by SAP status", chartData.rows, {
        category: "status",
        x: "SAP status",
        y: "Projects",
        series: [{ key: "projects", name: "Projects" }],
        counts: true,
      }),
    };
  } else {
    scope.push(
      period
        ? `${period}: applied to every billing entry (by billing date) and every total; entries as recorded ${asOf}.`
        : `All billing entries as recorded ${asOf}; no period applied.`,
    );
    const byMonth = new Map<string, bigint>();
    const rows: ReportRow[] = [];
    for (const p of projects) {
      for (const e of billing.get(p.projectId) ?? []) {
        if (range && !inRange(e.billingDate, range)) continue;
        const money = toMoney(e.amountMinor, e.currency);
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
    const detailColumns = [
      col("projectId", "Project", "text", 14),
      col("entryId", "Entry", "text", 40),
      col("billingDate", "Billing date", "date", 12),
      col("kind", "Kind", "text", 10),
      col("description", "Description", "text", 40),
      col("amount", "Amount", "money", 16),
      col("currency", "Currency", "text", 9),
    ];
    details = {
      name: "Details",
      columns: detailColumns,
      rows,
      totals: totalsByCurrency(rows, detailColumns, "projectId"),
    };
    for (const total of details.totals ?? [])
      summary.push({ label: "Billed", value: total.amount!, kind: "money", currency: total.currency! });
    chartData = {
      name: "Chart data",
      columns: [col("month", "Month", "text"), col("currency", "Currency", "text"), col("amount", "Billed", "money")],
      rows: [...byMonth]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, minor]) => {
          const [month, currency] = key.split("|") as [string, string];
          return { month, currency, amount: toMoney(minor, currency).amount };
        }),
      bars: ["amount"],
    };
    chartData = {
      ...chartData,
      chart: barChart("billing-report", "Billed by month", chartData.rows, {
        category: "month",
        x: "Month",
        y: "Billed",
        series: [{ key: "amount", name: "Billed" }],
      }),
    };
  }

  if (request.options.includeResources) {
    scope.push(
      `Resources: planned and actual hours are lifetime figures from SAP as of ${asOf}${period ? ", not limited to the period" : ""}.`,
    );
    const planned = projects.flatMap((p) => p.resourcePlanning.assignments.map((a) => a.resourceId));
    for (const id of [...new Set(planned)].filter((id) => id !== "" && !resourceNames.has(id)).sort())
      warnings.push(`Resource ${id}: not found in SAP resources; shown without a name`);
  }
  const extra: Table[] = request.options.includeResources
    ? [
        {
          name: "Resources",
          columns: [
            col("projectId", "Project", "text", 14),
            col("resourceId", "Resource", "text", 10),
            col("name", "Name", "text", 28),
            col("pep", "WBS element (PEP)", "text", 20),
            col("plannedHours", "Planned hours", "hours", 14),
            col("actualHours", "Actual hours", "hours", 14),
          ],
          rows: projects.flatMap((p) =>
            p.resourcePlanning.assignments.map((a) => ({
              projectId: p.projectId,
              resourceId: a.resourceId,
              name: resourceNames.get(a.resourceId) ?? null,
              pep: a.pep,
              plannedHours: a.plannedHours,
              actualHours: a.actualHours,
            })),
          ),
        },
      ]
    : [];
  return { title: TITLES[request.reportType], scope, warnings, summary, details, chartData, extra };
}

/**
 * The chart of a "Chart data" table: one bar per row, one series per value column. Amounts
 * in several currencies are never put on one axis as if comparable without saying so: the
 * category names its currency and the axis says "mixed currencies".
 */
function barChart(
  id: string,
  title: string,
  rows: readonly ReportRow[],
  shape: {
    category: string;
    x: string;
    y: string;
    series: readonly { key: string; name: string }[];
    counts?: boolean;
  },
): ChartSpec {
  const currencies = [...new Set(rows.map((r) => r.currency).filter((c): c is string => !!c))];
  const mixed = currencies.length > 1;
  return {
    id,
    kind: "bar",
    title,
    unit: shape.counts ? "" : mixed ? "mixed currencies" : (currencies[0] ?? ""),
    xAxis: { title: shape.x },
    yAxis: { title: shape.y },
    categories: rows.map((r) => `${r[shape.category] ?? "-"}${mixed && r.currency ? ` (${r.currency})` : ""}`),
    // Decimal strings to chart numbers: drawing only, the table keeps the exact amounts.
    series: shape.series.map((s) => ({
      name: s.name,
      values: rows.map((r) => (r[s.key] == null ? null : Number(r[s.key]))),
    })),
  };
}

/**
 * A project's active billing entries dated in the period: their sum in the project
 * currency, and what other currencies hold (stored before billing refused them), never added.
 */
function billedIn(
  currency: string,
  entries: readonly BillingEntry[],
  range: { start: string; end: string },
): { billed: { amount: string }; foreign: Map<string, bigint> } {
  let billed = 0n;
  const foreign = new Map<string, bigint>();
  for (const e of entries) {
    if (!inRange(e.billingDate, range)) continue;
    if (e.currency === currency) billed += e.amountMinor;
    else foreign.set(e.currency, (foreign.get(e.currency) ?? 0n) + e.amountMinor);
  }
  return { billed: toMoney(billed, currency), foreign };
}
