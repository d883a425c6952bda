import { z } from "zod";
import { ADMIN_ONLY, ConflictError, type Platform, type SapSimulator } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import type { LocalSimulator } from "./local-simulator.js";

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

const localSapSimulatorGet = httpFunction({
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

const localSapSimulatorSet = httpFunction({
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
    failFunctions: z
      .array(z.string().regex(/^[A-Z0-9_/]{1,30}$/, "must be a function module name"))
      .max(50)
      .optional(),
  }),
  response: controlsView,
  errors: [409],
  handler: async ({ body }, { platform, actor }) => {
    const controls = simulatorOf(platform).setControls(body);
    await platform.audit.record(actor, {
      action: "local.sap_simulator.set",
      resourceType: "simulator",
      resourceId: "sap",
      details: { ...body },
    });
    platform.logger.warn("SAP simulator switches changed", { controls });
    return { data: controls };
  },
});

/**
 * The SAP simulator is the SAP port's embedded adapter (SAP_ADAPTER=simulator), built by
 * the platform itself; here are only its switches, answering 409 when SAP is real.
 */
export const sapSimulator: LocalSimulator<never> = {
  name: "sap",
  start: async () => ({
    handle: undefined,
    functions: [localSapSimulatorGet, localSapSimulatorSet],
    close: async () => undefined,
  }),
};
