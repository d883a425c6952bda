import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ADMIN_ONLY, ConflictError, loadSettings } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import { EsgSimulators } from "./esg-partners.js";
import type { LocalSimulator } from "./local-simulator.js";

/**
 * Without partner URLs the local host starts the ESG simulators (as it starts Azurite) and
 * points the settings at them, with API keys (or an OAuth client) generated for this run.
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<EsgSimulators | undefined> {
  const settings = loadSettings(env);
  if (settings.runningInAzure || settings.ESG_ACCOUNTS_API_URL || settings.ESG_RATINGS_API_URL) return undefined;
  const apiKeys = settings.ESG_API_AUTH === "api-key";
  const oauth = settings.ESG_API_AUTH === "oauth" && !settings.ESG_OAUTH_TOKEN_URL;
  if (apiKeys) {
    env.ESG_ACCOUNTS_API_KEY ||= randomBytes(24).toString("base64url");
    env.ESG_RATINGS_API_KEY ||= randomBytes(24).toString("base64url");
  }
  if (oauth) {
    env.ESG_OAUTH_CLIENT_ID ||= "local-platform";
    env.ESG_OAUTH_CLIENT_SECRET ||= randomBytes(24).toString("base64url");
  }
  const simulators = await EsgSimulators.start({
    accounts: settings.ESG_SIMULATOR_ACCOUNTS,
    seed: settings.ESG_SIMULATOR_SEED,
    duplicates: settings.ESG_SIMULATOR_DUPLICATE_ACCOUNTS,
    ...(apiKeys
      ? {
          accountsApiKey: env.ESG_ACCOUNTS_API_KEY!,
          ratingsApiKey: env.ESG_RATINGS_API_KEY!,
          apiKeyHeader: settings.ESG_API_KEY_HEADER,
        }
      : {}),
    ...(oauth ? { oauthClient: { id: env.ESG_OAUTH_CLIENT_ID!, secret: env.ESG_OAUTH_CLIENT_SECRET! } } : {}),
    controls: {
      down: false,
      latencyMs: settings.ESG_SIMULATOR_LATENCY_MS,
      errorRate: settings.ESG_SIMULATOR_ERROR_RATE,
      transientErrorRate: settings.ESG_SIMULATOR_TRANSIENT_ERROR_RATE,
      partialRate: settings.ESG_SIMULATOR_PARTIAL_RATE,
      malformedRate: settings.ESG_SIMULATOR_MALFORMED_RATE,
      rateLimitPerSecond: settings.ESG_SIMULATOR_RATE_LIMIT_PER_SECOND,
      burst429EverySeconds: settings.ESG_SIMULATOR_BURST_429_EVERY_SECONDS,
      pageErrorRate: settings.ESG_SIMULATOR_PAGE_ERROR_RATE,
      ratingVersion: 0,
    },
  });
  env.ESG_ACCOUNTS_API_URL = simulators.accountsUrl;
  env.ESG_RATINGS_API_URL = simulators.ratingsUrl;
  if (oauth) env.ESG_OAUTH_TOKEN_URL = `${simulators.accountsUrl}/oauth/token`;
  return simulators;
}

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
  failingAccounts: z.array(z.string()),
  stats: z.object({
    ratingRequests: z.number(),
    throttled: z.number(),
    notModified: z.number(),
    pageRequests: z.number(),
  }),
});

function esgSimulatorFunctions(simulators: EsgSimulators | undefined) {
  const simulatorOfEsg = () => {
    if (!simulators)
      throw new ConflictError(
        "ESG_ACCOUNTS_API_URL / ESG_RATINGS_API_URL point at real partners: there is no ESG simulator to steer",
      );
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
    summary:
      "Steer the Account Management System and ESG API simulators: down, latency, error rates, accounts that always fail, partial and malformed answers, rate limit, 429 bursts (local host only; admin)",
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
      failingAccounts: z
        .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be an account id"))
        .max(1000)
        .optional(),
    }),
    response: esgControlsView,
    errors: [409],
    handler: async ({ body }, { platform, actor }) => {
      const simulators = simulatorOfEsg();
      simulators.setControls(body);
      await platform.audit.record(actor, {
        action: "local.esg_simulator.set",
        resourceType: "simulator",
        resourceId: "esg",
        details: { ...body },
      });
      platform.logger.warn("ESG simulator switches changed", { controls: simulators.controls });
      return { data: view(simulators) };
    },
  });
  return [get, set];
}

/** The ESG partners (Account Management System and ESG API), simulated unless their URLs are set. */
export const esgSimulator: LocalSimulator<EsgSimulators> = {
  name: "esg",
  start: async (env) => {
    const simulators = await startIfNeeded(env);
    return { handle: simulators, functions: esgSimulatorFunctions(simulators), close: async () => simulators?.close() };
  },
};
