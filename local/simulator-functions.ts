import { z } from "zod";
import { ADMIN_ONLY, ConflictError, type Platform, type SapSimulator } from "../shared/index.js";
import { httpFunction } from "../functions/runtime/declarations.js";
import type { EsgSimulators } from "./simulators/esg.js";

/**
 * Local host only (never registered in Azure): steer the SAP simulator at run time so a
 * user can watch the platform react to SAP going down, slowing or failing.
 */
const controlsView = z.object({
  down: z.boolean(),
  latencyMs: z.number().int(),
  errorRate: z.number(),
  failFunctions: z.array(z.string()),
});

function simulatorOf(platform: Platform): SapSimulator {
  const simulator = platform.simulators.sap;
  if (!simulator) throw new ConflictError("SAP_ADAPTER is not simulator: there is no SAP simulator to steer");
  return simulator;
}

export const localSapSimulatorGet = httpFunction({
  name: "local-sap-simulator-get",
  route: "local/simulators/sap",
  method: "GET",
  summary: "The SAP simulator's switches (local host only; admin)",
  tags: ["local"],
  access: { roles: ADMIN_ONLY },
  response: controlsView,
  errors: [409],
  handler: async (_input, { platform }) => ({ data: simulatorOf(platform).controls }),
});

export const localSapSimulatorSet = httpFunction({
  name: "local-sap-simulator-set",
  route: "local/simulators/sap",
  method: "PUT",
  summary: "Switch the SAP simulator down or up, add latency, inject errors (local host only; admin)",
  tags: ["local"],
  access: { roles: ADMIN_ONLY },
  body: z.strictObject({
    down: z.boolean().optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    failFunctions: z.array(z.string().regex(/^[A-Z0-9_/]{1,30}$/, "must be a function module name")).max(50).optional(),
  }),
  response: controlsView,
  errors: [409],
  handler: async ({ body }, { platform, actor }) => {
    const controls = simulatorOf(platform).setControls(body);
    await platform.audit.record(actor, { action: "local.sap_simulator.set", resourceType: "simulator", resourceId: "sap", details: { ...body } });
    platform.logger.warn("SAP simulator switches changed", { controls });
    return { data: controls };
  },
});

const esgControlsView = z.object({
  down: z.boolean(),
  latencyMs: z.number().int(),
  errorRate: z.number(),
  transientErrorRate: z.number(),
  partialRate: z.number(),
  malformedRate: z.number(),
  rateLimitPerSecond: z.number().int(),
  burst429EverySeconds: z.number().int(),
  pageErrorRate: z.number(),
  ratingVersion: z.number().int(),
  etags: z.boolean(),
  stats: z.object({ ratingRequests: z.number(), throttled: z.number(), notModified: z.number(), pageRequests: z.number() }),
});

function esgSimulatorFunctions(simulators: EsgSimulators | undefined) {
  const simulatorOfEsg = () => {
    if (!simulators) throw new ConflictError("ESG_ACCOUNTS_API_URL / ESG_RATINGS_API_URL point at real partners: there is no ESG simulator to steer");
    return simulators;
  };
  const view = (s: EsgSimulators) => ({ ...s.controls, stats: s.stats });
  const get = httpFunction({
    name: "local-esg-simulator-get",
    route: "local/simulators/esg",
    method: "GET",
    summary: "The ESG simulators' switches and request counts (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    response: esgControlsView,
    errors: [409],
    handler: async () => ({ data: view(simulatorOfEsg()) }),
  });
  const rate = z.number().min(0).max(1).optional();
  const set = httpFunction({
    name: "local-esg-simulator-set",
    route: "local/simulators/esg",
    method: "PUT",
    summary: "Steer the Account Management System and ESG API simulators: down, latency, error rates, partial and malformed answers, rate limit, 429 bursts (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    body: z.strictObject({
      down: z.boolean().optional(),
      latencyMs: z.number().int().min(0).max(600_000).optional(),
      errorRate: rate,
      transientErrorRate: rate,
      partialRate: rate,
      malformedRate: rate,
      rateLimitPerSecond: z.number().int().min(1).max(1_000_000).optional(),
      burst429EverySeconds: z.number().int().min(0).max(86_400).optional(),
      pageErrorRate: rate,
      ratingVersion: z.number().int().min(0).max(1_000_000).optional(),
      etags: z.boolean().optional(),
    }),
    response: esgControlsView,
    errors: [409],
    handler: async ({ body }, { platform, actor }) => {
      const simulators = simulatorOfEsg();
      simulators.setControls(body);
      await platform.audit.record(actor, { action: "local.esg_simulator.set", resourceType: "simulator", resourceId: "esg", details: { ...body } });
      platform.logger.warn("ESG simulator switches changed", { controls: simulators.controls });
      return { data: view(simulators) };
    },
  });
  return [get, set];
}

/** The local host's own functions: simulator controls, never registered in Azure. */
export function localFunctions(simulators: { esg?: EsgSimulators } = {}) {
  return [localSapSimulatorGet, localSapSimulatorSet, ...esgSimulatorFunctions(simulators.esg)];
}
