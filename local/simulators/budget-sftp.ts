import { z } from "zod";
import { ADMIN_ONLY, ConflictError, loadSettings } from "../../shared/index.js";
import { httpFunction } from "../../functions/runtime/declarations.js";
import { BudgetSftpServer, generatedPassword } from "./budget-sftp-server.js";
import type { LocalSimulator } from "./local-simulator.js";

/** The secret a local SFTP budget source names for the simulator's password (read from the env like any local secret). */
export const SIMULATOR_PASSWORD_SECRET = "budgets-sftp-simulator-password";

/**
 * With the budgets system enabled locally, an SFTP server for budget sources: it serves
 * BUDGETS_SFTP_SIMULATOR_ROOT (or a temporary folder) to user `budgets`, whose password the
 * secret budgets-sftp-simulator-password holds (generated per run when unset).
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<BudgetSftpServer | undefined> {
  const settings = loadSettings(env);
  if (settings.runningInAzure || !settings.ENABLED_SYSTEMS.includes("budgets")) return undefined;
  env.BUDGETS_SFTP_SIMULATOR_PASSWORD ||= generatedPassword();
  return BudgetSftpServer.start({
    password: env.BUDGETS_SFTP_SIMULATOR_PASSWORD,
    ...(settings.BUDGETS_SFTP_SIMULATOR_ROOT ? { root: settings.BUDGETS_SFTP_SIMULATOR_ROOT } : {}),
  });
}

function controlFunctions(server: BudgetSftpServer | undefined) {
  return [
    httpFunction({
      name: "local-budget-sftp-simulator-get",
      route: "local/simulators/budget-sftp",
      method: "GET",
      summary:
        "What an SFTP budget source needs to read the local SFTP simulator: host, port, user, folder, the host key fingerprint to pin and the secret name of the password (local host only; admin)",
      tags: ["local"],
      access: { roles: ADMIN_ONLY },
      response: z.object({
        host: z.string(),
        port: z.number().int(),
        username: z.string(),
        folder: z.string(),
        hostKeyFingerprint: z.string(),
        passwordSecret: z.string(),
      }),
      errors: [409],
      handler: async () => {
        if (!server) throw new ConflictError("The budgets system is not enabled: there is no SFTP simulator");
        return {
          data: {
            host: server.host,
            port: server.port,
            username: server.username,
            folder: server.root,
            hostKeyFingerprint: server.fingerprint,
            passwordSecret: SIMULATOR_PASSWORD_SECRET,
          },
        };
      },
    }),
  ];
}

/** The customers' SFTP servers, simulated by one local server over a folder. */
export const budgetSftpSimulator: LocalSimulator<BudgetSftpServer> = {
  name: "budget-sftp",
  start: async (env) => {
    const server = await startIfNeeded(env);
    return { handle: server, functions: controlFunctions(server), close: async () => server?.close() };
  },
};
