import type { Kysely, Selectable, Transaction } from "kysely";
import { isUniqueViolation, tablesOf } from "../../foundation/sql/database.js";
import { chunks } from "./esg-chunks.js";
import type { EsgLatestRatingsTable, EsgTables } from "./esg-tables.js";

export type EsgLatestRating = Selectable<EsgLatestRatingsTable>;

/** The esg_latest_ratings table: each account's last rating, reused by ETag or by age across runs. */
export class EsgRatingRepository {
  readonly #db: Kysely<EsgTables>;

  constructor(db: Kysely<EsgTables>) {
    this.#db = db;
  }

  /** The stored ratings of these accounts, by account id. */
  async latestOf(accountIds: readonly string[]): Promise<Map<string, EsgLatestRating>> {
    const latest = new Map<string, EsgLatestRating>();
    for (const part of chunks(accountIds)) {
      for (const row of await this.#db
        .selectFrom("esg_latest_ratings")
        .selectAll()
        .where("account_id", "in", part)
        .execute())
        latest.set(row.account_id, row);
    }
    return latest;
  }

  /** Stores an account's new rating, inside the results' transaction. */
  async save<T>(accountId: string, rating: Omit<EsgLatestRating, "account_id">, trx: Transaction<T>): Promise<void> {
    const db = tablesOf<EsgTables, T>(trx);
    const updated = await db
      .updateTable("esg_latest_ratings")
      .set(rating)
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    try {
      await db
        .insertInto("esg_latest_ratings")
        .values({ account_id: accountId, ...rating })
        .execute();
    } catch (error) {
      // Another run stored this new account first (a manual run beside the full one).
      if (!isUniqueViolation(error)) throw error;
      await db.updateTable("esg_latest_ratings").set(rating).where("account_id", "=", accountId).execute();
    }
  }
}
