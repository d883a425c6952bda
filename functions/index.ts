import { app } from "./azure-functions.js";
import { createPlatform, loadSettings, type Platform } from "../shared/index.js";
import { functionsFor } from "./catalog.js";
import { registerAll, toRegistrations } from "./runtime/register.js";

/**
 * The Azure Functions app, imported by the entry (functions/main.ts) once telemetry has
 * started. Settings are validated before any registration, so a misconfigured app fails
 * at start with one message naming every problem; the platform itself is built on the
 * first invocation and shared after that.
 */
const settings = loadSettings(process.env);

let platform: Promise<Platform> | undefined;
const getPlatform = () => {
  platform ??= createPlatform(settings).catch((error: unknown) => {
    platform = undefined; // let the next invocation retry a transient start failure
    throw error;
  });
  return platform;
};

// Report and backup downloads return streams: let the worker stream them instead of buffering.
app.setup({ enableHttpStream: true });
// Only the enabled systems' functions (ENABLED_SYSTEMS) and the platform's own.
registerAll(app, toRegistrations(functionsFor(settings.ENABLED_SYSTEMS), settings, getPlatform));
