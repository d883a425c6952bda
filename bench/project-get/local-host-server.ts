// Child process: the real local host (startTestHost: free ports, temp DATA_DIR, own Azurite)
// with the settings the parent passes as JSON in argv[2].
import { startTestHost } from "../../tests/support/test-host.js";
import { runChild } from "../lib/child.js";

export interface LocalHostInfo {
  readonly url: string;
  readonly adapters: Record<string, string>;
}

const counter = async (metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }) =>
  (await metric.get()).values.filter((v) => v.labels.cache_type === "project").reduce((a, v) => a + v.value, 0);

runChild<LocalHostInfo>(async ([envJson]) => {
  const env = JSON.parse(envJson ?? "{}") as Record<string, string>;
  // Timers off: a scheduled job firing mid-run would be noise, not the endpoint's cost.
  const host = await startTestHost(env, { timers: false });
  const metrics = host.platform.metrics;
  return {
    info: { url: `http://127.0.0.1:${host.port}`, adapters: { ...host.platform.adapters } },
    handlers: {
      projectCache: async () => ({
        hits: await counter(metrics.cacheHits),
        misses: await counter(metrics.cacheMisses),
      }),
      errorLogs: async () => host.logs.lines.filter((l) => l.includes('"level":"error"')).slice(0, 5),
    },
    stop: () => host.stop(),
  };
});
