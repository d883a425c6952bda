import { cpus } from "node:os";

/** Busy CPU time of the whole machine (every core, every process) so far, in microseconds. */
export function machineBusyMicros(): number {
  return cpus().reduce((sum, c) => sum + (c.times.user + c.times.nice + c.times.sys + c.times.irq) * 1000, 0);
}

/** This process's CPU time so far (the load generator, when called by the runner), in microseconds. */
export function ownCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
