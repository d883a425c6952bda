import { z } from "zod";
import { DIMENSIONS, type Dimension, type ExpenseFilter } from "../../shared/index.js";
import { text } from "../runtime/schemas.js";

/** At most this many dimension filters in one request (each is one more SQL condition). */
export const MAX_DIMENSION_FILTERS = 8;

const fiscalYear = z.coerce.number().int().min(1900).max(2200);
const period = z.coerce.number().int().min(1).max(16);

/**
 * The query parameters of ExpenseFilter, the filters every analytics route takes: fiscal
 * year, a posting-period range, company code and any dimension by its column name
 * (`functional_area=TRAVEL`). Spread into a route's `z.strictObject`, so a misspelt
 * parameter is a 400, not a silently ignored filter.
 */
const expenseFilterShape = {
  fiscalYear: fiscalYear.optional(),
  periodFrom: period.optional(),
  periodTo: period.optional(),
  companyCode: text({ max: 10 }).optional(),
  ...(Object.fromEntries(DIMENSIONS.map((d) => [d, text({ max: 200 }).optional()])) as Record<
    Dimension,
    z.ZodOptional<z.ZodString>
  >),
};

type FilterQuery = {
  fiscalYear?: number | undefined;
  periodFrom?: number | undefined;
  periodTo?: number | undefined;
  companyCode?: string | undefined;
} & Partial<Record<Dimension, string | undefined>>;

/** Cross-field checks: a period range in order, a capped number of dimension filters. */
function checkFilter(query: FilterQuery, ctx: z.RefinementCtx): void {
  if (query.periodFrom !== undefined && query.periodTo !== undefined && query.periodFrom > query.periodTo) {
    ctx.addIssue({ code: "custom", path: ["periodTo"], message: "must not be before periodFrom" });
  }
  const used = DIMENSIONS.filter((d) => query[d] !== undefined);
  if (used.length > MAX_DIMENSION_FILTERS) {
    ctx.addIssue({ code: "custom", path: [used[0]!], message: `at most ${MAX_DIMENSION_FILTERS} dimension filters` });
  }
}

/**
 * A route's query schema: the filters plus its own parameters. Unknown parameters are a 400
 * listing the dimension filters (a misspelt filter never goes unseen); a period range runs
 * forwards; at most MAX_DIMENSION_FILTERS dimensions.
 */
export function expenseFilterQuery<S extends z.ZodRawShape>(shape: S) {
  return z
    .strictObject(
      { ...expenseFilterShape, ...shape },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `unknown query parameter; dimension filters are: ${DIMENSIONS.join(", ")}`
            : undefined,
      },
    )
    .superRefine((query, ctx) => checkFilter(query as FilterQuery, ctx));
}

export function toExpenseFilter(query: FilterQuery): ExpenseFilter {
  const dimensions: Partial<Record<Dimension, string>> = {};
  for (const d of DIMENSIONS) {
    const value = query[d];
    if (value !== undefined) dimensions[d] = value;
  }
  return {
    ...(query.fiscalYear !== undefined ? { fiscalYear: query.fiscalYear } : {}),
    ...(query.periodFrom !== undefined ? { periodFrom: query.periodFrom } : {}),
    ...(query.periodTo !== undefined ? { periodTo: query.periodTo } : {}),
    ...(query.companyCode !== undefined ? { companyCode: query.companyCode } : {}),
    dimensions,
  };
}

/** A dimension named in a path or query: an unknown one is a 400 listing the allowed names. */
export const dimensionName = z.enum(DIMENSIONS, {
  error: () => `unknown dimension; allowed: ${DIMENSIONS.join(", ")}`,
});
