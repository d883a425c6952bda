import { z } from "zod";
import { ADMIN_ONLY, ConflictError, loadSettings } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import type { LocalSimulator } from "./local-simulator.js";
import { WebhookReceiverSimulator } from "./webhook-receiver-partner.js";

/** The local fallback settings of budget-webhook-* secrets: what the receiver verifies with. */
const SECRET_SETTING = /^BUDGET_WEBHOOK_[A-Z0-9_]+$/;

/**
 * On a laptop (never in Azure) the local host runs a webhook receiver and lets the
 * webhook sender reach it: its host:port joins BUDGETS_WEBHOOK_PRIVATE_HOSTS (every other
 * private address stays refused) and http is allowed unless BUDGETS_WEBHOOK_ALLOW_HTTP says no.
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<WebhookReceiverSimulator | undefined> {
  if (loadSettings(env).runningInAzure) return undefined;
  const simulator = await WebhookReceiverSimulator.start(() =>
    Object.entries(env).flatMap(([name, value]) => (SECRET_SETTING.test(name) && value ? [[name, value]] : [])),
  );
  const own = new URL(simulator.url).host;
  env.BUDGETS_WEBHOOK_PRIVATE_HOSTS = [env.BUDGETS_WEBHOOK_PRIVATE_HOSTS, own, own.replace("127.0.0.1", "localhost")]
    .filter(Boolean)
    .join(",");
  env.BUDGETS_WEBHOOK_ALLOW_HTTP ||= "true";
  return simulator;
}

const call = z.object({
  receivedAt: z.string(),
  path: z.string(),
  deliveryId: z.string().nullable(),
  event: z.string().nullable(),
  signature: z.string().nullable(),
  body: z.string(),
  signatureValid: z.boolean(),
  verifiedWith: z.string().nullable(),
  duplicate: z.boolean(),
  status: z.number().int(),
});
const view = z.object({
  url: z.string(),
  failNext: z.number().int(),
  failStatus: z.number().int(),
  calls: z.array(call),
});

function controlFunctions(simulator: WebhookReceiverSimulator | undefined) {
  const simulatorOf = () => {
    if (!simulator) throw new ConflictError("There is no webhook receiver simulator on this host");
    return simulator;
  };
  const viewOf = (s: WebhookReceiverSimulator) => ({ url: s.url, ...s.controls, calls: [...s.calls] });
  const get = httpFunction({
    name: "local-webhook-receiver-get",
    route: "local/simulators/webhook-receiver",
    method: "GET",
    summary:
      "The webhook receiver simulator: its URL, switches and every call it received with its signature verdict (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    response: view,
    errors: [409],
    handler: async () => ({ data: viewOf(simulatorOf()) }),
  });
  const set = httpFunction({
    name: "local-webhook-receiver-set",
    route: "local/simulators/webhook-receiver",
    method: "PUT",
    summary:
      "Steer the webhook receiver simulator: answer the next N calls with a 5xx/4xx status; `reset` forgets calls (local host only; admin)",
    tags: ["local"],
    access: { roles: ADMIN_ONLY },
    body: z.strictObject({
      failNext: z.number().int().min(0).max(1000).optional(),
      failStatus: z.number().int().min(400).max(599).optional(),
      reset: z.boolean().optional(),
    }),
    response: view,
    errors: [409],
    handler: async ({ body }, { platform, actor }) => {
      const s = simulatorOf();
      if (body.reset) s.reset();
      s.setControls({
        ...(body.failNext !== undefined ? { failNext: body.failNext } : {}),
        ...(body.failStatus !== undefined ? { failStatus: body.failStatus } : {}),
      });
      await platform.audit.record(actor, {
        action: "local.webhook_receiver.set",
        resourceType: "simulator",
        resourceId: "webhook-receiver",
        details: { ...body },
      });
      return { data: viewOf(s) };
    },
  });
  return [get, set];
}

/** A customer's webhook receiver, simulated on every local host. */
export const webhookReceiverSimulator: LocalSimulator<WebhookReceiverSimulator> = {
  name: "webhook-receiver",
  start: async (env) => {
    const simulator = await startIfNeeded(env);
    return { handle: simulator, functions: controlFunctions(simulator), close: async () => simulator?.close() };
  },
};
