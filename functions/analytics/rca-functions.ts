import { z } from "zod";
import {
  ANY_ROLE,
  DIMENSIONS,
  RCA_MAX_DEPTH,
  RCA_MAX_DIMENSIONS,
  ValidationError,
  rcaView,
  rcaWaterfallSteps,
  waterfallFigure,
  waterfallSpec,
  type RcaRequest,
  type RcaWaterfall,
  type Role,
} from "../../shared/index.js";
import { httpFunction, type HttpContext } from "../runtime/declarations.js";
import { text } from "../runtime/schemas.js";
import { SVG_HEADERS, renderingShape } from "./chart-functions.js";

/** Who reads analytics (issue §7): analysts and finance; admins too. */
const ANALYTICS_READERS: readonly Role[] = ["admin", "finance", "analyst"];

const dimension = z.enum(DIMENSIONS, { error: `must be one of: ${DIMENSIONS.join(", ")}` });

const period = z
  .strictObject({
    fiscalYear: z.int().min(1990).max(2100),
    periodFrom: z.int().min(1).max(16),
    periodTo: z.int().min(1).max(16),
  })
  .refine((p) => p.periodFrom <= p.periodTo, { message: "periodFrom must not be after periodTo", path: ["periodTo"] });

const rcaFields = z.strictObject({
  baseline: period.optional().describe("Period over period: the period range compared against"),
  comparison: period.describe("The period range explained (the actuals, with budget)"),
  budget: z
    .strictObject({
      customerId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "must be a customer id"),
    })
    .optional()
    .describe("Actual vs budget: this customer's budgets are the baseline"),
  dimensions: z
    .array(dimension)
    .min(1)
    .max(RCA_MAX_DIMENSIONS)
    .optional()
    .describe("Dimensions segments combine (default: functional area, cost center, GL account name, supplier)"),
  filters: z
    .strictObject({
      companyCode: z
        .string()
        .regex(/^[A-Za-z0-9]{1,10}$/, "must be a company code")
        .optional(),
      dimensions: z.partialRecord(dimension, text({ max: 200 })).optional(),
    })
    .optional(),
  maxDepth: z.int().min(1).max(RCA_MAX_DEPTH).optional(),
  minImpactShare: z.number().min(0).max(1).optional(),
  minSupportShare: z.number().min(0).max(1).optional(),
  maxSegments: z.int().min(1).max(100).optional(),
  maxSteps: z.int().min(1).max(20).optional(),
  evidence: z.int().min(0).max(10).optional().describe("Evidence rows per driver (default 3)"),
});

const oneBaseline = {
  message: "give either baseline (period over period) or budget (actual vs budget)",
  path: ["baseline"],
};
const rcaBody = rcaFields.refine((b) => (b.baseline === undefined) !== (b.budget === undefined), oneBaseline);
const waterfallBody = rcaFields
  .extend({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code")
      .optional()
      .describe("Which currency's waterfall, when the data holds several"),
  })
  .refine((b) => (b.baseline === undefined) !== (b.budget === undefined), oneBaseline);

type RcaBody = z.infer<typeof rcaFields>;

const money = z.string().describe("Exact decimal in the currency's precision");
const segment = z.looseObject({
  label: z.string(),
  where: z.record(z.string(), z.string().nullable()),
  kind: z.enum(["changed", "new", "vanished"]),
  baseline: money,
  comparison: money,
  change: money,
  evidence: z.array(z.looseObject({ id: z.number(), side: z.string(), amount: money })),
});
const waterfall = z.object({
  currency: z.string(),
  start: z.object({ label: z.string(), amount: money }),
  steps: z.array(z.object({ label: z.string(), change: money, kind: z.string().nullable() })),
  end: z.object({ label: z.string(), amount: money }),
});
const rcaResponse = z.looseObject({
  mode: z.enum(["periods", "budget"]),
  dimensions: z.array(z.string()),
  currencies: z.array(
    z.looseObject({
      currency: z.string(),
      baseline: money,
      comparison: money,
      change: money,
      drivers: z.array(segment),
      newSegments: z.array(segment),
      vanishedSegments: z.array(segment),
      partition: z.array(z.object({ label: z.string(), change: money, kind: z.string().nullable() })),
      importance: z.array(z.looseObject({ dimension: z.string(), importance: z.number() })),
      waterfall,
    }),
  ),
  importanceMethod: z.object({ name: z.string(), description: z.string() }),
  notes: z.array(z.string()),
});

function requestOf(body: RcaBody): RcaRequest {
  return {
    comparison: body.comparison,
    ...(body.baseline ? { baseline: body.baseline } : {}),
    ...(body.budget ? { budget: body.budget } : {}),
    ...(body.dimensions ? { dimensions: body.dimensions } : {}),
    ...(body.filters
      ? {
          filter: {
            ...(body.filters.companyCode ? { companyCode: body.filters.companyCode } : {}),
            ...(body.filters.dimensions ? { dimensions: body.filters.dimensions } : {}),
          },
        }
      : {}),
    ...(body.maxDepth !== undefined ? { maxDepth: body.maxDepth } : {}),
    ...(body.minImpactShare !== undefined ? { minImpactShare: body.minImpactShare } : {}),
    ...(body.minSupportShare !== undefined ? { minSupportShare: body.minSupportShare } : {}),
    ...(body.maxSegments !== undefined ? { maxSegments: body.maxSegments } : {}),
    ...(body.maxSteps !== undefined ? { maxSteps: body.maxSteps } : {}),
    ...(body.evidence !== undefined ? { evidence: body.evidence } : {}),
  };
}

const analyze = (body: RcaBody, ctx: HttpContext) =>
  ctx.platform.analytics.rca.analyze(ctx.principal!, requestOf(body));

export const rcaAnalyze = httpFunction({
  name: "rca-analyze",
  route: "v1/rca/analyze",
  method: "POST",
  summary:
    "Root-cause analysis: the change between two period ranges (or actual vs a customer's budget) decomposed exactly into segments of up to three dimensions (apriori-pruned, non-redundant, ranked by impact; new and vanished apart), per currency, with evidence rows, the exact partition behind the waterfall and a dimension importance view",
  tags: ["analytics"],
  access: { roles: ANALYTICS_READERS },
  body: rcaBody,
  response: rcaResponse,
  errors: [404],
  handler: async ({ body }, ctx) => ({ data: rcaView(await analyze(body, ctx)) }),
});

export const chartsRcaWaterfall = httpFunction({
  name: "charts-rca-waterfall",
  route: "v1/charts/rca-waterfall",
  method: "POST",
  summary:
    "The waterfall of an RCA (same body as /rca/analyze, plus `currency` when the data holds several) as a Plotly figure, or with `format=svg` as image/svg+xml: baseline, the exact partition's steps and 'other', comparison",
  tags: ["analytics", "charts"],
  access: { roles: ANY_ROLE },
  query: z.object(renderingShape),
  body: waterfallBody,
  response: z.object({
    currency: z.string().nullable(),
    figure: z.looseObject({ data: z.array(z.looseObject({})), layout: z.looseObject({}) }).nullable(),
    waterfall: waterfall.nullable(),
    notes: z.array(z.string()),
  }),
  errors: [400, 404],
  handler: async ({ body, query }, ctx) => {
    const result = await analyze(body, ctx);
    const codes = result.currencies.map((c) => c.currency);
    const chosen = body.currency
      ? result.currencies.find((c) => c.currency === body.currency)
      : result.currencies.length === 1
        ? result.currencies[0]
        : undefined;
    if (!chosen && (body.currency || codes.length > 1)) {
      throw new ValidationError([
        {
          field: "currency",
          location: "body",
          message: `choose one of the currencies in the data: ${codes.join(", ") || "(none)"}`,
        },
      ]);
    }
    const title = `${result.baseline.label} → ${result.comparison.label}`;
    const chartOptions = (w: RcaWaterfall) => ({ title: `Change ${title} (${w.currency})`, unit: w.currency });
    const figureOf = (w: RcaWaterfall) => {
      const figure = waterfallFigure(rcaWaterfallSteps(w), chartOptions(w));
      return { ...figure, data: [...figure.data] };
    };
    const waterfall = chosen?.waterfall;
    if (query.format === "svg") {
      // The picture the console shows (ui/Chart): the same ECharts SVG as the GET chart routes.
      if (!waterfall) {
        throw new ValidationError([
          { field: "comparison", location: "body", message: "no postings in either range: nothing to draw" },
        ]);
      }
      const spec = waterfallSpec(rcaWaterfallSteps(waterfall), chartOptions(waterfall));
      const svg = await ctx.platform.analytics.charts.svg(spec, {
        width: query.width ?? 900,
        height: query.height ?? 500,
      });
      return { raw: { headers: { ...SVG_HEADERS }, body: svg } };
    }
    return {
      data: {
        currency: chosen?.currency ?? null,
        figure: waterfall ? figureOf(waterfall) : null,
        waterfall: chosen ? rcaView({ ...result, currencies: [chosen] }).currencies[0]!.waterfall : null,
        notes: [...result.notes],
      },
    };
  },
});
