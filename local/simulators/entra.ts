import { loadSettings } from "../../shared/index.js";
import { EntraSimulator } from "./entra-partner.js";
import type { LocalSimulator } from "./local-simulator.js";

/** The simulated tenant and app registrations (fixed, so a laptop's sign-ins look alike across restarts). */
export const LOCAL_ENTRA = {
  tenantId: "7e57ab1e-0c0a-4c41-9e1d-000000000001",
  apiClientId: "7e57ab1e-0c0a-4c41-9e1d-0000000000a1",
  consoleClientId: "7e57ab1e-0c0a-4c41-9e1d-0000000000c1",
} as const;

/**
 * On a laptop (never in Azure), unless ENTRA_TENANT_ID names a real tenant or
 * LOCAL_ENTRA_SIMULATOR is false, Entra ID sign-in runs against the simulator: the ENTRA_*
 * settings point at it and the console offers "Sign in with Microsoft".
 */
async function startIfNeeded(env: NodeJS.ProcessEnv): Promise<EntraSimulator | undefined> {
  const settings = loadSettings(env);
  if (settings.runningInAzure || !settings.LOCAL_ENTRA_SIMULATOR || settings.ENTRA_TENANT_ID !== undefined)
    return undefined;
  const simulator = await EntraSimulator.start(LOCAL_ENTRA);
  env.ENTRA_TENANT_ID = LOCAL_ENTRA.tenantId;
  env.ENTRA_AUDIENCE = LOCAL_ENTRA.apiClientId;
  env.ENTRA_ISSUER = simulator.issuer;
  env.ENTRA_JWKS_URL = simulator.jwksUrl;
  env.ENTRA_AUTHORITY = simulator.authority;
  env.ENTRA_CONSOLE_CLIENT_ID = LOCAL_ENTRA.consoleClientId;
  return simulator;
}

/** Microsoft Entra ID, simulated on every local host that has no real tenant configured. */
export const entraSimulator: LocalSimulator<EntraSimulator> = {
  name: "entra",
  start: async (env) => {
    const simulator = await startIfNeeded(env);
    return { handle: simulator, functions: [], close: async () => simulator?.close() };
  },
};
