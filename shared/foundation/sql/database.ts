import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, SqliteDialect, sql, type LogEvent } from "kysely";
import { PagingMssqlDialect } from "./mssql-paging.js";
import type { SqlDialectName } from "./schema.js";
import { migrateToLatest, pendingMigrations, type MigrationSet } from "./migrations.js";

export type { SqlDialectName };

/** One connection (pool) for every system; `T` is the tables the opener's caller knows. */
export interface Database<T = unknown> {
  readonly db: Kysely<T>;
  readonly dialect: SqlDialectName;
  /**
   * Statements sent since opening (transaction begin/commit included). What the timer tests
   * count: a quiet system's every-minute sweeps must leave it unchanged, so a serverless
   * Azure SQL database can auto-pause.
   */
  queryCount(): number;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Apply pending migrations (default). When false, opening fails while one is pending: in
   * Azure the deploy step applies them (SQL_MIGRATE_ON_START=false, `npm run migrate`).
   */
  readonly migrate?: boolean;
}

/**
 * Embedded default: one SQLite file, shared by the local host's processes (WAL mode).
 * better-sqlite3 is a native, laptop-only development dependency: loaded here, never at
 * the top of a module, so a production install (Azure) neither needs nor loads it.
 */
export async function openSqliteDatabase<T>(
  path: string,
  migrations: readonly MigrationSet[],
  options: OpenOptions = {},
): Promise<Database<T>> {
  const { default: SqliteDatabase } = await loadBetterSqlite3();
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const handle = new SqliteDatabase(path);
  handle.pragma("journal_mode = WAL");
  // WAL + NORMAL: a commit survives the process being killed (what the tests and the ESG
  // resume rely on); only an OS crash or power loss can drop the last commits, never corrupt.
  // FULL would fsync every commit, thousands a second in an ESG run.
  handle.pragma("synchronous = NORMAL");
  // Another process (a second host, a test) may hold the write lock briefly.
  handle.pragma("busy_timeout = 5000");
  handle.pragma("foreign_keys = ON");
  // Kysely prepares every statement anew; compiling the SQL each time was a tenth of an
  // ESG run's CPU. Statements are kept by their text (a few hundred shapes), and one that
  // is still iterating is never handed out twice.
  const statements = new Map<string, ReturnType<typeof handle.prepare>>();
  const database = {
    close: () => handle.close(),
    prepare: (text: string) => {
      const cached = statements.get(text);
      if (cached && !cached.busy) return cached;
      const statement = handle.prepare(text);
      if (statements.size >= 1000) statements.clear();
      statements.set(text, statement);
      return statement;
    },
  };
  const counter = queryCounter();
  const db = new Kysely<T>({ dialect: new SqliteDialect({ database }), log: counter.log });
  return finishOpening(db, "sqlite", migrations, counter, options);
}

async function loadBetterSqlite3() {
  try {
    return await import("better-sqlite3");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new Error(
      "The embedded SQLite database needs better-sqlite3, a development dependency: install with " +
        "`npm ci` (not --omit=dev), or set SQL_CONNECTION_STRING to use SQL Server",
      { cause: error },
    );
  }
}

/**
 * Azure SQL / SQL Server over tedious. tedious and tarn are loaded here, not at the top
 * of the module, so a laptop on SQLite never loads them.
 */
export async function openMssqlDatabase<T>(
  connectionString: string,
  migrations: readonly MigrationSet[],
  options: OpenOptions = {},
): Promise<Database<T>> {
  const [tedious, tarn] = await Promise.all([import("tedious"), import("tarn")]);
  const config = await toTediousConfig(parseConnectionString(connectionString));
  const counter = queryCounter();
  const db = new Kysely<T>({
    log: counter.log,
    dialect: new PagingMssqlDialect({
      tarn: { ...tarn, options: { min: 0, max: 10 } },
      tedious: { ...tedious, connectionFactory: () => new tedious.Connection(config) },
    }),
  });
  return finishOpening(db, "mssql", migrations, counter, options);
}

/** Kysely's log hook, used only to count statements: one event each, succeeded ("query") or failed ("error"). */
function queryCounter(): { log: (event: LogEvent) => void; count: () => number } {
  let count = 0;
  return {
    log: () => void count++,
    count: () => count,
  };
}

async function finishOpening<T>(
  db: Kysely<T>,
  dialect: SqlDialectName,
  migrations: readonly MigrationSet[],
  counter: { count: () => number },
  { migrate = true }: OpenOptions = {},
): Promise<Database<T>> {
  if (migrate) await migrateToLatest(db as Kysely<unknown>, dialect, migrations);
  else {
    const pending = await pendingMigrations(db as Kysely<unknown>, dialect, migrations);
    if (pending.length > 0) {
      await db.destroy();
      throw new Error(
        `${pending.length} database migration(s) pending (${pending.join(", ")}): run \`npm run migrate\` (azd runs it after provisioning), or set SQL_MIGRATE_ON_START=true`,
      );
    }
  }
  return {
    db,
    dialect,
    queryCount: counter.count,
    ping: async () => {
      await sql`select 1 as ok`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** ADO-style `Key=Value;` pairs, keys case-insensitive. */
export function parseConnectionString(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return pairs;
}

async function toTediousConfig(pairs: Map<string, string>) {
  const get = (...keys: string[]) => keys.map((k) => pairs.get(k)).find((v) => v !== undefined && v !== "");
  const serverValue = get("server", "data source", "address");
  const database = get("database", "initial catalog");
  if (!serverValue || !database) {
    throw new Error("SQL_CONNECTION_STRING must name a Server and a Database");
  }
  const [hostPart, portPart] = serverValue.replace(/^tcp:/i, "").split(",");
  const authentication = (get("authentication") ?? "sql password").toLowerCase();
  const userId = get("user id", "uid", "user");
  const encrypt = (get("encrypt") ?? "true").toLowerCase() !== "false";
  const trust = (get("trustservercertificate") ?? "false").toLowerCase() === "true";
  const options = { database, port: portPart ? Number(portPart) : 1433, encrypt, trustServerCertificate: trust };

  if (authentication.startsWith("active directory")) {
    // Managed identity in Azure (User Id is the identity's client id), developer credentials locally.
    const { DefaultAzureCredential } = await import("@azure/identity");
    const credential = new DefaultAzureCredential(userId ? { managedIdentityClientId: userId } : {});
    return {
      server: hostPart!,
      options,
      authentication: { type: "token-credential" as const, options: { credential } },
    };
  }
  const password = get("password", "pwd");
  if (!userId || password === undefined) {
    throw new Error("SQL_CONNECTION_STRING with SQL authentication needs User Id and Password");
  }
  return {
    server: hostPart!,
    options,
    authentication: { type: "default" as const, options: { userName: userId, password } },
  };
}

/** SQLite (SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY) and SQL Server (2601, 2627) unique violations. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; number?: number; message?: string };
  return (
    e.code === "SQLITE_CONSTRAINT_UNIQUE" ||
    e.code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    e.number === 2601 ||
    e.number === 2627
  );
}

/**
 * A system's view of the shared connection: the same pool, typed with the system's own
 * tables only, so a query against another system's table does not compile.
 */
export function tablesOf<T, From>(db: Kysely<From>): Kysely<T> {
  return db as unknown as Kysely<T>;
}
