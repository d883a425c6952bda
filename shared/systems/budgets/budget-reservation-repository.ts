import type { Kysely } from "kysely";
import { sql } from "kysely";
import { isUniqueViolation } from "../../foundation/sql/database.js";
import type { Clock } from "../../ports/clock.js";
import type { BudgetReservationsTable, BudgetsTables } from "./budgets-tables.js";

export type ReservationStatus = BudgetReservationsTable["status"];

/** A reservation as read: its amount exact. */
export interface Reservation {
  readonly reservationId: string;
  readonly customerId: string;
  readonly budgetId: string;
  readonly idempotencyKey: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly reference: string;
  readonly requester: string | null;
  readonly supplier: string | null;
  readonly status: ReservationStatus;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type Row = Omit<BudgetReservationsTable, "amount_minor"> & { amount: string };

function reservationOf(row: Row): Reservation {
  return {
    reservationId: row.reservation_id,
    customerId: row.customer_id,
    budgetId: row.budget_id,
    idempotencyKey: row.idempotency_key,
    amountMinor: BigInt(row.amount),
    currency: row.currency,
    reference: row.reference,
    requester: row.requester,
    supplier: row.supplier,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Reservations: rows, their status transitions (each guarded by the status it leaves) and split look-ups. */
export class BudgetReservationRepository {
  readonly #db: Kysely<BudgetsTables>;
  readonly #clock: Clock;

  constructor(db: Kysely<BudgetsTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  with(db: Kysely<BudgetsTables>): BudgetReservationRepository {
    return new BudgetReservationRepository(db, this.#clock);
  }

  #select() {
    return this.#db
      .selectFrom("budget_reservations")
      .select([
        "reservation_id",
        "customer_id",
        "budget_id",
        "idempotency_key",
        "currency",
        "reference",
        "requester",
        "supplier",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        sql<string>`cast(amount_minor as varchar(20))`.as("amount"),
      ]);
  }

  async find(reservationId: string): Promise<Reservation | undefined> {
    const row = await this.#select().where("reservation_id", "=", reservationId).executeTakeFirst();
    return row ? reservationOf(row) : undefined;
  }

  async findByKey(customerId: string, idempotencyKey: string): Promise<Reservation | undefined> {
    const row = await this.#select()
      .where("customer_id", "=", customerId)
      .where("idempotency_key", "=", idempotencyKey)
      .executeTakeFirst();
    return row ? reservationOf(row) : undefined;
  }

  /** False when the customer already used this idempotency key. */
  async insert(r: Omit<Reservation, "createdAt" | "updatedAt">): Promise<boolean> {
    const now = this.#clock.now().toISOString();
    try {
      await this.#db
        .insertInto("budget_reservations")
        .values({
          reservation_id: r.reservationId,
          customer_id: r.customerId,
          budget_id: r.budgetId,
          idempotency_key: r.idempotencyKey,
          amount_minor: r.amountMinor.toString(),
          currency: r.currency,
          reference: r.reference,
          requester: r.requester,
          supplier: r.supplier,
          status: r.status,
          created_by: r.createdBy,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Moves a reservation from one of `from` to `to`; false when another request moved it first. */
  async transition(reservationId: string, from: ReservationStatus, to: ReservationStatus): Promise<boolean> {
    const result = await this.#db
      .updateTable("budget_reservations")
      .set({ status: to, updated_at: this.#clock.now().toISOString() })
      .where("reservation_id", "=", reservationId)
      .where("status", "=", from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A line's reservations in one status, newest first (capped: the balance lists, never floods). */
  async ofBudget(budgetId: string, status: ReservationStatus, limit: number): Promise<Reservation[]> {
    const rows = await this.#select()
      .where("budget_id", "=", budgetId)
      .where("status", "=", status)
      .orderBy("created_at", "desc")
      .orderBy("reservation_id")
      .limit(limit)
      .execute();
    return rows.map(reservationOf);
  }

  /**
   * The requester's live (not released) reservations since `since` for the same supplier,
   * or on a line of the same department: what a split purchase would be spread over.
   */
  async recentOfRequester(q: {
    customerId: string;
    requester: string;
    supplier: string | null;
    department: string;
    currency: string;
    since: string;
    excludeReservationId?: string;
  }): Promise<{ count: number; totalMinor: bigint }> {
    let query = this.#db
      .selectFrom("budget_reservations as r")
      .innerJoin("budgets as b", "b.budget_id", "r.budget_id")
      .where("r.customer_id", "=", q.customerId)
      .where(sql`lower(r.requester)`, "=", q.requester.trim().toLowerCase())
      .where("r.currency", "=", q.currency)
      .where("r.status", "!=", "released")
      .where("r.created_at", ">=", q.since)
      .where((eb) => {
        const department = eb(sql`lower(b.department)`, "=", q.department.trim().toLowerCase());
        return q.supplier === null
          ? department
          : eb.or([department, eb(sql`lower(r.supplier)`, "=", q.supplier.trim().toLowerCase())]);
      });
    if (q.excludeReservationId) query = query.where("r.reservation_id", "!=", q.excludeReservationId);
    const row = await query
      .select([
        sql<number | string>`count(*)`.as("n"),
        sql<string | null>`cast(sum(r.amount_minor) as varchar(20))`.as("total"),
      ])
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), totalMinor: BigInt(row.total ?? "0") };
  }
}
