import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** The machine's CPU counters so far, every core and every process, in microseconds. */
export interface MachineCpu {
  /** user, nice, system, irq and softirq (loopback traffic is handled in softirq). */
  readonly busy: number;
  /** Time the hypervisor ran something else while this machine wanted a core. */
  readonly steal: number;
}

/**
 * From /proc/stat's first line (USER_HZ ticks of 10 ms, so a few percent coarser than a
 * process's own counts); where there is none, os.cpus(), which counts neither softirq nor steal.
 */
export function machineCpuMicros(): MachineCpu {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: (user + nice + system + irq + softirq) * 10_000, steal: steal * 10_000 };
  } catch {
    const busy = cpus().reduce((sum, c) => sum + (c.times.user + c.times.nice + c.times.sys + c.times.irq) * 1000, 0);
    return { busy, steal: 0 };
  }
}

/** Busy CPU time of the whole machine (every core, every process) so far, in microseconds. */
export function machineBusyMicros(): number {
  return machineCpuMicros().busy;
}

/** This process's CPU time so far (the load generator, when called by the runner), in microseconds. */
export function ownCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
