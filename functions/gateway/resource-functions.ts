import { z } from "zod";
import { sapCode } from "../runtime/schemas.js";
import { ANY_ROLE } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { dataIssueView, moneyView } from "./gateway-schemas.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const resourceView = z.object({
  resourceId: z.string(),
  name: z.string(),
  department: z.string().nullable(),
  costCenterId: z.string().nullable(),
  hourlyCost: moneyView.nullable(),
  availability: z.object({
    capacityHoursPerWeek: z.string(),
    plannedHoursThisWeek: z.string(),
    availableHoursThisWeek: z.string(),
    availablePct: z.string(),
    available: z.boolean(),
  }),
  issues: z.array(dataIssueView),
});

export const resourcesList = httpFunction({
  name: "resources-list",
  route: "v1/resources",
  method: "GET",
  summary:
    "People with exact hourly cost, department and this week's availability; filter by department and availability; paginated",
  tags: ["resources"],
  access: { roles: ANY_ROLE },
  query: paged.query.extend({
    department: sapCode(12).optional(),
    available: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional(),
  }),
  response: z.object({ items: z.array(resourceView), pagination: paged.view }),
  errors: [503],
  handler: async ({ query }, { platform }) => {
    const page = await platform.resources.listResources({
      ...(query.department !== undefined ? { department: query.department } : {}),
      ...(query.available !== undefined ? { available: query.available } : {}),
      page: query.page,
      pageSize: query.pageSize,
    });
    return { data: paged.pageOf(page.items, page) };
  },
});
