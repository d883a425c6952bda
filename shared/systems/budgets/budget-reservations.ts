import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { ConflictError } from "../../kernel/errors.js";
import type { BudgetRepository, BudgetLine, UtilizationColumn } from "./budget-repository.js";
import type { BudgetReservationRepository, Reservation, ReservationStatus } from "./budget-reservation-repository.js";
import type { OverBudget } from "./budget-rules.js";
import type { BudgetsTables } from "./budgets-tables.js";

export interface NewReservation {
  readonly line: BudgetLine;
  readonly amountMinor: bigint;
  readonly idempotencyKey: string;
  readonly reference: string;
  readonly requester: string | null;
  readonly supplier: string | null;
  readonly createdBy: string | null;
  /** From the line's approval rule: stop guards the update; warn and ignore let it through. */
  readonly overBudget: OverBudget;
}

/** Which column a reservation's money sits in, by status. */
const COLUMN: Readonly<Record<ReservationStatus, UtilizationColumn | null>> = {
  reserved: "reserved_minor",
  committed: "committed_minor",
  actual: "actual_minor",
  released: null,
};

/** The transitions a reservation may take. */
const ALLOWED: Readonly<Record<"release" | "commit" | "actual", readonly ReservationStatus[]>> = {
  release: ["reserved"],
  commit: ["reserved"],
  actual: ["reserved", "committed"],
};
const TARGET = { release: "released", commit: "committed", actual: "actual" } as const;

/**
 * Reservations move money on the budget row and the reservation's status in one
 * transaction; the money move is one conditional UPDATE and each status change is guarded
 * by the status it leaves, so parallel requests can neither over-commit a budget nor
 * release (or convert) one reservation twice.
 */
export class BudgetReservations {
  readonly #db: Kysely<BudgetsTables>;
  readonly #lines: BudgetRepository;
  readonly #rows: BudgetReservationRepository;
  readonly #audit: AuditLog;

  constructor(deps: {
    db: Kysely<BudgetsTables>;
    lines: BudgetRepository;
    reservations: BudgetReservationRepository;
    audit: AuditLog;
  }) {
    this.#db = deps.db;
    this.#lines = deps.lines;
    this.#rows = deps.reservations;
    this.#audit = deps.audit;
  }

  /**
   * Reserves, or answers the reservation this idempotency key already made (`created`
   * false). ConflictError when the budget has no room (stop mode) or the key was used for
   * another request.
   */
  async reserve(request: NewReservation, actor: Actor): Promise<{ reservation: Reservation; created: boolean }> {
    const { line } = request;
    const earlier = await this.#rows.findByKey(line.customerId, request.idempotencyKey);
    if (earlier) return { reservation: this.#sameRequest(earlier, request), created: false };
    const reservationId = randomUUID();
    const inserted = await this.#db
      .transaction()
      .execute(async (trx) => {
        const ok = await this.#lines
          .with(trx)
          .add(line.budgetId, "reserved_minor", request.amountMinor, request.overBudget === "stop");
        if (!ok) {
          throw new ConflictError("Insufficient budget: the reservation would exceed the budgeted amount", {
            budget_id: line.budgetId,
          });
        }
        // A parallel request with the same key won the insert: undo this one's money (rollback).
        const fresh = await this.#rows.with(trx).insert({
          reservationId,
          customerId: line.customerId,
          budgetId: line.budgetId,
          idempotencyKey: request.idempotencyKey,
          amountMinor: request.amountMinor,
          currency: line.currency,
          reference: request.reference,
          requester: request.requester,
          supplier: request.supplier,
          status: "reserved",
          createdBy: request.createdBy,
        });
        if (!fresh) throw new KeyTaken();
        await this.#audit.record(
          actor,
          {
            action: "budget.reserved",
            resourceType: "budget_reservation",
            resourceId: reservationId,
            details: {
              budget_id: line.budgetId,
              amount_minor: request.amountMinor.toString(),
              reference: request.reference,
            },
          },
          trx,
        );
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof KeyTaken) return false;
        throw error;
      });
    if (!inserted) {
      const winner = await this.#rows.findByKey(line.customerId, request.idempotencyKey);
      return { reservation: this.#sameRequest(winner!, request), created: false };
    }
    return { reservation: (await this.#rows.find(reservationId))!, created: true };
  }

  /** Release, commit or record as actual; ConflictError when the status does not allow it (any more). */
  async transition(reservation: Reservation, to: "release" | "commit" | "actual", actor: Actor): Promise<Reservation> {
    const target = TARGET[to];
    if (reservation.status === target) return reservation; // asked twice: the same answer
    if (!ALLOWED[to].includes(reservation.status)) {
      throw new ConflictError(`A ${reservation.status} reservation cannot be ${target}`, {
        status: reservation.status,
      });
    }
    await this.#db.transaction().execute(async (trx) => {
      const moved = await this.#rows.with(trx).transition(reservation.reservationId, reservation.status, target);
      if (!moved) throw new ConflictError("The reservation changed meanwhile; read it and try again");
      await this.#lines
        .with(trx)
        .move(reservation.budgetId, COLUMN[reservation.status]!, COLUMN[target], reservation.amountMinor);
      await this.#audit.record(
        actor,
        {
          action: `budget.reservation_${target}`,
          resourceType: "budget_reservation",
          resourceId: reservation.reservationId,
          details: { budget_id: reservation.budgetId, from: reservation.status },
        },
        trx,
      );
    });
    return (await this.#rows.find(reservation.reservationId))!;
  }

  /** A replayed key must carry the same request: another amount or line under it is a client bug. */
  #sameRequest(earlier: Reservation, request: NewReservation): Reservation {
    if (earlier.budgetId !== request.line.budgetId || earlier.amountMinor !== request.amountMinor) {
      throw new ConflictError("This Idempotency-Key was used for another reservation", {
        reservation_id: earlier.reservationId,
      });
    }
    return earlier;
  }
}

class KeyTaken extends Error {}
