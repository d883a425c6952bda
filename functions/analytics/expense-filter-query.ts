import { z } from "zod";
import { DIMENSIONS, type Dimension, type ExpenseFilter } from "../../shared/index.js";
import { text } from "../runtime/schemas.js";

/** Who reads analytics (issue §7): analysts and finance, and admins. */
export const ANALYTICS_READERS = ["admin", "finance", "analyst"] as const;

/** A dimension named by a parameter; an unknown one is refused with the allowed list. */
export const dimensionParam = z.enum(DIMENSIONS, {
  error: () => `unknown dimension; allowed: ${DIMENSIONS.join(", ")}`,
});

/**
 * The filters every analytics route takes as query parameters: fiscalYear, periodFrom,
 * periodTo, companyCode, and any dimension by its column name (`cost_center_id=CC-100`).
 */
export const expenseFilterShape = {
  fiscalYear: z.coerce.number().int().min(1900).max(2200).optional(),
  periodFrom: z.coerce.number().int().min(1).max(16).optional(),
  periodTo: z.coerce.number().int().min(1).max(16).optional(),
  companyCode: text({ max: 20 }).optional(),
  ...(Object.fromEntries(DIMENSIONS.map((d) => [d, text({ max: 200 }).optional()])) as Record<
    Dimension,
    z.ZodOptional<z.ZodString>
  >),
};

/**
 * A query object of `shape` (filters plus the route's own parameters): a period range must
 * run forwards, and a parameter that is neither is refused, naming the dimensions a filter
 * may use (a misspelt dimension must not silently widen the answer).
 */
export function withExpenseFilter<S extends z.ZodRawShape>(shape: S) {
  const known = new Set(Object.keys(shape));
  return z.looseObject(shape).superRefine((q, ctx) => {
    for (const key of Object.keys(q)) {
      if (!known.has(key))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown parameter; filter dimensions are: ${DIMENSIONS.join(", ")}`,
        });
    }
    const from = (q as { periodFrom?: number }).periodFrom;
    const to = (q as { periodTo?: number }).periodTo;
    if (from !== undefined && to !== undefined && from > to)
      ctx.addIssue({ code: "custom", path: ["periodFrom"], message: "must not be after periodTo" });
  });
}

/** The ExpenseFilter of a parsed query. */
export function expenseFilterOf(query: Partial<Record<string, unknown>>): ExpenseFilter {
  const dimensions: Partial<Record<Dimension, string>> = {};
  for (const d of DIMENSIONS) {
    const value = query[d];
    if (typeof value === "string") dimensions[d] = value;
  }
  return {
    ...(typeof query.fiscalYear === "number" ? { fiscalYear: query.fiscalYear } : {}),
    ...(typeof query.periodFrom === "number" ? { periodFrom: query.periodFrom } : {}),
    ...(typeof query.periodTo === "number" ? { periodTo: query.periodTo } : {}),
    ...(typeof query.companyCode === "string" ? { companyCode: query.companyCode } : {}),
    ...(Object.keys(dimensions).length > 0 ? { dimensions } : {}),
  };
}
