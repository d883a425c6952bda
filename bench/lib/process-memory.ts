import { readFileSync } from "node:fs";

/**
 * This process's memory from /proc/self/status: VmHWM is the kernel's peak resident set
 * size, VmRSS the current one (process.memoryUsage() elsewhere).
 */
export function processMemoryBytes(field: "VmHWM" | "VmRSS"): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return kb ? Number(kb) * 1024 : process.memoryUsage().rss;
}
