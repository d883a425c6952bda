import type { Kysely, Selectable } from "kysely";
import { isUniqueViolation } from "../../foundation/sql/database.js";
import type { Clock } from "../../ports/clock.js";
import type { BudgetsTables, CustomersTable } from "./budgets-tables.js";

export type CustomerRow = Selectable<CustomersTable>;

/** Customers and which users are bound to them. */
export class CustomerRepository {
  readonly #db: Kysely<BudgetsTables>;
  readonly #clock: Clock;

  constructor(db: Kysely<BudgetsTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** False when the id is taken. */
  async insertCustomer(customerId: string, name: string): Promise<boolean> {
    try {
      await this.#db
        .insertInto("customers")
        .values({ customer_id: customerId, name, created_at: this.#clock.now().toISOString() })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  findCustomer(customerId: string): Promise<CustomerRow | undefined> {
    return this.#db.selectFrom("customers").selectAll().where("customer_id", "=", customerId).executeTakeFirst();
  }

  /** Every customer, or only these ids. */
  listCustomers(only?: readonly string[]): Promise<CustomerRow[]> {
    let query = this.#db.selectFrom("customers").selectAll();
    if (only) {
      if (only.length === 0) return Promise.resolve([]);
      query = query.where("customer_id", "in", only);
    }
    return query.orderBy("customer_id").execute();
  }

  /** Binds a user to a customer; binding twice is harmless. */
  async bind(customerId: string, userId: string): Promise<void> {
    try {
      await this.#db
        .insertInto("customer_users")
        .values({ customer_id: customerId, user_id: userId, created_at: this.#clock.now().toISOString() })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  /** True when a binding was removed. */
  async unbind(customerId: string, userId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("customer_users")
      .where("customer_id", "=", customerId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async customersOf(userId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("customer_users")
      .select("customer_id")
      .where("user_id", "=", userId)
      .orderBy("customer_id")
      .execute();
    return rows.map((r) => r.customer_id);
  }

  async usersOf(customerId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom("customer_users")
      .select("user_id")
      .where("customer_id", "=", customerId)
      .orderBy("user_id")
      .execute();
    return rows.map((r) => r.user_id);
  }

  async isBound(customerId: string, userId: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom("customer_users")
      .select("user_id")
      .where("customer_id", "=", customerId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row !== undefined;
  }
}
