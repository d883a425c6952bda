import { z } from "zod";
import { ANALYTICS_READERS, ANOMALY_DEFAULTS, type AnomalyPage, type AnomalyScope } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { dimensionName, expenseFilterQuery, toExpenseFilter } from "./expense-filter-query.js";

const paged = paging("camelCase", { default: 25, max: 100 });
const defaults = ANOMALY_DEFAULTS;

// ---- parameters: the seed's defaults, validated and capped --------------------------------

/** Which findings matter to the caller; the anomaly scatter takes the same two. */
export const scopeShape = {
  direction: z.enum(["increase", "decrease", "both"]).default("both"),
  minAmount: z
    .string()
    .regex(/^\d{1,15}(\.\d{1,6})?$/, "must be a decimal amount such as 5000 or 5000.50")
    .optional()
    .describe("Materiality: only anomalies whose amount at issue is at least this (in its currency)"),
};
const statisticalShape = {
  method: z.enum(["zscore", "mad"]).default(defaults.statistical.method),
  threshold: z.coerce.number().min(0.5).max(10).default(defaults.statistical.threshold),
  peerGroup: dimensionName.default(defaults.statistical.peerGroup),
};
const mlShape = {
  contamination: z.coerce.number().gt(0).max(0.5).default(defaults.ml.contamination),
  trees: z.coerce.number().int().min(10).max(500).default(defaults.ml.trees),
  subsample: z.coerce.number().int().min(16).max(4096).default(defaults.ml.subsample),
  seed: z.coerce.number().int().min(0).max(2_147_483_647).default(defaults.ml.seed),
};
const trendShape = {
  changeThreshold: z.coerce
    .number()
    .gt(0)
    .max(1000)
    .default(defaults.trend.changeThreshold * 100)
    .describe("Percent month-over-month change that is unusual"),
  dimension: dimensionName.default(defaults.trend.dimension),
};

type ScopeQuery = z.infer<ReturnType<typeof expenseFilterQuery<typeof scopeShape>>>;

function scopeOf(query: ScopeQuery): AnomalyScope {
  return {
    filter: toExpenseFilter(query),
    ...(query.direction !== "both" ? { direction: query.direction } : {}),
    ...(query.minAmount !== undefined ? { minAmount: query.minAmount } : {}),
  };
}

// ---- the one explained-anomaly format ------------------------------------------------------

const money = z.string().describe("Exact decimal in the currency's precision");
const anomalyView = z.object({
  key: z.string(),
  subject: z.union([
    z.object({ kind: z.literal("row"), id: z.number().int() }),
    z.object({
      kind: z.literal("segment"),
      dimension: z.string(),
      value: z.string().nullable(),
      monthYear: z.string(),
    }),
  ]),
  detectors: z.array(z.enum(["statistical", "ml", "trend"])),
  rankScore: z.number(),
  direction: z.enum(["increase", "decrease"]),
  amount: money,
  currency: z.string(),
  findings: z.array(
    z.object({
      detector: z.enum(["statistical", "ml", "trend"]),
      method: z.string(),
      score: z.number(),
      threshold: z.number(),
      severity: z.number(),
      contributions: z.array(
        z.object({ feature: z.string(), value: z.string(), contribution: z.number(), detail: z.string() }),
      ),
      peerGroup: z.object({
        dimensions: z.record(z.string(), z.string().nullable()),
        size: z.number().int(),
        normalRange: z.object({
          basis: z.string(),
          k: z.number(),
          centre: money,
          low: money,
          high: money,
          currency: z.string(),
        }),
      }),
    }),
  ),
  evidence: z.array(
    z.object({
      id: z.number().int(),
      monthYear: z.string(),
      postingPeriod: z.number().int(),
      companyCode: z.string(),
      costCenterId: z.string().nullable(),
      generalLedgerAccount: z.string().nullable(),
      supplier: z.string().nullable(),
      reference: z.string().nullable(),
      documentHeaderText: z.string().nullable(),
      amount: money,
      currency: z.string(),
    }),
  ),
});

const answer = <P extends z.ZodRawShape>(parameters: P) =>
  z.object({
    items: z.array(anomalyView),
    pagination: paged.view,
    truncated: z.boolean(),
    parameters: z.object(parameters),
  });

function pageAnswer<P>(result: AnomalyPage, parameters: P) {
  return {
    ...paged.pageOf(result.items, { page: result.page, pageSize: result.pageSize, total: result.total }),
    truncated: result.truncated,
    parameters,
  };
}

const common = { tags: ["analytics"], access: { roles: ANALYTICS_READERS }, errors: [400] } as const;

export const anomalyStatistical = httpFunction({
  name: "anomaly-statistical",
  route: "v1/anomaly/statistical",
  method: "GET",
  summary:
    "Rows outside their peer group's normal range: z-score (mean ± k·sd, k 2.5) or the robust MAD variant (median ± k·1.4826·MAD); explained, filtered by direction and materiality, paginated",
  ...common,
  query: expenseFilterQuery({ ...paged.query.shape, ...scopeShape, ...statisticalShape }),
  response: answer({ method: z.string(), threshold: z.number(), peerGroup: z.string() }),
  handler: async ({ query }, ctx) => {
    const params = { method: query.method, threshold: query.threshold, peerGroup: query.peerGroup };
    const result = await ctx.platform.analytics.anomalies.statistical(scopeOf(query), params, query);
    return { data: pageAnswer(result, params) };
  },
});

export const anomalyMl = httpFunction({
  name: "anomaly-ml",
  route: "v1/anomaly/ml",
  method: "GET",
  summary:
    "Isolation-forest anomalies (contamination 0.05, 100 trees, subsample 256, seeded: the same data gives the same answer), each with its per-feature attribution; explained, filtered, paginated",
  ...common,
  query: expenseFilterQuery({ ...paged.query.shape, ...scopeShape, ...mlShape }),
  response: answer({
    contamination: z.number(),
    trees: z.number(),
    subsample: z.number(),
    seed: z.number(),
    scoreThreshold: z.number(),
    rowsScored: z.number(),
  }),
  handler: async ({ query }, ctx) => {
    const params = {
      contamination: query.contamination,
      trees: query.trees,
      subsample: query.subsample,
      seed: query.seed,
    };
    const result = await ctx.platform.analytics.anomalies.ml(scopeOf(query), params, query);
    return {
      data: pageAnswer(result, { ...params, scoreThreshold: result.threshold, rowsScored: result.rowsScored }),
    };
  },
});

export const anomalyTrends = httpFunction({
  name: "anomaly-trends",
  route: "v1/anomaly/trends",
  method: "GET",
  summary:
    "Month-over-month changes above the threshold (30%) per dimension value, with the previous month as the normal range and the month's largest rows as evidence; filtered, paginated",
  ...common,
  query: expenseFilterQuery({ ...paged.query.shape, ...scopeShape, ...trendShape }),
  response: answer({ changeThreshold: z.number(), dimension: z.string() }),
  handler: async ({ query }, ctx) => {
    const result = await ctx.platform.analytics.anomalies.trends(
      scopeOf(query),
      { dimension: query.dimension, changeThreshold: query.changeThreshold / 100 },
      query,
    );
    return { data: pageAnswer(result, { changeThreshold: query.changeThreshold, dimension: query.dimension }) };
  },
});

export const anomalyDetect = httpFunction({
  name: "anomaly-detect",
  route: "v1/anomaly/detect",
  method: "GET",
  summary:
    "All three detectors, merged (a row or segment found by several is one entry naming each) and ranked by summed severity; explained, filtered, paginated",
  ...common,
  query: expenseFilterQuery({ ...paged.query.shape, ...scopeShape, ...statisticalShape, ...mlShape, ...trendShape }),
  response: answer({
    statistical: z.object({ method: z.string(), threshold: z.number(), peerGroup: z.string() }),
    ml: z.object({ contamination: z.number(), trees: z.number(), subsample: z.number(), seed: z.number() }),
    trend: z.object({ changeThreshold: z.number(), dimension: z.string() }),
  }),
  handler: async ({ query }, ctx) => {
    const statistical = { method: query.method, threshold: query.threshold, peerGroup: query.peerGroup };
    const ml = { contamination: query.contamination, trees: query.trees, subsample: query.subsample, seed: query.seed };
    const result = await ctx.platform.analytics.anomalies.detect(
      scopeOf(query),
      { statistical, ml, trend: { dimension: query.dimension, changeThreshold: query.changeThreshold / 100 } },
      query,
    );
    return {
      data: pageAnswer(result, {
        statistical,
        ml,
        trend: { changeThreshold: query.changeThreshold, dimension: query.dimension },
      }),
    };
  },
});
