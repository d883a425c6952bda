import { z } from "zod";
import { NotFoundError } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";

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

export const healthReady = httpFunction({
  name: "health-ready",
  route: "health/ready",
  method: "GET",
  summary: "Readiness: each dependency in use with status and latency; 503 when one is down (no auth)",
  tags: ["system"],
  access: { public: true },
  rateLimited: false,
  response: z.object({
    status: z.enum(["ready", "not_ready"]),
    dependencies: z.array(
      z.object({
        name: z.string(),
        adapter: z.string(),
        status: z.enum(["up", "down"]),
        latency_ms: z.number(),
        error: z.string().optional(),
      }),
    ),
  }),
  errors: [503],
  handler: async (_input, { platform }) => {
    const report = await platform.readiness();
    return {
      data: { status: report.status, dependencies: [...report.dependencies] },
      status: report.status === "ready" ? 200 : 503,
    };
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
