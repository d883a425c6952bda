/**
 * Application Insights through the Azure Monitor OpenTelemetry distro, when a connection
 * string is configured. Call once, as early as possible, so HTTP and SDK calls are traced.
 */
let started = false;
export async function startTelemetry(connectionString: string | undefined): Promise<boolean> {
  if (!connectionString || started) return started;
  const { useAzureMonitor } = await import("@azure/monitor-opentelemetry");
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  started = true;
  return true;
}
