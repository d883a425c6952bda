import { z } from "zod";
import { ANY_ROLE } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { sapCode } from "../runtime/schemas.js";
import { dataIssueView, moneyView } from "./gateway-schemas.js";

export const costCentersPlanning = httpFunction({
  name: "cost-centers-planning",
  route: "v1/cost-centers/planning",
  method: "GET",
  summary:
    "Central cost-center plan and actuals for a fiscal year with exact variance and variance %, optionally for one department",
  tags: ["cost-centers"],
  access: { roles: ANY_ROLE },
  query: z.object({
    year: z.coerce.number({ error: "must be a four-digit year" }).int("must be a four-digit year").min(1990).max(2100),
    department: sapCode(12).optional(),
  }),
  response: z.object({
    year: z.number().int(),
    department: z.string().nullable(),
    costCenters: z.array(
      z.object({
        costCenterId: z.string(),
        name: z.string(),
        department: z.string().nullable(),
        currency: z.string().nullable(),
        planned: moneyView.nullable(),
        actual: moneyView.nullable(),
        variance: moneyView.nullable(),
        variancePct: z.string().nullable(),
        issues: z.array(dataIssueView),
      }),
    ),
    totals: z.array(
      z.object({
        currency: z.string(),
        planned: moneyView,
        actual: moneyView,
        variance: moneyView,
        variancePct: z.string().nullable(),
      }),
    ),
  }),
  errors: [503],
  handler: async ({ query }, { platform }) => ({
    data: await platform.costCenters.getPlanning(query.year, query.department),
  }),
});
