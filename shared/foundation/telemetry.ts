/**
 * Application Insights through the Azure Monitor OpenTelemetry distro, when a connection
 * string is configured. Call once, as early as possible, so HTTP and SDK calls are traced.
 * In Azure the resource has local auth off, so the exporter signs in with the app's
 * managed identity (AZURE_CLIENT_ID, set by infra/bicep).
 */
let started = false;
export async function startTelemetry(connectionString: string | undefined, runningInAzure: boolean): Promise<boolean> {
  if (!connectionString || started) return started;
  const { useAzureMonitor } = await import("@azure/monitor-opentelemetry");
  const credential = runningInAzure ? new (await import("@azure/identity")).DefaultAzureCredential() : undefined;
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) } });
  started = true;
  return true;
}
