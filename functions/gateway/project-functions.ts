import { z } from "zod";
import { projectCode, sapCode, text } from "../runtime/schemas.js";
import {
  ANY_ROLE,
  FINANCE_WRITERS,
  PROJECT_STATUSES,
  PreconditionRequiredError,
  type MergedProject,
} from "../../shared/index.js";
import { JsonText } from "../runtime/envelope.js";
import { httpFunction } from "../runtime/declarations.js";
import { projectView } from "./gateway-schemas.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const projectParams = z.object({ projectId: projectCode });

/** The ETag is the SQL row's version: the only part of a project this API writes. */
const etagOf = (version: number) => `"${version}"`;

/**
 * If-Match: one strong ETag we issued; any other tag matches no version (412). `*` is
 * refused (428): it would match any version and skip the lost-update check the ETag exists for.
 */
function expectedVersion(ifMatch: string | null): number {
  const value = ifMatch?.trim() ?? "";
  if (value === "") {
    throw new PreconditionRequiredError("If-Match is required: send the ETag of your last read of this project");
  }
  if (value === "*") {
    throw new PreconditionRequiredError(
      'If-Match: * is not accepted, it would overwrite changes you have not seen: send the ETag of your last read ("0" for a project without a SQL record)',
    );
  }
  const match = /^"(\d{1,9})"$/.exec(value);
  return match ? Number(match[1]) : -1;
}

export const projectsList = httpFunction({
  name: "projects-list",
  route: "v1/projects",
  method: "GET",
  summary:
    "Projects merged from SAP and SQL (pricing, billing, outsourcing, resource planning, metadata), by PEP, department or all; paginated",
  tags: ["projects"],
  access: { roles: ANY_ROLE },
  query: paged.query
    .extend({
      filter: z.enum(["pep", "department", "all"]).default("all"),
      value: sapCode(24).optional(),
      sort: z.enum(["id", "name"]).default("id"),
      order: z.enum(["asc", "desc"]).default("asc"),
    })
    .superRefine((q, ctx) => {
      if (q.filter !== "all" && q.value === undefined)
        ctx.addIssue({ code: "custom", path: ["value"], message: `is required when filter is ${q.filter}` });
      if (q.filter === "all" && q.value !== undefined)
        ctx.addIssue({ code: "custom", path: ["value"], message: "must be absent when filter is all" });
    }),
  response: z.object({ items: z.array(projectView), pagination: paged.view }),
  errors: [503],
  handler: async ({ query }, { platform }) => {
    const page = await platform.projects.listProjects({
      filter: query.filter,
      ...(query.value !== undefined ? { value: query.value } : {}),
      sort: query.sort,
      order: query.order,
      page: query.page,
      pageSize: query.pageSize,
    });
    return { data: paged.pageOf(page.items, page) };
  },
});

export const projectsGet = httpFunction({
  name: "projects-get",
  route: "v1/projects/{projectId}",
  method: "GET",
  summary: "One merged project, with its ETag; 404 when SAP does not know it",
  tags: ["projects"],
  access: { roles: ANY_ROLE },
  params: projectParams,
  response: projectView,
  errors: [404, 503],
  handler: async ({ params }, { platform }) => {
    const project = await platform.projects.getProjectJson(params.projectId);
    return { data: new JsonText<MergedProject>(project.json), headers: { ETag: etagOf(project.version) } };
  },
});

const nullableText = (max: number) => text({ max }).nullable().optional();

export const projectsUpdate = httpFunction({
  name: "projects-update",
  route: "v1/projects/{projectId}",
  method: "PATCH",
  summary:
    "Change the SQL-only fields (name, status, custom fields); If-Match with the current ETag is required (412 when stale); audited",
  tags: ["projects"],
  access: { roles: FINANCE_WRITERS },
  params: projectParams,
  body: z
    .strictObject({
      name: nullableText(200),
      status: z.enum(PROJECT_STATUSES).nullable().optional(),
      customField1: nullableText(100),
      customField2: nullableText(100),
    })
    .refine((b) => Object.values(b).some((v) => v !== undefined), {
      message: "must change at least one of name, status, customField1, customField2",
    }),
  response: projectView,
  errors: [404, 412, 428, 503],
  handler: async ({ params, body, headers }, { platform, actor }) => {
    const version = expectedVersion(headers.get("if-match"));
    const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const project = await platform.projects.updateProject(params.projectId, version, changes, actor);
    return { data: project, headers: { ETag: etagOf(project.version) } };
  },
});
