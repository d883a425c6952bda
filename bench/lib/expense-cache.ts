// The synthetic expense dataset as a SQLite file, generated once per row count and code
// version and kept under the OS temp dir: a 1M-row seed takes a minute or more on this
// machine, and the analytics benchmarks measure queries, not the seeding. The file is a
// complete platform database (every migration applied); callers copy it before writing.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MIGRATIONS, type PlatformTables } from "../../shared/catalog.js";
import { openSqliteDatabase, tablesOf } from "../../shared/foundation/sql/database.js";
import type { AnalyticsTables } from "../../shared/systems/analytics/analytics-tables.js";
import { seedExpenses } from "../../shared/systems/analytics/expense-seed.js";

export interface CachedExpenses {
  readonly file: string;
  /** Seconds the seeding took when the file was built (in this run or an earlier one). */
  readonly seedSeconds: number;
  /** True when this call built the file; false when an earlier run's file was reused. */
  readonly built: boolean;
}

/** What the rows depend on: the generator, the row mapping, the seeding and the schema. */
function version(): string {
  const hash = createHash("sha256");
  // Other systems' later migrations are applied by whoever opens the copy.
  for (const module of ["synthetic-expenses.js", "expense-line.js", "expense-seed.js", "analytics-migrations.js"])
    hash.update(readFileSync(fileURLToPath(new URL(`../../shared/systems/analytics/${module}`, import.meta.url))));
  return hash.digest("hex").slice(0, 16);
}

/** The cached file of `rows` synthetic rows, seeding it first when no valid copy exists. */
export async function cachedExpenses(rows: number): Promise<CachedExpenses> {
  const dir = join(tmpdir(), "fip-bench-cache");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `expenses-${rows}-${version()}.sqlite`);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) {
    const { seedSeconds } = JSON.parse(readFileSync(meta, "utf8")) as { seedSeconds: number };
    return { file, seedSeconds, built: false };
  }
  const building = `${file}.building`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const started = performance.now();
  const database = await openSqliteDatabase<PlatformTables>(building, MIGRATIONS);
  try {
    const db = tablesOf<AnalyticsTables, PlatformTables>(database.db);
    await seedExpenses(db, { rows, loadedAt: "2026-01-01T00:00:00Z", dialect: "sqlite" });
  } finally {
    await database.close(); // checkpoints the WAL into the file
  }
  const seedSeconds = (performance.now() - started) / 1000;
  renameSync(building, file);
  writeFileSync(meta, JSON.stringify({ rows, seedSeconds }));
  return { file, seedSeconds, built: true };
}
