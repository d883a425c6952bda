import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { SqlDialectName } from "./schema.js";

/** Column types that differ between SQLite and SQL Server. */
export function columnTypes(dialect: SqlDialectName) {
  return {
    dialect,
    /** A surrogate key the database numbers (SQLite rowid; SQL Server identity). */
    autoId: dialect === "mssql" ? sql`bigint identity(1,1)` : sql`integer`,
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

/** Every owner's migrations by name; two owners using one name is a bug caught here. */
function migrationsOf(dialect: SqlDialectName, sets: readonly MigrationSet[]): MigrationProvider {
  const t = columnTypes(dialect);
  const all: Record<string, Migration> = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set(t))) {
      if (name in all) throw new Error(`Migration ${name} is declared twice`);
      all[name] = migration;
    }
  }
  return { getMigrations: async () => all };
}

/**
 * Applies every owner's migrations, on SQLite and SQL Server alike: at start (locally, or
 * with SQL_MIGRATE_ON_START) or at deploy time (`npm run migrate`). Names are global
 * (Kysely's Migrator runs them in name order). The Migrator records what ran and takes a
 * lock, so concurrent runs apply each once.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  sets: readonly MigrationSet[],
): Promise<void> {
  const provider = migrationsOf(dialect, sets);
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(
      `Database migration ${failed?.migrationName ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The names of the migrations not yet applied. Reads only (the migration table), so an
 * identity without DDL rights can tell that the deploy-time step was skipped.
 */
export async function pendingMigrations(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  sets: readonly MigrationSet[],
): Promise<string[]> {
  const migrations = await new Migrator({ db, provider: migrationsOf(dialect, sets) }).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
