import { compare } from "../lib/load.js";
import { startServerProcess } from "../lib/child.js";
import type { Benchmark, BenchOptions, BenchReport, Goal } from "../lib/types.js";
import type { BudgetCheckHostInfo } from "./budget-check-server.js";

const GOAL_P99_MS = 5;
const HEALTH = "health route (baseline)";
const CHECK = "POST /api/v1/budget/check";

/**
 * p99 latency of a budget check through HTTP on the local host (auth, validation, the
 * customer's rule and line read, the answer) against the same host's health route, loaded
 * alternately by autocannon from the runner's process.
 */
export const benchmark: Benchmark = {
  id: "budget-check",
  title: "Budget check through HTTP on the local host: p99 latency vs the health route",
  async run(options: BenchOptions): Promise<BenchReport> {
    const host = await startServerProcess<BudgetCheckHostInfo>(
      new URL("./budget-check-server.js", import.meta.url),
      [],
      { name: "budget-check-host", ...(options.profileDir ? { profileDir: options.profileDir } : {}) },
    );
    try {
      const auth = { authorization: `Bearer ${host.info.token}`, "content-type": "application/json" };
      const body = JSON.stringify({
        customerId: "bench",
        department: "Dept 7",
        subCategory: "Cat 7",
        fiscalPeriod: "2026-01",
        amount: "250.00",
        currency: "EUR",
      });
      const { summary } = await compare(
        [
          { name: HEALTH, url: `${host.info.url}/api/health` },
          { name: CHECK, url: `${host.info.url}/api/v1/budget/check`, method: "POST", headers: auth, body },
        ],
        options,
        { log: (line) => process.stdout.write(line + "\n") },
      );
      const errorLogs = await host.call<string[]>("errorLogs");
      const h = summary.get(HEALTH)!;
      const c = summary.get(CHECK)!;
      const ms = (v: number) => v.toFixed(2);
      const goals: Goal[] = [
        {
          label: `budget check p99 <= ${GOAL_P99_MS} ms`,
          met: c.p99 <= GOAL_P99_MS,
          detail: `${ms(c.p99)} ms (health route ${ms(h.p99)} ms; target <= ${GOAL_P99_MS} ms)`,
        },
        {
          label: "valid run: every response 2xx",
          met: c.non2xx + c.errors + h.non2xx + h.errors === 0 && c.ok > 0,
          detail: `${c.ok} checks ok, ${c.non2xx} non-2xx, ${c.errors} errors`,
        },
      ];
      return {
        id: this.id,
        title: this.title,
        table: [
          ["Target", "p50 (ms)", "p99 (ms)", "max (ms)", "req/s", "p99 vs health"],
          ...[h, c].map((r) => [
            r.target,
            ms(r.p50),
            ms(r.p99),
            ms(r.max),
            r.requestsPerSecond.toFixed(0),
            `${(r.p99 / h.p99).toFixed(2)}x`,
          ]),
        ],
        goals,
        notes: [
          `${options.connections} connections, ${options.durationSeconds} s measured per target and round after ${options.warmupSeconds} s warm-up, ${options.rounds} round(s), medians`,
          "200 concurrent reservations against room for 100 (exactly 100 succeed) is a correctness test: tests/integration/budgets/budget-check.test.ts",
          ...(errorLogs.length > 0 ? [`error logs of the host: ${errorLogs.join(" | ")}`] : []),
        ],
      };
    } finally {
      await host.stop();
    }
  },
};
