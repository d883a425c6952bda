import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { SqlDialectName } from "./schema.js";

/** Column types that differ between SQLite and SQL Server. */
export function columnTypes(dialect: SqlDialectName) {
  return {
    /** Unbounded text (JSON documents). */
    longText: dialect === "mssql" ? sql`nvarchar(max)` : sql`text`,
    /** ISO-8601 UTC timestamp. */
    timestamp: sql`varchar(30)`,
    /** Unicode text of a bounded length (names typed by people). */
    unicode: (length: number) => (dialect === "mssql" ? sql`nvarchar(${sql.raw(String(length))})` : sql`text`),
  } as const;
}

export type ColumnTypes = ReturnType<typeof columnTypes>;

/** One owner's migrations, built for a dialect's column types. */
export type MigrationSet = (t: ColumnTypes) => Record<string, Migration>;

/**
 * Applies every owner's migrations, at start, on SQLite and SQL Server alike. Names are
 * global (Kysely's Migrator runs them in name order); two owners using one name is a bug
 * caught here. The Migrator records what ran and takes a lock, so concurrent instances
 * apply each once.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  sets: readonly MigrationSet[],
): Promise<void> {
  const t = columnTypes(dialect);
  const all: Record<string, Migration> = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set(t))) {
      if (name in all) throw new Error(`Migration ${name} is declared twice`);
      all[name] = migration;
    }
  }
  const provider: MigrationProvider = { getMigrations: async () => all };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(
      `Database migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
