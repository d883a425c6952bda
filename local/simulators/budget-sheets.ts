import { z } from "zod";
import { ADMIN_ONLY, ConflictError, loadSettings } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import { text } from "../../functions/runtime/schemas.js";
import { BudgetSheetsSimulator } from "./budget-sheets-partner.js";
import type { LocalSimulator } from "./local-simulator.js";

/** The secrets a local Sheets budget source names (read from the env like any local secret). */
export const SHEETS_SERVICE_ACCOUNT_SECRET = "budgets-sheets-simulator-key";
export const SHEETS_API_KEY_SECRET = "budgets-sheets-simulator-api-key";

/**
 * With the budgets system enabled locally and BUDGETS_SHEETS_API_URL not set, a fake
 * Google (token endpoint and Sheets values.get): the setting points at it, and the secrets
 * above hold its service account's JSON key and its API key.
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<BudgetSheetsSimulator | undefined> {
  const settings = loadSettings(env);
  if (settings.runningInAzure || !settings.ENABLED_SYSTEMS.includes("budgets") || env.BUDGETS_SHEETS_API_URL)
    return undefined;
  const simulator = await BudgetSheetsSimulator.start();
  env.BUDGETS_SHEETS_API_URL = simulator.url;
  env.BUDGETS_SHEETS_SIMULATOR_KEY = simulator.serviceAccountKey();
  env.BUDGETS_SHEETS_SIMULATOR_API_KEY = simulator.apiKey;
  return simulator;
}

function controlFunctions(simulator: BudgetSheetsSimulator | undefined) {
  const running = () => {
    if (!simulator)
      throw new ConflictError("The local Sheets simulator is not running (budgets off, or a real URL set)");
    return simulator;
  };
  return [
    httpFunction({
      name: "local-budget-sheets-simulator-get",
      route: "local/simulators/budget-sheets",
      method: "GET",
      summary:
        "What a Sheets budget source needs to read the local Sheets simulator: the secret names of its service-account key and API key, the account's email, and counters (local host only; admin)",
      tags: ["local"],
      access: { roles: ADMIN_ONLY },
      response: z.object({
        url: z.string(),
        clientEmail: z.string(),
        serviceAccountKeySecret: z.string(),
        apiKeySecret: z.string(),
        stats: z.object({
          tokensIssued: z.number().int(),
          assertionsRefused: z.number().int(),
          valuesRead: z.number().int(),
        }),
      }),
      errors: [409],
      handler: async () => {
        const s = running();
        return {
          data: {
            url: s.url,
            clientEmail: s.clientEmail,
            serviceAccountKeySecret: SHEETS_SERVICE_ACCOUNT_SECRET,
            apiKeySecret: SHEETS_API_KEY_SECRET,
            stats: { ...s.stats },
          },
        };
      },
    }),
    httpFunction({
      name: "local-budget-sheets-simulator-set",
      route: "local/simulators/budget-sheets/{spreadsheetId}",
      method: "PUT",
      summary: "Sets a simulated spreadsheet's cells, rows of text (local host only; admin)",
      tags: ["local"],
      access: { roles: ADMIN_ONLY },
      params: z.object({ spreadsheetId: z.string().regex(/^[A-Za-z0-9_-]{10,100}$/, "must be a spreadsheet id") }),
      body: z.strictObject({ values: z.array(z.array(text({ max: 1000 })).max(100)).max(10_000) }),
      response: z.object({ rows: z.number().int() }),
      errors: [409],
      handler: async ({ params, body }) => {
        running().setSheet(params.spreadsheetId, body.values);
        return { data: { rows: body.values.length } };
      },
    }),
  ];
}

/** The customers' Google Sheets, simulated by one local fake Google. */
export const budgetSheetsSimulator: LocalSimulator<BudgetSheetsSimulator> = {
  name: "budget-sheets",
  start: async (env) => {
    const simulator = await startIfNeeded(env);
    return { handle: simulator, functions: controlFunctions(simulator), close: async () => simulator?.close() };
  },
};
