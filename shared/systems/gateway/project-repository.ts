import { sql, type Kysely, type SelectQueryBuilder } from "kysely";
import { PreconditionFailedError } from "../../kernel/errors.js";
import type { GatewayTables, ProjectsTable } from "./gateway-tables.js";
import type { Clock } from "../../ports/clock.js";

/** The SQL side of a project: seed 000's `projects` row. */
export interface ProjectRecord {
  readonly projectId: string;
  readonly sapProjectCode: string;
  readonly name: string | null;
  readonly status: string | null;
  readonly customField1: string | null;
  readonly customField2: string | null;
  readonly totalCostMinor: bigint | null;
  readonly costCurrency: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** A `projects` row as a backup holds it: every column as stored, the bigint as text. */
export type ProjectRow = Omit<ProjectsTable, "total_cost_minor"> & { total_cost_minor: string | null };

/** The fields a PATCH may change; absent keys stay as they are, null clears. */
export interface ProjectRecordChanges {
  readonly name?: string | null;
  readonly status?: string | null;
  readonly customField1?: string | null;
  readonly customField2?: string | null;
}

function toRecord(row: ProjectsTable): ProjectRecord {
  return {
    projectId: row.project_id,
    sapProjectCode: row.sap_project_code,
    name: row.project_name,
    status: row.status,
    customField1: row.custom_field_1,
    customField2: row.custom_field_2,
    totalCostMinor: row.total_cost_minor === null ? null : BigInt(row.total_cost_minor),
    costCurrency: row.cost_currency,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/**
 * Every column, with the bigint read as text: better-sqlite3 hands back a JS number, which
 * loses money above 2^53 minor units; text is exact on both dialects.
 */
function selectRecord<O>(query: SelectQueryBuilder<GatewayTables, "projects", O>) {
  return query.select([
    "project_id",
    "sap_project_code",
    "project_name",
    "status",
    "custom_field_1",
    "custom_field_2",
    sql<string | null>`cast(total_cost_minor as varchar(20))`.as("total_cost_minor"),
    "cost_currency",
    "created_at",
    "updated_at",
    "version",
  ]);
}

/** SQL Server allows 2,100 parameters per statement; stay well below. */
const IN_CHUNK = 500;

export class ProjectRepository {
  readonly #db: Kysely<GatewayTables>;
  readonly #clock: Clock;
  constructor(db: Kysely<GatewayTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Pass the transaction when inside one: SQLite has one connection, and a second would wait forever. */
  async findProject(projectId: string, db: Kysely<GatewayTables> = this.#db): Promise<ProjectRecord | undefined> {
    const row = await selectRecord(db.selectFrom("projects")).where("project_id", "=", projectId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /**
   * The SQL records of many projects at once (bulk readers), by project id; with `upTo`
   * (ISO), only records created at or before it (a backup's cut-off).
   */
  async findProjects(projectIds: readonly string[], upTo?: string): Promise<Map<string, ProjectRecord>> {
    const records = new Map<string, ProjectRecord>();
    for (let i = 0; i < projectIds.length; i += IN_CHUNK) {
      let query = selectRecord(this.#db.selectFrom("projects")).where(
        "project_id",
        "in",
        projectIds.slice(i, i + IN_CHUNK),
      );
      if (upTo !== undefined) query = query.where("created_at", "<=", upTo);
      for (const row of await query.execute()) records.set(row.project_id, toRecord(row));
    }
    return records;
  }

  /**
   * Backups: the rows created at or before `upTo` (ISO), as stored, in id order after
   * `afterId`, at most `limit`; only those of `projectIds` (at most 500) when given.
   */
  async rowsUpTo(
    upTo: string,
    afterId: string | null,
    limit: number,
    projectIds?: readonly string[],
  ): Promise<ProjectRow[]> {
    let query = selectRecord(this.#db.selectFrom("projects")).where("created_at", "<=", upTo);
    if (afterId !== null) query = query.where("project_id", ">", afterId);
    if (projectIds) query = query.where("project_id", "in", projectIds);
    return query.orderBy("project_id").limit(limit).execute();
  }

  /** Restore: rows exactly as a backup held them, into the caller's (empty) table. */
  async insertRows(rows: readonly ProjectRow[], db: Kysely<GatewayTables> = this.#db): Promise<void> {
    // 150 rows x 11 columns stays below SQL Server's 2,100 parameters.
    for (let i = 0; i < rows.length; i += 150)
      await db
        .insertInto("projects")
        .values(rows.slice(i, i + 150))
        .execute();
  }

  /** SQL names of these projects (those that have one), for sorting a list by name. */
  async findNames(projectIds: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (let i = 0; i < projectIds.length; i += IN_CHUNK) {
      const rows = await this.#db
        .selectFrom("projects")
        .select(["project_id", "project_name"])
        .where("project_id", "in", projectIds.slice(i, i + IN_CHUNK))
        .where("project_name", "is not", null)
        .execute();
      for (const row of rows) names.set(row.project_id, row.project_name!);
    }
    return names;
  }

  async count(db: Kysely<GatewayTables> = this.#db): Promise<number> {
    const row = await db
      .selectFrom("projects")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Applies changes only if the row is still at `expectedVersion` (0: no row yet, which
   * creates it), bumping the version. A lost race is a 412, never a silent overwrite.
   * Runs inside the caller's transaction when given one.
   */
  async updateProject(
    projectId: string,
    sapProjectCode: string,
    expectedVersion: number,
    changes: ProjectRecordChanges,
    db: Kysely<GatewayTables> = this.#db,
  ): Promise<ProjectRecord> {
    const now = this.#clock.now().toISOString();
    const columns = {
      ...(changes.name !== undefined ? { project_name: changes.name } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.customField1 !== undefined ? { custom_field_1: changes.customField1 } : {}),
      ...(changes.customField2 !== undefined ? { custom_field_2: changes.customField2 } : {}),
    };
    if (expectedVersion === 0) {
      try {
        await db
          .insertInto("projects")
          .values({
            project_id: projectId,
            sap_project_code: sapProjectCode,
            project_name: null,
            status: null,
            custom_field_1: null,
            custom_field_2: null,
            total_cost_minor: null,
            cost_currency: null,
            ...columns,
            created_at: now,
            updated_at: now,
            version: 1,
          })
          .execute();
      } catch (error) {
        if (await this.findProject(projectId, db)) throw stale(projectId);
        throw error;
      }
    } else {
      const result = await db
        .updateTable("projects")
        .set({ ...columns, updated_at: now, version: expectedVersion + 1 })
        .where("project_id", "=", projectId)
        .where("version", "=", expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw stale(projectId);
    }
    return (await this.findProject(projectId, db))!;
  }

  /** Bulk insert for seeding (local simulator data); existing ids are left alone. */
  async insertMissing(records: readonly Omit<ProjectRecord, "createdAt" | "updatedAt" | "version">[]): Promise<void> {
    const now = this.#clock.now().toISOString();
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += 50) {
        const chunk = records.slice(i, i + 50);
        const existing = new Set(
          (
            await trx
              .selectFrom("projects")
              .select("project_id")
              .where(
                "project_id",
                "in",
                chunk.map((r) => r.projectId),
              )
              .execute()
          ).map((r) => r.project_id),
        );
        const rows = chunk
          .filter((r) => !existing.has(r.projectId))
          .map((r) => ({
            project_id: r.projectId,
            sap_project_code: r.sapProjectCode,
            project_name: r.name,
            status: r.status,
            custom_field_1: r.customField1,
            custom_field_2: r.customField2,
            total_cost_minor: r.totalCostMinor === null ? null : r.totalCostMinor.toString(),
            cost_currency: r.costCurrency,
            created_at: now,
            updated_at: now,
            version: 1,
          }));
        if (rows.length > 0) await trx.insertInto("projects").values(rows).execute();
      }
    });
  }
}

function stale(projectId: string): PreconditionFailedError {
  return new PreconditionFailedError(
    `Project '${projectId}' was changed by someone else; read it again and retry with its current ETag`,
    {
      project_id: projectId,
    },
  );
}
