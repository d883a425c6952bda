import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { CustomerScope } from "./customer-access.js";
import type {
  BudgetSourceFilesTable,
  BudgetSourcesTable,
  BudgetSourceTables,
  SourceFileStatus,
} from "./budget-source-tables.js";

export type SourceRow = Selectable<BudgetSourcesTable>;
export type SourceFileRow = Selectable<BudgetSourceFilesTable>;

/** Budget data sources, the file versions their polls took, and their failures. */
export class BudgetSourceRepository {
  readonly #db: Kysely<BudgetSourceTables>;

  constructor(db: Kysely<BudgetSourceTables>) {
    this.#db = db;
  }

  async insert(row: SourceRow): Promise<void> {
    await this.#db.insertInto("budget_sources").values(row).execute();
  }

  async update(
    sourceId: string,
    fields: Partial<Omit<SourceRow, "source_id" | "customer_id" | "created_at">>,
  ): Promise<void> {
    await this.#db.updateTable("budget_sources").set(fields).where("source_id", "=", sourceId).execute();
  }

  async remove(sourceId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom("budget_source_files").where("source_id", "=", sourceId).execute();
      await trx.deleteFrom("budget_source_failures").where("source_id", "=", sourceId).execute();
      await trx.deleteFrom("budget_sources").where("source_id", "=", sourceId).execute();
    });
  }

  /** The source when the scope admits its customer (otherwise as if it did not exist). */
  async find(scope: CustomerScope, sourceId: string): Promise<SourceRow | undefined> {
    let query = this.#db.selectFrom("budget_sources").selectAll().where("source_id", "=", sourceId);
    if (scope !== "all") {
      if (scope.length === 0) return undefined;
      query = query.where("customer_id", "in", scope);
    }
    return query.executeTakeFirst();
  }

  async sourcesOf(customerId: string): Promise<SourceRow[]> {
    return this.#db
      .selectFrom("budget_sources")
      .selectAll()
      .where("customer_id", "=", customerId)
      .orderBy("created_at")
      .orderBy("source_id")
      .execute();
  }

  /** Enabled sources whose schedule is due and that no poll holds, oldest due first. */
  async due(now: string, limit: number): Promise<SourceRow[]> {
    return this.#db
      .selectFrom("budget_sources")
      .selectAll()
      .where("enabled", "=", 1)
      .where("next_due_at", "<=", now)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .orderBy("next_due_at")
      .limit(limit)
      .execute();
  }

  /** Takes the source for one poll: one conditional UPDATE, so two instances never both win. */
  async lease(sourceId: string, now: string, until: string): Promise<boolean> {
    const result = await this.#db
      .updateTable("budget_sources")
      .set({ lease_until: until })
      .where("source_id", "=", sourceId)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async hasVersion(sourceId: string, versionKey: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom("budget_source_files")
      .select("row_id")
      .where("source_id", "=", sourceId)
      .where("version_key", "=", versionKey)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A version of the same bytes this source already took (renamed or touched, not changed). */
  async sameContent(sourceId: string, sha256: string): Promise<SourceFileRow | undefined> {
    return this.#db
      .selectFrom("budget_source_files")
      .selectAll()
      .where("source_id", "=", sourceId)
      .where("content_sha256", "=", sha256)
      .where("status", "!=", "failed")
      .orderBy("seen_at")
      .executeTakeFirst();
  }

  async recordFile(row: Omit<SourceFileRow, "row_id"> & { status: SourceFileStatus }): Promise<void> {
    await this.#db
      .insertInto("budget_source_files")
      .values({ row_id: randomUUID(), ...row })
      .execute();
  }

  async filesOf(sourceId: string, limit: number): Promise<SourceFileRow[]> {
    return this.#db
      .selectFrom("budget_source_files")
      .selectAll()
      .where("source_id", "=", sourceId)
      .orderBy("seen_at", "desc")
      .orderBy("remote_path")
      .limit(limit)
      .execute();
  }

  async heldCount(sourceId: string): Promise<number> {
    const row = await this.#db
      .selectFrom("budget_source_files")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("source_id", "=", sourceId)
      .where("status", "=", "held")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async recordFailure(sourceId: string, at: string, message: string): Promise<void> {
    await this.#db
      .insertInto("budget_source_failures")
      .values({ source_id: sourceId, failed_at: at, message: message.slice(0, 500) })
      .execute();
  }

  async failuresSince(sourceId: string, since: string): Promise<number> {
    const row = await this.#db
      .selectFrom("budget_source_failures")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("source_id", "=", sourceId)
      .where("failed_at", ">=", since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Failures older than the alert window serve nothing. */
  async pruneFailures(sourceId: string, before: string): Promise<void> {
    await this.#db
      .deleteFrom("budget_source_failures")
      .where("source_id", "=", sourceId)
      .where("failed_at", "<", before)
      .execute();
  }
}
