import { NotFoundError } from "../../kernel/errors.js";
import type { Role } from "../../kernel/roles.js";
import type { CustomerRepository } from "./customer-repository.js";

/** Who asks: the signed-in principal's id and roles (a Principal fits). */
export interface BudgetCaller {
  readonly userId: string;
  readonly roles: readonly Role[];
}

/** The customers a caller may see: every one (admins), or the listed ids. */
export type CustomerScope = "all" | readonly string[];

/**
 * Customer isolation in one place. A customer the caller is not bound to answers exactly
 * as one that does not exist (404), so ids never leak; admins see every customer.
 */
export class CustomerAccess {
  readonly #customers: CustomerRepository;

  constructor(customers: CustomerRepository) {
    this.#customers = customers;
  }

  /** The scope every budgets query filters by. */
  async scopeOf(caller: BudgetCaller): Promise<CustomerScope> {
    if (caller.roles.includes("admin")) return "all";
    return this.#customers.customersOf(caller.userId);
  }

  /** Throws NotFoundError unless the customer exists and the caller may see it. */
  async assert(caller: BudgetCaller, customerId: string): Promise<void> {
    const admin = caller.roles.includes("admin");
    const visible = admin
      ? (await this.#customers.findCustomer(customerId)) !== undefined
      : await this.#customers.isBound(customerId, caller.userId);
    if (!visible) throw new NotFoundError("Customer", customerId);
  }
}

/** Whether a scope admits a customer (for rows read before the caller's scope was known). */
export function inScope(scope: CustomerScope, customerId: string): boolean {
  return scope === "all" || scope.includes(customerId);
}
