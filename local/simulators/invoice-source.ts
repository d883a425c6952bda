import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ADMIN_ONLY, ConflictError, loadSettings } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import { InvoiceSourceSimulator } from "./invoice-source-partner.js";
import type { LocalSimulator } from "./local-simulator.js";

/**
 * Without INVOICE_SOURCE_API_URL the local host starts the invoice source simulator (the
 * seed's "Java backend") and points the setting at it, with an API key generated for this run.
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<InvoiceSourceSimulator | undefined> {
  const settings = loadSettings(env);
  if (settings.runningInAzure || settings.INVOICE_SOURCE_API_URL) return undefined;
  env.INVOICE_SOURCE_API_KEY ||= randomBytes(24).toString("base64url");
  const simulator = await InvoiceSourceSimulator.start({
    apiKey: env.INVOICE_SOURCE_API_KEY,
    seed: settings.INVOICE_SOURCE_SIMULATOR_SEED,
    count: settings.INVOICE_SOURCE_SIMULATOR_INVOICES,
  });
  env.INVOICE_SOURCE_API_URL = simulator.url;
  return simulator;
}

const controlsView = z.object({
  down: z.boolean(),
  latencyMs: z.number().int(),
  errorRate: z.number(),
  throttleRate: z.number(),
  retryAfterSeconds: z.number().int(),
  requests: z.number().int(),
  documents: z.number().int(),
  planted: z.object({
    invalid: z.object({ id: z.string(), ruleId: z.string() }),
    resend: z.object({ id: z.string(), of: z.string() }),
    reusedNumber: z.object({ id: z.string(), of: z.string() }),
  }),
});

function controlFunctions(simulator: InvoiceSourceSimulator | undefined) {
  const simulatorOf = () => {
    if (!simulator)
      throw new ConflictError("INVOICE_SOURCE_API_URL points at a real source system: there is no simulator to steer");
    return simulator;
  };
  const view = (s: InvoiceSourceSimulator) => ({
    ...s.controls,
    requests: s.requests,
    documents: s.documents.length,
    planted: s.planted,
  });
  const get = httpFunction({
    name: "local-invoice-source-simulator-get",
    route: "local/simulators/invoice-source",
    method: "GET",
    summary: "The invoice source simulator's switches, request count and planted documents (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    response: controlsView,
    errors: [409],
    handler: async () => ({ data: view(simulatorOf()) }),
  });
  const rate = z.number().min(0).max(1).optional();
  const set = httpFunction({
    name: "local-invoice-source-simulator-set",
    route: "local/simulators/invoice-source",
    method: "PUT",
    summary:
      "Steer the invoice source simulator: down (503), latency, 5xx and 429 (with Retry-After) rates (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    body: z.strictObject({
      down: z.boolean().optional(),
      latencyMs: z.number().int().min(0).max(600_000).optional(),
      errorRate: rate,
      throttleRate: rate,
      retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    }),
    response: controlsView,
    errors: [409],
    handler: async ({ body }, { platform, actor }) => {
      const s = simulatorOf();
      s.setControls(body);
      await platform.audit.record(actor, {
        action: "local.invoice_source_simulator.set",
        resourceType: "simulator",
        resourceId: "invoice-source",
        details: { ...body },
      });
      platform.logger.warn("Invoice source simulator switches changed", { controls: s.controls });
      return { data: view(s) };
    },
  });
  return [get, set];
}

/** The invoice source system, simulated unless INVOICE_SOURCE_API_URL is set. */
export const invoiceSourceSimulator: LocalSimulator<InvoiceSourceSimulator> = {
  name: "invoice-source",
  start: async (env) => {
    const simulator = await startIfNeeded(env);
    return { handle: simulator, functions: controlFunctions(simulator), close: async () => simulator?.close() };
  },
};
