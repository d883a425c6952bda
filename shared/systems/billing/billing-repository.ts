import { sql, type Kysely } from "kysely";
import type { BillingEntriesTable, BillingTables } from "./billing-tables.js";
import { billingChecksum, type ChecksumEntry } from "../../sap/billing-checksum.js";
import type { Clock } from "../../ports/clock.js";
import { parseMoney } from "../../kernel/money.js";
import type { RepairAction } from "./billing-facts.js";

export type BillingKind = "billing" | "allocation";

/** A billing entry as the SQL side keeps it. */
export interface BillingEntry extends ChecksumEntry {
  readonly entryId: string;
  readonly projectId: string;
  readonly sagaId: string | null;
  readonly kind: BillingKind;
  readonly pep: string | null;
  readonly description: string;
  readonly status: "PENDING" | "ACTIVE";
  readonly createdAt: string;
}

/** What a saga records as a side's state: enough to compare, small enough to keep. */
export interface BillingState {
  readonly entryCount: number;
  readonly checksum: string;
  /** Minor units per currency, as strings (JSON has no bigint). */
  readonly totals: Record<string, string>;
}

export function billingStateOf(entries: readonly ChecksumEntry[]): BillingState {
  const totals: Record<string, bigint> = {};
  for (const e of entries) totals[e.currency] = (totals[e.currency] ?? 0n) + e.amountMinor;
  return {
    entryCount: entries.length,
    checksum: billingChecksum(entries),
    totals: Object.fromEntries(Object.entries(totals).map(([c, v]) => [c, v.toString()])),
  };
}

type Db = Kysely<BillingTables>;

/** A `billing_entries` row as a backup holds it: every column as stored, the amount as text. */
export type BillingEntryRow = Omit<BillingEntriesTable, "amount_minor"> & { amount_minor: string };

const columns = [
  "entry_id",
  "project_id",
  "saga_id",
  "kind",
  "pep",
  // Text keeps bigint exact on SQLite too.
  sql<string>`cast(amount_minor as varchar(20))`.as("amount_minor"),
  "currency",
  "billing_date",
  "description",
  "status",
  "created_at",
] as const;

function toEntry(row: {
  entry_id: string;
  project_id: string;
  saga_id: string | null;
  kind: string;
  pep: string | null;
  amount_minor: string;
  currency: string;
  billing_date: string;
  description: string;
  status: "PENDING" | "ACTIVE";
  created_at: string;
}): BillingEntry {
  return {
    entryId: row.entry_id,
    projectId: row.project_id,
    sagaId: row.saga_id,
    kind: row.kind as BillingKind,
    pep: row.pep,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency,
    billingDate: row.billing_date,
    description: row.description,
    status: row.status,
    createdAt: row.created_at,
  };
}

export class BillingRepository {
  readonly #db: Db;
  readonly #clock: Clock;
  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A project's live (ACTIVE) entries, by billing date then id. */
  async listActive(projectId: string, db: Db = this.#db): Promise<BillingEntry[]> {
    const rows = await db
      .selectFrom("billing_entries")
      .select(columns)
      .where("project_id", "=", projectId)
      .where("status", "=", "ACTIVE")
      .orderBy("billing_date")
      .orderBy("entry_id")
      .execute();
    return rows.map(toEntry);
  }

  /**
   * The ACTIVE entries of many projects at once (reconciliation checksums a range per query);
   * with `upTo` (ISO), only entries created at or before it (a backup's cut-off).
   */
  async listActiveFor(projectIds: readonly string[], db: Db = this.#db, upTo?: string): Promise<BillingEntry[]> {
    const entries: BillingEntry[] = [];
    // SQL Server allows 2,100 parameters per statement; stay well below.
    for (let i = 0; i < projectIds.length; i += 500) {
      let query = db
        .selectFrom("billing_entries")
        .select(columns)
        .where("project_id", "in", projectIds.slice(i, i + 500))
        .where("status", "=", "ACTIVE");
      if (upTo !== undefined) query = query.where("created_at", "<=", upTo);
      entries.push(...(await query.execute()).map(toEntry));
    }
    return entries;
  }

  /**
   * Backups: the entries of every status created at or before `upTo` (ISO), as stored, in
   * id order after `afterId`, at most `limit`; only those of `projectIds` (at most 500) when given.
   */
  async rowsUpTo(
    upTo: string,
    afterId: string | null,
    limit: number,
    projectIds?: readonly string[],
  ): Promise<BillingEntryRow[]> {
    let query = this.#db
      .selectFrom("billing_entries")
      .select([...columns, "updated_at"])
      .where("created_at", "<=", upTo);
    if (afterId !== null) query = query.where("entry_id", ">", afterId);
    if (projectIds) query = query.where("project_id", "in", projectIds);
    return query.orderBy("entry_id").limit(limit).execute();
  }

  /** Restore: rows exactly as a backup held them, into the caller's (empty) table. */
  async insertRows(rows: readonly BillingEntryRow[], db: Db = this.#db): Promise<void> {
    // 150 rows x 12 columns stays below SQL Server's 2,100 parameters.
    for (let i = 0; i < rows.length; i += 150)
      await db
        .insertInto("billing_entries")
        .values(rows.slice(i, i + 150))
        .execute();
  }

  /** Entries of every status (a restore checks its target is empty). */
  async countRows(db: Db = this.#db): Promise<number> {
    const row = await db
      .selectFrom("billing_entries")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Step 2 of a saga: its entries, PENDING until the saga completes. */
  insertPending(entries: readonly Omit<BillingEntry, "status" | "createdAt">[], db: Db = this.#db): Promise<void> {
    return insertEntries(db, entries, "PENDING", this.#clock.now().toISOString());
  }

  /** Makes a saga's pending entries billing; returns how many. */
  async activate(sagaId: string, db: Db = this.#db): Promise<number> {
    const result = await db
      .updateTable("billing_entries")
      .set({ status: "ACTIVE", updated_at: this.#clock.now().toISOString() })
      .where("saga_id", "=", sagaId)
      .where("status", "=", "PENDING")
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Undoes a saga's SQL step: its entries go (pending ones only; a finished saga is never undone here). */
  async removePending(sagaId: string, db: Db = this.#db): Promise<number> {
    const result = await db
      .deleteFrom("billing_entries")
      .where("saga_id", "=", sagaId)
      .where("status", "=", "PENDING")
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Projects with an entry (of either status) changed after `since` (ISO). */
  async projectsChangedSince(since: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("billing_entries")
      .select("project_id")
      .distinct()
      .where("updated_at", ">", since)
      .execute();
    return rows.map((r) => r.project_id);
  }

  /**
   * Corrects a project's entries to SAP's, action by action: corrected and inserted entries
   * are ACTIVE and stamped `at` (the repair's one instant); inserted ones belong to no saga.
   */
  async applyRepair(projectId: string, actions: readonly RepairAction[], at: string, db: Db = this.#db): Promise<void> {
    for (const a of actions) {
      if (a.action === "delete") {
        await db
          .deleteFrom("billing_entries")
          .where("project_id", "=", projectId)
          .where("entry_id", "=", a.entryId)
          .execute();
        continue;
      }
      const values = {
        amount_minor: parseMoney(a.entry.amount, a.entry.currency).toString(),
        currency: a.entry.currency,
        billing_date: a.entry.billingDate,
        description: a.entry.description,
        status: "ACTIVE" as const,
        updated_at: at,
      };
      if (a.action === "update")
        await db
          .updateTable("billing_entries")
          .set(values)
          .where("project_id", "=", projectId)
          .where("entry_id", "=", a.entry.entryId)
          .execute();
      else
        await db
          .insertInto("billing_entries")
          .values({
            ...values,
            entry_id: a.entry.entryId,
            project_id: projectId,
            saga_id: null,
            kind: "billing",
            pep: null,
            created_at: at,
          })
          .execute();
    }
  }

  /** Bulk insert of ACTIVE entries (seeding the local SQL side from the simulated SAP). */
  async insertActive(entries: readonly Omit<BillingEntry, "status" | "createdAt" | "sagaId">[]): Promise<void> {
    await this.#db.transaction().execute((trx) =>
      insertEntries(
        trx,
        entries.map((e) => ({ ...e, sagaId: null })),
        "ACTIVE",
        this.#clock.now().toISOString(),
      ),
    );
  }
}

async function insertEntries(
  db: Db,
  entries: readonly Omit<BillingEntry, "status" | "createdAt">[],
  status: "PENDING" | "ACTIVE",
  now: string,
): Promise<void> {
  // 50 rows x 12 columns stays far below SQL Server's 2,100 parameters.
  for (let i = 0; i < entries.length; i += 50) {
    await db
      .insertInto("billing_entries")
      .values(
        entries.slice(i, i + 50).map((e) => ({
          entry_id: e.entryId,
          project_id: e.projectId,
          saga_id: e.sagaId,
          kind: e.kind,
          pep: e.pep,
          amount_minor: e.amountMinor.toString(),
          currency: e.currency,
          billing_date: e.billingDate,
          description: e.description,
          status,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
}
