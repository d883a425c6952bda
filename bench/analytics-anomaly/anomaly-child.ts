// One measurement in its own process: `score <file>` runs the isolation forest over every
// row of a seeded SQLite file and reports its time and this process's peak RSS (VmHWM), so
// the seeding never counts.
import { MIGRATIONS, type PlatformTables } from "../../shared/catalog.js";
import { openSqliteDatabase, tablesOf } from "../../shared/foundation/sql/database.js";
import type { AnalyticsTables } from "../../shared/systems/analytics/analytics-tables.js";
import { ML_DEFAULTS, runIsolationForest } from "../../shared/systems/analytics/anomaly-ml.js";
import { processMemoryBytes } from "../lib/process-memory.js";

export interface AnomalyChildResult {
  readonly rows: number;
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly anomalies: number;
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  const database = await openSqliteDatabase<PlatformTables>(file!, MIGRATIONS);
  const db = tablesOf<AnalyticsTables, PlatformTables>(database.db);
  try {
    if (mode !== "score") throw new Error(`unknown mode ${mode}; use: score <file>`);
    const started = performance.now();
    const run = await runIsolationForest(db, { filter: {} }, ML_DEFAULTS);
    const seconds = (performance.now() - started) / 1000;
    process.send?.({
      rows: run.rowsScored,
      seconds,
      peakRssBytes: processMemoryBytes("VmHWM"),
      anomalies: run.candidates.length,
    } satisfies AnomalyChildResult);
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
