import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { AuditLogTable, FoundationTables } from "./sql/schema.js";
import { tablesOf } from "./sql/database.js";
import type { Clock } from "../ports/clock.js";

/** Who did something, from where: taken from the request or the queue message. */
export interface Actor {
  readonly userId?: string;
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly correlationId?: string;
}

export interface AuditEntry {
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId?: string;
  readonly details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  readonly id: string;
  readonly userId?: string;
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly correlationId?: string;
  readonly createdAt: string;
}

/** The `audit_log` table (seed 002's shape plus the correlation id). Append-only. */
export class AuditLog {
  readonly #db: Kysely<FoundationTables>;
  readonly #clock: Clock;
  constructor(db: Kysely<FoundationTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Writes the entry, inside the caller's transaction when one is given (any system's). */
  async record<T>(actor: Actor, entry: AuditEntry, trx?: Transaction<T>): Promise<void> {
    const db = trx ? tablesOf<FoundationTables, T>(trx) : this.#db;
    await db
      .insertInto("audit_log")
      .values({
        id: randomUUID(),
        user_id: actor.userId ?? null,
        action: entry.action,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
        ip_address: actor.ipAddress?.slice(0, 45) ?? null,
        user_agent: actor.userAgent?.slice(0, 512) ?? null,
        correlation_id: actor.correlationId?.slice(0, 100) ?? null,
        created_at: this.#clock.now().toISOString(),
      })
      .execute();
  }

  /**
   * Backups: the rows created at or before `upTo` (ISO), as stored, oldest first (creation
   * time, then id) after `after`, at most `limit`.
   */
  async rowsUpTo(
    upTo: string,
    after: { readonly createdAt: string; readonly id: string } | null,
    limit: number,
  ): Promise<AuditLogTable[]> {
    let query = this.#db.selectFrom("audit_log").selectAll().where("created_at", "<=", upTo);
    if (after !== null)
      query = query.where((eb) =>
        eb.or([
          eb("created_at", ">", after.createdAt),
          eb.and([eb("created_at", "=", after.createdAt), eb("id", ">", after.id)]),
        ]),
      );
    return query.orderBy("created_at").orderBy("id").limit(limit).execute();
  }

  /** Restore: rows exactly as a backup held them, appended inside the caller's transaction. */
  async insertRows<T>(rows: readonly AuditLogTable[], trx?: Transaction<T>): Promise<void> {
    const db = trx ? tablesOf<FoundationTables, T>(trx) : this.#db;
    // 200 rows x 10 columns stays below SQL Server's 2,100 parameters.
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto("audit_log")
        .values(rows.slice(i, i + 200))
        .execute();
  }

  /** How many rows the log holds (a restore checks its target is empty). */
  async count<T>(trx?: Transaction<T>): Promise<number> {
    const db = trx ? tablesOf<FoundationTables, T>(trx) : this.#db;
    const row = await db
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Newest first. */
  async list(filter: { action?: string; userId?: string; limit: number; offset: number }): Promise<AuditRecord[]> {
    let q = this.#db.selectFrom("audit_log").selectAll();
    if (filter.action) q = q.where("action", "=", filter.action);
    if (filter.userId) q = q.where("user_id", "=", filter.userId);
    const rows = await q
      .orderBy("created_at", "desc")
      .orderBy("id")
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      action: r.action,
      resourceType: r.resource_type,
      ...(r.resource_id ? { resourceId: r.resource_id } : {}),
      ...(r.details ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}),
      ...(r.user_id ? { userId: r.user_id } : {}),
      ...(r.ip_address ? { ipAddress: r.ip_address } : {}),
      ...(r.user_agent ? { userAgent: r.user_agent } : {}),
      ...(r.correlation_id ? { correlationId: r.correlation_id } : {}),
      createdAt: r.created_at,
    }));
  }
}
