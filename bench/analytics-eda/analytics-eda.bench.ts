import { performance } from "node:perf_hooks";
import { tablesOf } from "../../shared/foundation/sql/database.js";
import type { PlatformTables } from "../../shared/catalog.js";
import { expenseQueries, type AnalyticsTables } from "../../shared/systems/analytics/index.js";
import { apiClient, loginAs, startTestHost } from "../../tests/support/test-host.js";
import type { Benchmark, BenchOptions, BenchReport, Goal } from "../lib/types.js";

const ROWS = 1_000_000;
/** Goals of issue #20 §8; they live here only, never in tests. */
const GOAL_MS = 1000;
const GOAL_RATIO = 1.5;
const GOAL_LOAD_S = 60;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(times: number, f: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await f();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/**
 * The EDA routes on 1,000,000 seeded rows on the embedded SQLite, through HTTP on the local
 * host, against the same repository queries called directly on the same connection in the
 * same run (the bare SQL). Loading is timed as the local host's seeding of the rows.
 */
export const benchmark: Benchmark = {
  id: "analytics-eda",
  title: "EDA summary, breakdown and timeseries on 1M expense rows vs the bare SQL",
  async run(options: BenchOptions): Promise<BenchReport> {
    const started = performance.now();
    const host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,budgets,analytics",
        ANALYTICS_SEED_ROWS: String(ROWS),
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
      },
      { timers: false },
    );
    const loadSeconds = (performance.now() - started) / 1000;
    try {
      const call = apiClient(host.url);
      const token = await loginAs(call);
      const db = tablesOf<AnalyticsTables, PlatformTables>(host.platform.database.db);
      const filter = {};
      const times = Math.max(3, options.rounds);
      const cases: { name: string; http: string; bare: () => Promise<unknown> }[] = [
        {
          name: "summary",
          http: "/api/v1/eda",
          bare: async () => {
            await expenseQueries.periodCells(db, filter);
            await expenseQueries.missingKeys(db, filter);
            await expenseQueries.duplicateGroups(db, filter, 10);
            for (const d of ["functional_area", "cost_center_id", "supplier", "directorate"] as const)
              await expenseQueries.topValues(db, filter, d, 10);
          },
        },
        {
          name: "breakdown (cost_center_id)",
          http: "/api/v1/eda/breakdown/cost_center_id?period=2025-03",
          bare: () =>
            expenseQueries.breakdown(db, filter, "cost_center_id", {
              period: { fiscalYear: 2025, postingPeriod: 3 },
              previous: { fiscalYear: 2025, postingPeriod: 2 },
              offset: 0,
              limit: 25,
            }),
        },
        {
          name: "timeseries (month)",
          http: "/api/v1/eda/timeseries?granularity=month",
          bare: () => expenseQueries.periodTotals(db, filter),
        },
      ];
      const table: string[][] = [["query", "HTTP median ms", "bare SQL median ms", "ratio"]];
      const goals: Goal[] = [];
      for (const c of cases) {
        await call("GET", c.http, { token }); // warm the page cache
        const httpMs = await timed(times, async () => {
          const r = await call("GET", c.http, { token });
          if (r.status !== 200) throw new Error(`${c.http}: ${r.status}`);
        });
        const bareMs = await timed(times, c.bare);
        const ratio = httpMs / bareMs;
        table.push([c.name, httpMs.toFixed(0), bareMs.toFixed(0), ratio.toFixed(2)]);
        goals.push({ label: `${c.name} ≤ ${GOAL_MS} ms`, met: httpMs <= GOAL_MS, detail: `${httpMs.toFixed(0)} ms` });
        goals.push({
          label: `${c.name} ≤ ${GOAL_RATIO}x bare SQL`,
          met: ratio <= GOAL_RATIO,
          detail: `${ratio.toFixed(2)}x`,
        });
      }
      goals.push({
        label: `load 1M rows ≤ ${GOAL_LOAD_S} s`,
        met: loadSeconds <= GOAL_LOAD_S,
        detail: `${loadSeconds.toFixed(1)} s (local host start with seeding, not the import job)`,
      });
      return {
        id: this.id,
        title: this.title,
        table,
        goals,
        notes: [
          `${ROWS} synthetic rows seeded by the local host in ${loadSeconds.toFixed(1)} s (start included)`,
          `medians of ${times} sequential requests after one warm-up`,
        ],
      };
    } finally {
      await host.stop();
    }
  },
};
