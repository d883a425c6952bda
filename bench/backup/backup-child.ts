// Child process: a local host over N simulated projects (seeded SQL side, its own Azurite);
// on request runs one full backup in-process and reports its time and this process's peak RSS.
import { readFileSync, writeFileSync } from "node:fs";
import { startTestHost } from "../../tests/support/test-host.js";
import { runChild } from "../lib/child.js";

export interface BackupRunFigures {
  readonly records: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly sizeBytes: number;
  readonly status: string;
  /** Rows per section (projects, wbs_elements, project_records, billing_entries, audit_log). */
  readonly sections: Record<string, number>;
}

/** Peak resident set (VmHWM) since the last reset: the true peak, not a sample. */
function peakRssMb(): number {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmHWM:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
}

runChild<{ projects: number }>(async ([envJson]) => {
  const env = JSON.parse(envJson ?? "{}") as Record<string, string>;
  const host = await startTestHost(env, { timers: false });
  return {
    info: { projects: Number(env.SAP_SIMULATOR_PROJECTS) },
    handlers: {
      backup: async (): Promise<BackupRunFigures> => {
        // Measure the backup's own peak from here (the host's start is not part of it).
        (globalThis as { gc?: () => void }).gc?.();
        writeFileSync("/proc/self/clear_refs", "5");
        const started = performance.now();
        // Requested as a user would; the host's queue worker runs it.
        const backup = await host.platform.backups.requestBackup(null, "manual", { userId: "bench" });
        let done = await host.platform.backups.getBackup(backup.backupId);
        while (done.status === "QUEUED" || done.status === "PROCESSING") {
          await new Promise((resolve) => setTimeout(resolve, 100));
          done = await host.platform.backups.getBackup(backup.backupId);
        }
        const seconds = (performance.now() - started) / 1000;
        return {
          records: done.recordCount ?? 0,
          seconds,
          peakRssMb: peakRssMb(),
          sizeBytes: done.sizeBytes ?? 0,
          status: done.status,
          sections: Object.fromEntries((done.sections ?? []).map((s) => [s.section, s.rows])),
        };
      },
    },
    stop: () => host.stop(),
  };
});
