import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../foundation/sql/database.js";
import type { EsgTables } from "./esg-tables.js";

/** The esg_alerts table: the alerts raised, so each is raised once across instances and redeliveries. */
export class EsgAlertRepository {
  readonly #db: Kysely<EsgTables>;

  constructor(db: Kysely<EsgTables>) {
    this.#db = db;
  }

  /** Records the alert as raised; false when it was already. */
  async claim(key: string, at: string): Promise<boolean> {
    try {
      await this.#db
        .insertInto("esg_alerts")
        .values({ alert_key: key.slice(0, 120), raised_at: at })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
