import { z } from "zod";
import { NotFoundError, ServiceUnavailableError } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";

/** How soon a load balancer should ask again. */
const READY_RETRY_SECONDS = 5;

export const health = httpFunction({
  name: "health",
  route: "health",
  method: "GET",
  summary: "Liveness: the app is running (no dependency checks, no auth)",
  tags: ["system"],
  access: { public: true },
  rateLimited: false,
  response: z.object({ status: z.literal("ok") }),
  handler: async () => ({ data: { status: "ok" as const } }),
});

const dependencyView = z.object({
  name: z.string(),
  adapter: z.string(),
  status: z.enum(["up", "down"]),
  latency_ms: z.number(),
});

export const healthReady = httpFunction({
  name: "health-ready",
  route: "health/ready",
  method: "GET",
  summary:
    "Readiness: each dependency in use with status and latency, and whether this is a demo deployment. `degraded` (200) when only a dependency some routes need is down (SAP: its routes answer 503, the rest serve); when an essential one is down, 503 SERVICE_UNAVAILABLE with the same view in error.details (no auth)",
  tags: ["system"],
  access: { public: true },
  rateLimited: false,
  response: z.object({
    status: z.enum(["ready", "degraded"]),
    demo: z.boolean(),
    dependencies: z.array(dependencyView),
  }),
  errors: [503],
  handler: async (_input, { platform, logger }) => {
    const report = await platform.readiness();
    // Anonymous callers see which dependency is down, never why: the error kind goes to the log.
    const dependencies = report.dependencies.map(({ name, adapter, status, latency_ms }) => ({
      name,
      adapter,
      status,
      latency_ms,
    }));
    const demo = platform.settings.DEMO_MODE;
    if (report.status === "ready") return { data: { status: "ready" as const, demo, dependencies } };
    const down = report.dependencies.filter((d) => d.status === "down");
    logger.warn(report.status === "degraded" ? "Degraded" : "Not ready", {
      down: down.map((d) => ({ name: d.name, adapter: d.adapter, error: d.error })),
    });
    if (report.status === "degraded") return { data: { status: "degraded" as const, demo, dependencies } };
    throw new ServiceUnavailableError(`Not ready: ${down.map((d) => d.name).join(", ")} down`, READY_RETRY_SECONDS, {
      status: "not_ready",
      demo,
      dependencies,
    });
  },
});

export const metrics = httpFunction({
  name: "metrics",
  route: "metrics",
  method: "GET",
  summary: "Prometheus text metrics; bearer metrics scrape token or an admin JWT",
  tags: ["system"],
  access: { roles: ["admin"], scrapeToken: true },
  response: { raw: "text/plain; version=0.0.4" },
  handler: async (_input, { platform }) => ({
    raw: { headers: { "Content-Type": platform.metrics.contentType }, body: await platform.metrics.render() },
  }),
});

/** Registered last with a catch-all route, so unknown routes get the envelope too. */
export const routeNotFound = httpFunction({
  name: "route-not-found",
  route: "{*path}",
  method: "ANY",
  summary: "Unknown route",
  tags: ["system"],
  access: { public: true },
  response: z.never(),
  handler: async () => {
    throw new NotFoundError("Route");
  },
});
