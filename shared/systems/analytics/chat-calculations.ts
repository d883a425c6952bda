import type { Dimension } from "./analytics-dimensions.js";
import { rangeBefore, type Classification, type PeriodRange, type Vocabulary } from "./chat-intents.js";
import type { ChatCalculation, ChatCalculator, ChatCaller } from "./chat-service.js";
import { ANOMALY_DEFAULTS, type AnomalyService } from "./anomaly-service.js";
import { waterfallFigure, waterfallSpec, type ChartService } from "./chart-service.js";
import type { Exploration } from "./exploration.js";
import type { ExpenseFilter } from "./expense-filter.js";
import { RCA_DEFAULT_DIMENSIONS, rangeLabel, type RcaService } from "./rca-service.js";
import { rcaView, rcaWaterfallSteps } from "./rca-view.js";
import type { RcaWaterfall } from "./rca-waterfall.js";

/** The tested analyses the chat may run; it never writes SQL of its own. */
export interface ChatAnalyses {
  readonly exploration: Exploration;
  readonly anomalies: AnomalyService;
  readonly rca: RcaService;
  readonly charts: ChartService;
}

/** Values a summary or breakdown answer names. */
const TOP_VALUES = 5;

/** Drivers an answer names (the full list is in the cited route's answer). */
const DRIVERS_NAMED = 3;

/** Columns that say the same thing as another (an id and its name). */
const TWINS: readonly (readonly Dimension[])[] = [
  ["functional_area", "functional_area_name"],
  ["cost_center_id", "cost_center_name"],
  ["profit_center_id", "profit_center_name"],
  ["general_ledger_account", "general_ledger_account_name"],
];

/** RCA dimensions minus the ones the question fixes (a filter on travel cannot explain travel). */
function dimensionsBeside(values: Readonly<Partial<Record<Dimension, string>>>): Dimension[] {
  const fixed = new Set<Dimension>(Object.keys(values) as Dimension[]);
  for (const twins of TWINS) if (twins.some((d) => fixed.has(d))) twins.forEach((d) => fixed.add(d));
  return RCA_DEFAULT_DIMENSIONS.filter((d) => !fixed.has(d));
}

/**
 * The calculation behind each intent: the same service call the cited route makes, with
 * the question's parameters, turned into plain words whose every number comes from it.
 */
export function chatCalculator(analyses: ChatAnalyses): ChatCalculator {
  return async (question, caller, vocabulary) => {
    switch (question.intent) {
      case "rca":
        return rcaAnswer(analyses.rca, question, caller, vocabulary);
      case "anomaly":
        return anomalyAnswer(analyses.anomalies, question);
      case "trend":
        return withChart(analyses.charts, "trend", question, await trendAnswer(analyses.exploration, question));
      case "visualization":
        return visualizationAnswer(analyses, question, caller, vocabulary);
      default:
        return question.parameters.groupBy
          ? breakdownAnswer(analyses.exploration, question, question.parameters.groupBy)
          : summaryAnswer(analyses.exploration, question);
    }
  };
}

/** The period a question means: the one it names, else the latest full period with data. */
function periodOf(question: Classification, vocabulary: Vocabulary): PeriodRange | undefined {
  return question.parameters.period ?? vocabulary.latestPeriod;
}

function filterWords(values: Readonly<Partial<Record<Dimension, string>>>): string {
  const parts = Object.entries(values).map(([dimension, value]) => `${dimension.replace(/_/g, " ")} ${value}`);
  return parts.length > 0 ? ` for ${parts.join(", ")}` : "";
}

function percent(share: number | null): string {
  return share === null ? "" : ` (${(share * 100).toFixed(1)}% of the change)`;
}

function signed(amount: string): string {
  return amount.startsWith("-") ? amount : `+${amount}`;
}

/** The question's filter: its period (if it names one) and dimension values. */
function filterOf(question: Classification): ExpenseFilter {
  const period = question.parameters.period;
  return {
    ...(period ? { fiscalYear: period.fiscalYear, periodFrom: period.periodFrom, periodTo: period.periodTo } : {}),
    dimensions: question.parameters.values,
  };
}

/** The filter as the EDA routes' query parameters, to cite. */
function queryOf(filter: ExpenseFilter, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    ...(filter.fiscalYear !== undefined ? { fiscalYear: filter.fiscalYear } : {}),
    ...(filter.periodFrom !== undefined ? { periodFrom: filter.periodFrom } : {}),
    ...(filter.periodTo !== undefined ? { periodTo: filter.periodTo } : {}),
    ...(filter.dimensions as Record<string, string>),
    ...extra,
  };
}

function withQuery(path: string, query: Record<string, string | number>): string {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return search ? `${path}?${search}` : path;
}

function periodWords(question: Classification): string {
  const period = question.parameters.period;
  return period ? ` in ${rangeLabel(period)}` : "";
}

async function summaryAnswer(exploration: Exploration, question: Classification): Promise<ChatCalculation> {
  const filter = filterOf(question);
  const query = queryOf(filter, { top: TOP_VALUES });
  const summary = await exploration.summary(filter, { top: TOP_VALUES });
  const lines = [
    `${summary.rows} postings${filterWords(question.parameters.values)}${periodWords(question)}` +
      (summary.periods.first ? `, periods ${summary.periods.first} to ${summary.periods.last}` : "") +
      ".",
    ...summary.totals.map((t) => `${t.currency}: total ${t.amount} (debit ${t.debit}, credit ${t.credit}).`),
  ];
  for (const top of summary.topDimensions.slice(0, 2)) {
    if (top.values.length === 0) continue;
    lines.push(
      `Largest ${top.dimension.replace(/_/g, " ")}: ${top.values.map((v) => `${v.value ?? "(blank)"} ${v.currency} ${v.amount}`).join("; ")}.`,
    );
  }
  for (const finding of summary.dataQuality.findings) lines.push(`Data quality: ${finding.message}.`);
  return {
    route: withQuery("GET /api/v1/eda", query),
    parameters: query,
    answer: lines.join("\n"),
    summary: { eda: summary },
  };
}

async function breakdownAnswer(
  exploration: Exploration,
  question: Classification,
  dimension: Dimension,
): Promise<ChatCalculation> {
  const filter = filterOf(question);
  const query = queryOf(filter, { pageSize: TOP_VALUES });
  const result = await exploration.breakdown(filter, dimension, { page: 1, pageSize: TOP_VALUES });
  const lines = [
    `${dimension.replace(/_/g, " ")} by amount${filterWords(question.parameters.values)}${periodWords(question)} (${result.total} values):`,
    ...result.items.map(
      (item, i) =>
        `${i + 1}. ${item.value ?? "(blank)"}: ${item.currency} ${item.amount}${item.sharePct === null ? "" : ` (${item.sharePct}% of the ${item.currency} total)`}, ${item.rows} postings.`,
    ),
  ];
  return {
    route: withQuery(`GET /api/v1/eda/breakdown/${dimension}`, query),
    parameters: { dimension, ...query },
    answer: lines.join("\n"),
    summary: { breakdown: result },
  };
}

async function trendAnswer(exploration: Exploration, question: Classification): Promise<ChatCalculation> {
  const filter = filterOf(question);
  const dimension = question.parameters.groupBy;
  const query = queryOf(filter, { granularity: "month", ...(dimension ? { dimension } : {}), top: TOP_VALUES });
  const result = await exploration.timeseries(filter, {
    granularity: "month",
    ...(dimension ? { dimension } : {}),
    top: TOP_VALUES,
  });
  const lines: string[] = [];
  for (const series of result.series.slice(0, TOP_VALUES)) {
    const points = series.points.filter((p) => !p.special);
    const first = points[0];
    const last = points.at(-1);
    if (!first || !last) continue;
    const highest = points.reduce((a, b) => (Number(b.amount) > Number(a.amount) ? b : a));
    const name = `${series.value === null ? "" : `${series.value} `}${series.currency}`;
    lines.push(
      `${name}: ${first.period} ${first.amount} → ${last.period} ${last.amount}; highest ${highest.period} ${highest.amount}.`,
    );
  }
  if (lines.length === 0) lines.push(`No postings${filterWords(question.parameters.values)}${periodWords(question)}.`);
  return {
    route: withQuery("GET /api/v1/eda/timeseries", query),
    parameters: query,
    answer: [`Monthly trend${filterWords(question.parameters.values)}${periodWords(question)}:`, ...lines].join("\n"),
    summary: { timeseries: result },
  };
}

/** A chart request: the analysis behind the chart kind, with the chart attached. */
async function visualizationAnswer(
  analyses: ChatAnalyses,
  question: Classification,
  caller: ChatCaller,
  vocabulary: Vocabulary,
): Promise<ChatCalculation> {
  switch (question.parameters.chart) {
    case "rca-waterfall":
      return rcaAnswer(analyses.rca, question, caller, vocabulary);
    case "anomaly-scatter":
      return withChart(analyses.charts, "anomaly-scatter", question, await anomalyAnswer(analyses.anomalies, question));
    case "category-breakdown":
    case "heatmap": {
      const kind = question.parameters.chart;
      const dimension = kind === "heatmap" ? "cost_center_id" : (question.parameters.groupBy ?? "functional_area");
      return withChart(
        analyses.charts,
        kind,
        question,
        await breakdownAnswer(analyses.exploration, question, dimension),
      );
    }
    default:
      return withChart(analyses.charts, "trend", question, await trendAnswer(analyses.exploration, question));
  }
}

/** Attaches the chart route's own figure for the question's filter. */
async function withChart(
  charts: ChartService,
  kind: "trend" | "category-breakdown" | "heatmap" | "anomaly-scatter",
  question: Classification,
  calculation: ChatCalculation,
): Promise<ChatCalculation> {
  const filter = filterOf(question);
  const spec =
    kind === "trend"
      ? await charts.trend({ filter })
      : kind === "category-breakdown"
        ? await charts.categoryBreakdown({
            filter,
            dimension: question.parameters.groupBy ?? "functional_area",
            chart: "pie",
            top: TOP_VALUES * 2,
          })
        : kind === "heatmap"
          ? await charts.heatmap({ filter, top: TOP_VALUES * 4 })
          : await charts.anomalyScatter({ filter, changeThreshold: ANOMALY_DEFAULTS.trend.changeThreshold, top: 100 });
  return { ...calculation, chart: charts.figure(spec), chartSpec: spec };
}

async function anomalyAnswer(anomalies: AnomalyService, question: Classification): Promise<ChatCalculation> {
  const filter = filterOf(question);
  const { direction, minAmount } = question.parameters;
  const query = queryOf(filter, {
    ...(direction ? { direction } : {}),
    ...(minAmount ? { minAmount } : {}),
    pageSize: TOP_VALUES,
  });
  const page = await anomalies.detect(
    { filter, ...(direction ? { direction } : {}), ...(minAmount ? { minAmount } : {}) },
    ANOMALY_DEFAULTS,
    { page: 1, pageSize: TOP_VALUES },
  );
  const lines = [
    `${page.total} anomalies${filterWords(question.parameters.values)}${periodWords(question)}${page.truncated ? " (at least: narrow the question to see all)" : ""}.`,
  ];
  page.items.forEach((anomaly, i) => {
    const subject =
      anomaly.subject.kind === "row"
        ? `posting ${anomaly.subject.id}`
        : `${anomaly.subject.dimension} ${anomaly.subject.value ?? "(blank)"} in ${anomaly.subject.monthYear}`;
    const finding = anomaly.findings[0];
    const range = finding?.peerGroup.normalRange;
    const why = finding?.contributions[0]?.detail;
    lines.push(
      `${i + 1}. ${subject}: ${anomaly.currency} ${anomaly.amount} (${anomaly.direction}), found by ${anomaly.detectors.join(" and ")}` +
        (why ? `; ${why}` : "") +
        (range ? `; normal range ${range.low} to ${range.high} (${range.basis})` : "") +
        ".",
    );
  });
  return {
    route: withQuery("GET /api/v1/anomaly/detect", query),
    parameters: query,
    answer: lines.join("\n"),
    summary: { anomalies: { total: page.total, items: page.items } },
  };
}

async function rcaAnswer(
  rca: RcaService,
  question: Classification,
  caller: ChatCaller,
  vocabulary: Vocabulary,
): Promise<ChatCalculation> {
  const comparison = periodOf(question, vocabulary);
  if (!comparison) return noData();
  const baseline = question.parameters.baseline ?? rangeBefore(comparison);
  const values = question.parameters.values;
  const filtered = Object.keys(values).length > 0;
  const dimensions = dimensionsBeside(values);
  const body = { baseline, comparison, dimensions, ...(filtered ? { filters: { dimensions: values } } : {}) };
  const result = await rca.analyze(caller, {
    baseline,
    comparison,
    dimensions,
    ...(filtered ? { filter: { dimensions: values } } : {}),
  });
  const view = rcaView(result);
  const lines: string[] = [];
  for (const currency of view.currencies) {
    lines.push(
      `${currency.currency}${filterWords(values)}: ${rangeLabel(comparison)} ${currency.comparison} against ${rangeLabel(baseline)} ${currency.baseline}, a change of ${signed(currency.change)}.`,
    );
    // New and vanished segments drive a change as much as changed ones: rank them together.
    const ranked = [
      ...currency.drivers.map((d) => ({ ...d, tag: "" })),
      ...currency.newSegments.map((d) => ({ ...d, tag: " (new)" })),
      ...currency.vanishedSegments.map((d) => ({ ...d, tag: " (gone)" })),
    ]
      .sort((a, b) => magnitude(b.change) - magnitude(a.change))
      .slice(0, DRIVERS_NAMED);
    if (ranked.length > 0) {
      lines.push(
        `Main drivers: ${ranked.map((d, i) => `${i + 1}. ${d.label}${d.tag}: ${signed(d.change)}${percent(d.shareOfChange)}`).join("; ")}.`,
      );
    }
    if (question.parameters.direction === "increase" && currency.change.startsWith("-")) {
      lines.push(`Note: ${currency.currency} spending went down, not up.`);
    }
    if (question.parameters.direction === "decrease" && !currency.change.startsWith("-") && currency.change !== "0") {
      lines.push(`Note: ${currency.currency} spending went up, not down.`);
    }
  }
  if (view.currencies.length === 0) lines.push(`No postings${filterWords(values)} in either period.`);
  const main = [...result.currencies].sort((a, b) => (abs(b.changeMinor) > abs(a.changeMinor) ? 1 : -1))[0];
  return {
    route: "POST /api/v1/rca/analyze",
    parameters: body,
    answer: lines.join("\n"),
    ...(main ? waterfallChart(main.waterfall, baseline, comparison) : {}),
    summary: { rca: view },
  };
}

/** The RCA answer's waterfall: the Plotly figure and the spec it is made from. */
function waterfallChart(waterfall: RcaWaterfall, baseline: PeriodRange, comparison: PeriodRange) {
  const steps = rcaWaterfallSteps(waterfall);
  const options = { title: `Change ${rangeLabel(baseline)} → ${rangeLabel(comparison)}`, unit: waterfall.currency };
  return { chart: waterfallFigure(steps, options), chartSpec: waterfallSpec(steps, options) };
}

/** For ranking only: the size of an exact decimal amount. */
function magnitude(amount: string): number {
  return Math.abs(Number(amount));
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function noData(): ChatCalculation {
  return {
    route: "GET /api/v1/eda",
    parameters: {},
    answer: "There is no expense data yet: import some (POST /api/v1/finance/expenses/imports) and ask again.",
    summary: {},
  };
}
