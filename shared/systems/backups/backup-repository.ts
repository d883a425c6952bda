import type { Kysely, Selectable, Transaction } from "kysely";
import { tablesOf } from "../../foundation/sql/database.js";
import { selectPage } from "../../foundation/sql/paging.js";
import type { Clock } from "../../ports/clock.js";
import type { BackupsTable, BackupsTables } from "./backups-tables.js";

export type BackupRow = Selectable<BackupsTable>;

/** The backups table: every query the backup service makes. */
export class BackupRepository {
  readonly #db: Kysely<BackupsTables>;
  readonly #clock: Clock;

  constructor(db: Kysely<BackupsTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A requested backup, QUEUED; inside the job protocol's transaction when one is given. */
  async insertRequested<T>(
    request: {
      backupId: string;
      trigger: "manual" | "scheduled";
      requestedBy: string | null;
      projectIds: readonly string[] | null;
      format: string;
    },
    trx?: Transaction<T>,
  ): Promise<void> {
    const now = this.#clock.now().toISOString();
    await (trx ? tablesOf<BackupsTables, T>(trx) : this.#db)
      .insertInto("backups")
      .values({
        backup_id: request.backupId,
        trigger_source: request.trigger,
        requested_by: request.requestedBy,
        project_ids: request.projectIds ? JSON.stringify(request.projectIds) : null,
        status: "QUEUED",
        progress: 0,
        attempts: 0,
        error: null,
        blob_name: null,
        schema_hash: null,
        project_count: null,
        record_count: null,
        sha256: null,
        size_bytes: null,
        verified_at: null,
        verification_status: null,
        verification_error: null,
        created_at: now,
        updated_at: now,
        started_at: null,
        completed_at: null,
        format: request.format,
        // The backup holds the SQL rows created up to its request: the cut-off.
        cutoff_at: now,
        sections: null,
      })
      .execute();
  }

  async find(backupId: string): Promise<BackupRow | undefined> {
    return this.#db.selectFrom("backups").selectAll().where("backup_id", "=", backupId).executeTakeFirst();
  }

  /** Newest first; the id breaks ties so pages never overlap. */
  async page(page: number, pageSize: number): Promise<{ rows: BackupRow[]; total: number }> {
    return selectPage(
      this.#db.selectFrom("backups"),
      [
        ["created_at", "desc"],
        ["backup_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  /** Ids of the backups completed since `since` (ISO). */
  async completedSince(since: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("backups")
      .select("backup_id")
      .where("status", "=", "COMPLETED")
      .where("completed_at", ">=", since)
      .execute();
    return rows.map((r) => r.backup_id);
  }

  async update(backupId: string, changes: Partial<BackupsTable>): Promise<void> {
    await this.#db
      .updateTable("backups")
      .set({ ...changes, updated_at: this.#clock.now().toISOString() })
      .where("backup_id", "=", backupId)
      .execute();
  }
}
