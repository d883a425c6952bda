/**
 * Application Insights through the Azure Monitor OpenTelemetry distro, when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set (in Azure; never by default on a laptop).
 *
 * The Azure entry (functions/main.ts) calls this before it imports the app: this module
 * imports nothing at load, and everything it starts is imported here, so the ESM loader
 * hook is in place before ioredis, tedious, the Azure SDKs or http are loaded, which is
 * the only way ESM modules can be instrumented. The settings catalogue is not read here
 * for the same reason (APPLICATIONINSIGHTS_CONNECTION_STRING is declared in the
 * foundation's slice). In Azure the resource has local auth off, so the exporter signs
 * in with the app's managed identity (AZURE_CLIENT_ID, set by infra/bicep).
 */
let started = false;

/** Whether telemetry runs in this process; loggers then write through the OpenTelemetry log bridge. */
export function telemetryStarted(): boolean {
  return started;
}

export async function startTelemetry(env: NodeJS.ProcessEnv): Promise<boolean> {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString || started) return started;
  // The ESM loader hook, told which modules to wrap by the instrumentations as they enable
  // (the distro's own loader would wrap every module the app imports, and slow its start).
  const [{ register }, { default: iitm }] = await Promise.all([import("node:module"), import("import-in-the-middle")]);
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  register("import-in-the-middle/hook.mjs", import.meta.url, registerOptions);
  const [{ useAzureMonitor }, { registerInstrumentations }, { IORedisInstrumentation }, { TediousInstrumentation }] =
    await Promise.all([
      import("@azure/monitor-opentelemetry"),
      import("@opentelemetry/instrumentation"),
      import("@opentelemetry/instrumentation-ioredis"),
      import("@opentelemetry/instrumentation-tedious"),
    ]);
  // WEBSITE_INSTANCE_ID: running in Azure (as settings.runningInAzure reads it).
  const credential = env.WEBSITE_INSTANCE_ID
    ? new (await import("@azure/identity")).DefaultAzureCredential()
    : undefined;
  // The host reports each request; the worker receives it again from the host on a local
  // HTTP proxy (HTTP streaming), which must not show as a second request.
  const http = { enabled: true, disableIncomingRequestInstrumentation: true };
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) },
    instrumentationOptions: { http },
  });
  // The distro covers http, the Azure SDKs and redis (not ioredis); the cache and SQL drivers are added here.
  registerInstrumentations({ instrumentations: [new IORedisInstrumentation(), new TediousInstrumentation()] });
  await waitForAllMessagesAcknowledged(); // the hook knows every instrumented module before the app loads
  started = true;
  return true;
}
