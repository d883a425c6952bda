import { z } from "zod";
import { text } from "../runtime/schemas.js";
import { DIMENSIONS, SVG_SIZE_LIMITS, type Dimension, type ExpenseFilter } from "../../shared/index.js";

/** Dimension filters one request may combine (each is an equality in SQL). */
export const MAX_DIMENSION_FILTERS = 5;

const dimensionValue = text({ max: 200 });
const dimensionFilters = Object.fromEntries(DIMENSIONS.map((d) => [d, dimensionValue.optional()])) as Record<
  Dimension,
  z.ZodOptional<typeof dimensionValue>
>;

const baseShape = {
  fiscalYear: z.coerce.number().int().min(1900).max(2200).optional(),
  periodFrom: z.coerce.number().int().min(1).max(16).optional(),
  periodTo: z.coerce.number().int().min(1).max(16).optional(),
  ...dimensionFilters,
  format: z.enum(["json", "svg"]).default("json"),
  width: z.coerce.number().int().min(SVG_SIZE_LIMITS.minWidth).max(SVG_SIZE_LIMITS.maxWidth).optional(),
  height: z.coerce.number().int().min(SVG_SIZE_LIMITS.minHeight).max(SVG_SIZE_LIMITS.maxHeight).optional(),
};

type FilterFields = { periodFrom?: number; periodTo?: number } & Partial<Record<Dimension, string>>;

function checkFilters(q: FilterFields, ctx: z.RefinementCtx): void {
  if (q.periodFrom !== undefined && q.periodTo !== undefined && q.periodFrom > q.periodTo)
    ctx.addIssue({ code: "custom", message: "periodFrom must not be after periodTo", path: ["periodFrom"] });
  if (DIMENSIONS.filter((d) => q[d] !== undefined).length > MAX_DIMENSION_FILTERS)
    ctx.addIssue({
      code: "custom",
      message: `at most ${MAX_DIMENSION_FILTERS} dimension filters per request`,
      path: ["dimensions"],
    });
}

/**
 * The filters every chart route takes (the ExpenseFilter): fiscal year, a posting-period
 * range, and equality on any dimension by its column name (`?cost_center_id=CC1000`), plus
 * the rendering: `format=svg` (with `width`/`height`) or the Plotly figure JSON; and the
 * route's own parameters. Unknown parameters are a 400 (a mistyped filter never goes unseen).
 */
export function chartQueryWith<T extends z.ZodRawShape>(extra: T) {
  return z
    .strictObject(
      { ...baseShape, ...extra },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? `unknown query parameter; dimension filters are: ${DIMENSIONS.join(", ")}`
            : undefined,
      },
    )
    .superRefine((q, ctx) => checkFilters(q as unknown as FilterFields, ctx));
}

export const chartQuery = chartQueryWith({});

type ChartQuery = z.infer<typeof chartQuery>;

/** The query's filters as the analytics ExpenseFilter. */
export function filterOf(query: ChartQuery): ExpenseFilter {
  const dimensions: Partial<Record<Dimension, string>> = {};
  for (const d of DIMENSIONS) if (query[d] !== undefined) dimensions[d] = query[d];
  return {
    ...(query.fiscalYear !== undefined ? { fiscalYear: query.fiscalYear } : {}),
    ...(query.periodFrom !== undefined ? { periodFrom: query.periodFrom } : {}),
    ...(query.periodTo !== undefined ? { periodTo: query.periodTo } : {}),
    dimensions,
  };
}

/** The dimension a breakdown groups by: unknown names are a 400 listing the allowed ones. */
export const dimensionName = z.enum(DIMENSIONS, {
  error: () => `must be one of: ${DIMENSIONS.join(", ")}`,
});
