// Child process: the whole platform on its embedded adapters (startLocalHost: SQLite file and
// durable local queue in DATA_DIR, its own Azurite as a child process) pointed at the ESG
// simulators of another child. The bench drives it over HTTP like a user would; this process
// only reports its memory and the warnings it logged.
import { startLocalHost } from "../../local/local-host.js";
import { runChild } from "../lib/child.js";

export interface HostInfo {
  readonly url: string;
}

export interface HostLogs {
  readonly lines: number;
  readonly last: readonly string[];
}

runChild<HostInfo>(async ([envJson, azuriteJson]) => {
  const env = JSON.parse(envJson ?? "{}") as Record<string, string>;
  const azurite = JSON.parse(azuriteJson ?? "{}") as { blobPort: number; location: string };
  const logs: string[] = [];
  let lines = 0;
  const host = await startLocalHost({
    env,
    azurite,
    // A scheduled job (the daily start, the monitor) must not fire mid-measurement.
    timers: false,
    logSink: (line) => {
      lines++;
      logs.push(line.slice(0, 500));
      if (logs.length > 20) logs.shift();
    },
  });
  return {
    info: { url: host.url },
    handlers: {
      memory: async () => process.memoryUsage(),
      logs: async (): Promise<HostLogs> => ({ lines, last: [...logs] }),
    },
    stop: () => host.close(),
  };
});
