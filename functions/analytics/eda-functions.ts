import { z } from "zod";
import { ANALYTICS_READERS, GRANULARITIES } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { dimensionName, expenseFilterQuery, toExpenseFilter } from "./expense-filter-query.js";

/** Analytics lists page camelCase, like the rest of /api/v1. */
const paged = paging("camelCase", { default: 25, max: 200 });

const amount = z.string().describe("decimal string in the row's currency");
const fiscalPeriodKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-6])$/, "must be YYYY-PP (period 01–16)");
/** How many values a ranking or a by-dimension series holds. */
const topCount = z.coerce.number().int().min(1).max(25).default(10);

export const edaSummary = httpFunction({
  name: "eda-summary",
  route: "v1/eda",
  method: "GET",
  summary:
    "Exploration summary of finance_expense under the filters: rows, totals per currency (never added across currencies), periods covered (special periods 13–16 marked), the top values of the main dimensions, and data-quality findings (missing keys, possible duplicates, mixed currencies, company periods with no data)",
  tags: ["analytics"],
  access: { roles: ANALYTICS_READERS },
  query: expenseFilterQuery({ top: topCount }),
  response: z.object({
    rows: z.number().int(),
    currencies: z.array(z.string()),
    totals: z.array(z.object({ currency: z.string(), rows: z.number().int(), amount, debit: amount, credit: amount })),
    fiscalYears: z.array(z.number().int()),
    periods: z.object({
      first: z.string().nullable(),
      last: z.string().nullable(),
      covered: z.array(z.object({ monthYear: z.string(), special: z.boolean() })),
    }),
    topDimensions: z.array(
      z.object({
        dimension: z.string(),
        values: z.array(
          z.object({ value: z.string().nullable(), currency: z.string(), rows: z.number().int(), amount }),
        ),
      }),
    ),
    dataQuality: z.object({
      findings: z.array(z.object({ kind: z.string(), count: z.number().int(), message: z.string() })),
      missingKeys: z.record(z.string(), z.number().int()),
      duplicates: z.object({
        groups: z.number().int(),
        rows: z.number().int(),
        examples: z.array(
          z.object({
            companyCode: z.string(),
            reference: z.string(),
            monthYear: z.string(),
            rows: z.number().int(),
            currency: z.string(),
            amount,
          }),
        ),
      }),
      mixedCurrencies: z.boolean(),
      periodsWithoutData: z.array(z.object({ companyCode: z.string(), monthYear: z.string() })),
    }),
  }),
  handler: async ({ query }, ctx) => ({
    data: await ctx.platform.analytics.exploration.summary(toExpenseFilter(query), { top: query.top }),
  }),
});

export const edaBreakdown = httpFunction({
  name: "eda-breakdown",
  route: "v1/eda/breakdown/{dimension}",
  method: "GET",
  summary:
    "One dimension's values under the filters, largest first, per currency: rows, amount, average, share of the currency's total, and the amount in a period (`period`, default the latest regular one) against the period before with the change in percent",
  tags: ["analytics"],
  access: { roles: ANALYTICS_READERS },
  params: z.object({ dimension: dimensionName }),
  query: expenseFilterQuery({ ...paged.query.shape, period: fiscalPeriodKey.optional() }),
  response: z.object({
    dimension: z.string(),
    period: z.string().nullable(),
    previousPeriod: z.string().nullable(),
    items: z.array(
      z.object({
        value: z.string().nullable(),
        currency: z.string(),
        rows: z.number().int(),
        amount,
        average: amount,
        sharePct: z.string().nullable(),
        periodAmount: amount,
        previousPeriodAmount: amount,
        changePct: z.string().nullable(),
      }),
    ),
    pagination: paged.view,
  }),
  handler: async ({ params, query }, ctx) => {
    const period = query.period
      ? { fiscalYear: Number(query.period.slice(0, 4)), postingPeriod: Number(query.period.slice(5)) }
      : undefined;
    const result = await ctx.platform.analytics.exploration.breakdown(toExpenseFilter(query), params.dimension, {
      ...(period ? { period } : {}),
      page: query.page,
      pageSize: query.pageSize,
    });
    const page = paged.pageOf(result.items, { page: query.page, pageSize: query.pageSize, total: result.total });
    return {
      data: {
        dimension: result.dimension,
        period: result.period,
        previousPeriod: result.previousPeriod,
        items: page.items,
        pagination: page.pagination,
      },
    };
  },
});

export const edaTimeseries = httpFunction({
  name: "eda-timeseries",
  route: "v1/eda/timeseries",
  method: "GET",
  summary:
    "Amounts and rows over time under the filters, by month (fiscal period, special periods marked), quarter (special periods in Q4) or fiscal year; one series per currency, or per currency and value of `dimension` (its `top` largest values)",
  tags: ["analytics"],
  access: { roles: ANALYTICS_READERS },
  query: expenseFilterQuery({
    granularity: z.enum(GRANULARITIES).default("month"),
    dimension: dimensionName.optional(),
    top: topCount,
  }),
  response: z.object({
    granularity: z.enum(GRANULARITIES),
    dimension: z.string().nullable(),
    series: z.array(
      z.object({
        value: z.string().nullable(),
        currency: z.string(),
        points: z.array(z.object({ period: z.string(), special: z.boolean(), rows: z.number().int(), amount })),
      }),
    ),
  }),
  handler: async ({ query }, ctx) => ({
    data: await ctx.platform.analytics.exploration.timeseries(toExpenseFilter(query), {
      granularity: query.granularity,
      ...(query.dimension ? { dimension: query.dimension } : {}),
      top: query.top,
    }),
  }),
});
