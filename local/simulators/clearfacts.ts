import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ADMIN_ONLY, ConflictError, loadSettings, type UploadLookup } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import { ClearfactsSimulator } from "./clearfacts-partner.js";
import type { LocalSimulator } from "./local-simulator.js";

/**
 * Without CLEARFACTS_API_URL (and with token sign-in, the default) the local host starts the
 * Clearfacts simulator and points the setting at it, with a personal access token of
 * Clearfacts' 80 characters generated for this run (unless one is set).
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<ClearfactsSimulator | undefined> {
  const settings = loadSettings(env);
  if (settings.runningInAzure || settings.CLEARFACTS_API_URL || settings.CLEARFACTS_AUTH !== "token") return undefined;
  // 60 random bytes are 80 base64url characters, the length the adapter insists on.
  env.CLEARFACTS_ACCESS_TOKEN ||= randomBytes(60).toString("base64url");
  const simulator = await ClearfactsSimulator.start({ tokens: [env.CLEARFACTS_ACCESS_TOKEN] });
  env.CLEARFACTS_API_URL = simulator.url;
  return simulator;
}

/**
 * What only a simulator can answer: whether a document whose answer was lost arrived. The
 * local host gives it to the forwarding job, so a lost answer is reconciled, not held.
 */
export function uploadLookupOf(
  simulator: ClearfactsSimulator,
): (ref: { vatNumber: string; fileName: string }) => Promise<UploadLookup> {
  return async (ref) => {
    const upload = simulator.findUpload(ref);
    return upload
      ? { status: "found", receipt: { uuid: upload.uuid, amountOfPages: upload.amountOfPages } }
      : { status: "absent" };
  };
}

const controlsView = z.object({
  latencyMs: z.number().int(),
  serverErrorRate: z.number(),
  throttleRate: z.number(),
  retryAfterSeconds: z.number().int(),
  timeoutRate: z.number(),
  answerLostRate: z.number(),
  requests: z.number().int(),
  uploads: z.number().int(),
});

function controlFunctions(simulator: ClearfactsSimulator | undefined) {
  const simulatorOf = () => {
    if (!simulator)
      throw new ConflictError(
        "CLEARFACTS_API_URL points at Clearfacts (or CLEARFACTS_AUTH is oidc): there is no simulator to steer",
      );
    return simulator;
  };
  const view = (s: ClearfactsSimulator) => ({ ...s.controls, requests: s.requests, uploads: s.uploads.length });
  const get = httpFunction({
    name: "local-clearfacts-simulator-get",
    route: "local/simulators/clearfacts",
    method: "GET",
    summary: "The Clearfacts simulator's switches, request and upload counts (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    response: controlsView,
    errors: [409],
    handler: async () => ({ data: view(simulatorOf()) }),
  });
  const rate = z.number().min(0).max(1).optional();
  const set = httpFunction({
    name: "local-clearfacts-simulator-set",
    route: "local/simulators/clearfacts",
    method: "PUT",
    summary:
      "Steer the Clearfacts simulator: latency, 500 and 429 (with Retry-After) rates, uploads never answered, uploads kept with the answer lost (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    body: z.strictObject({
      latencyMs: z.number().int().min(0).max(600_000).optional(),
      serverErrorRate: rate,
      throttleRate: rate,
      retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
      timeoutRate: rate,
      answerLostRate: rate,
    }),
    response: controlsView,
    errors: [409],
    handler: async ({ body }, { platform, actor }) => {
      const s = simulatorOf();
      s.setControls(body);
      await platform.audit.record(actor, {
        action: "local.clearfacts_simulator.set",
        resourceType: "simulator",
        resourceId: "clearfacts",
        details: { ...body },
      });
      platform.logger.warn("Clearfacts simulator switches changed", { controls: s.controls });
      return { data: view(s) };
    },
  });
  return [get, set];
}

/** Clearfacts, simulated unless CLEARFACTS_API_URL is set. */
export const clearfactsSimulator: LocalSimulator<ClearfactsSimulator> = {
  name: "clearfacts",
  start: async (env) => {
    const simulator = await startIfNeeded(env);
    return { handle: simulator, functions: controlFunctions(simulator), close: async () => simulator?.close() };
  },
};
