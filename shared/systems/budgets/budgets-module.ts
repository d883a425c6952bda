import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import type { SqlDialectName } from "../../foundation/sql/database.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import { ConflictError, NotFoundError, ValidationError } from "../../kernel/errors.js";
import { isKnownCurrency, parseMoney } from "../../kernel/money.js";
import type { Clock } from "../../ports/clock.js";
import { decide, type SplitHistory } from "./budget-check.js";
import {
  budgetView,
  checkAnswer,
  customerView,
  reservationView,
  ruleView,
  type BudgetView,
  type CheckAnswer,
  type CustomerView,
  type ReservationView,
  type RuleView,
} from "./budget-check-views.js";
import { readPlannedAmounts, type PlannedAmount } from "./budget-planned-amounts-repository.js";
import { BudgetRepository, type BudgetFilter, type BudgetLine, type NewBudgetLine } from "./budget-repository.js";
import { BudgetReservationRepository, type Reservation } from "./budget-reservation-repository.js";
import { BudgetReservations } from "./budget-reservations.js";
import { BudgetRulesRepository, type RuleFields } from "./budget-rules-repository.js";
import { ruleFor, type ApprovalRule, type OverBudget } from "./budget-rules.js";
import type { BUDGETS_SETTINGS } from "./budgets-settings.js";
import type { BudgetsTables } from "./budgets-tables.js";
import { CustomerAccess, inScope, type BudgetCaller } from "./customer-access.js";
import { CustomerRepository } from "./customer-repository.js";

export interface BudgetsModuleDeps {
  readonly settings: SettingsOf<typeof BUDGETS_SETTINGS>;
  readonly db: Kysely<BudgetsTables>;
  readonly dialect: SqlDialectName;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
}

/** Which budget line a request means: its id, or its department, sub-category and period. */
export type LineRef =
  | { readonly budgetId: string }
  | { readonly department: string; readonly subCategory?: string; readonly fiscalPeriod: string };

/** A purchase request's money: a decimal string (a JSON number already turned into its digits). */
export interface CheckRequest {
  readonly customerId: string;
  readonly department: string;
  readonly subCategory?: string;
  readonly fiscalPeriod: string;
  readonly amount: string;
  readonly currency?: string;
  /** With requester (and supplier), recent requests are added up to catch split purchases. */
  readonly requester?: string;
  readonly supplier?: string;
}

export interface ReservationRequest {
  readonly customerId: string;
  readonly line: LineRef;
  readonly amount: string;
  readonly currency?: string;
  readonly idempotencyKey: string;
  readonly reference: string;
  readonly requester?: string;
  readonly supplier?: string;
}

/** A reservation answer: the reservation and, when it was made now, the approval verdict. */
export interface ReservationAnswer {
  readonly reservation: ReservationView;
  readonly created: boolean;
  readonly approval: Pick<
    CheckAnswer,
    "canAutoApprove" | "reason" | "autoApprovalThreshold" | "splitPurchaseSuspected" | "warnings"
  > | null;
}

export interface RuleInput {
  readonly department?: string | null;
  readonly subCategory?: string | null;
  readonly currency: string;
  readonly threshold: string;
  readonly overBudget: OverBudget;
  readonly warnPercent: number;
}

/** Reservations listed per status in an explained balance (the newest; the sums are always whole). */
const BALANCE_LISTED = 200;

/**
 * The budgets system's face towards functions/: customers and isolation, budget lines and
 * utilization, checks, approval rules and reservations. Built from small parts so the
 * import side adds its own without touching these.
 */
export class BudgetService {
  readonly #deps: BudgetsModuleDeps;
  readonly #customers: CustomerRepository;
  readonly #lines: BudgetRepository;
  readonly #rules: BudgetRulesRepository;
  readonly #reservationRows: BudgetReservationRepository;
  readonly #reservations: BudgetReservations;
  /** Customer isolation, for every budgets route (the import routes too). */
  readonly customerAccess: CustomerAccess;

  constructor(deps: BudgetsModuleDeps) {
    this.#deps = deps;
    this.#customers = new CustomerRepository(deps.db, deps.clock);
    this.#lines = new BudgetRepository(deps.db, deps.dialect, deps.clock);
    this.#rules = new BudgetRulesRepository(deps.db, deps.clock);
    this.#reservationRows = new BudgetReservationRepository(deps.db, deps.clock);
    this.#reservations = new BudgetReservations({
      db: deps.db,
      lines: this.#lines,
      reservations: this.#reservationRows,
      audit: deps.audit,
    });
    this.customerAccess = new CustomerAccess(this.#customers);
  }

  // ---- customers ----------------------------------------------------------------------

  async createCustomer(customerId: string, name: string, actor: Actor): Promise<CustomerView> {
    if (!(await this.#customers.insertCustomer(customerId, name))) {
      throw new ConflictError(`Customer '${customerId}' exists already`, { customer_id: customerId });
    }
    await this.#deps.audit.record(actor, {
      action: "customer.created",
      resourceType: "customer",
      resourceId: customerId,
    });
    return customerView((await this.#customers.findCustomer(customerId))!);
  }

  async listCustomers(caller: BudgetCaller): Promise<CustomerView[]> {
    const scope = await this.customerAccess.scopeOf(caller);
    return (await this.#customers.listCustomers(scope === "all" ? undefined : scope)).map(customerView);
  }

  async getCustomer(caller: BudgetCaller, customerId: string): Promise<CustomerView & { userIds: string[] }> {
    await this.customerAccess.assert(caller, customerId);
    const row = (await this.#customers.findCustomer(customerId))!;
    return { ...customerView(row), userIds: await this.#customers.usersOf(customerId) };
  }

  /** Binds a user to a customer (admins; the route checks the role). */
  async bindUser(customerId: string, userId: string, actor: Actor): Promise<void> {
    if (!(await this.#customers.findCustomer(customerId))) throw new NotFoundError("Customer", customerId);
    await this.#customers.bind(customerId, userId);
    await this.#deps.audit.record(actor, {
      action: "customer.user_bound",
      resourceType: "customer",
      resourceId: customerId,
      details: { user_id: userId },
    });
  }

  async unbindUser(customerId: string, userId: string, actor: Actor): Promise<void> {
    if (!(await this.#customers.unbind(customerId, userId))) throw new NotFoundError("Customer binding", userId);
    await this.#deps.audit.record(actor, {
      action: "customer.user_unbound",
      resourceType: "customer",
      resourceId: customerId,
      details: { user_id: userId },
    });
  }

  // ---- budget lines -------------------------------------------------------------------

  /** A line entered by hand (source `manual` unless told); the import side writes its own. */
  async addLine(line: NewBudgetLine): Promise<BudgetView> {
    if (!(await this.#customers.findCustomer(line.customerId))) throw new NotFoundError("Customer", line.customerId);
    return budgetView(await this.#lines.insertLine(line));
  }

  async listBudgets(
    caller: BudgetCaller,
    filter: Omit<BudgetFilter, "scope">,
    page: number,
    pageSize: number,
  ): Promise<{ items: BudgetView[]; total: number }> {
    if (filter.customerId) await this.customerAccess.assert(caller, filter.customerId);
    const scope = await this.customerAccess.scopeOf(caller);
    const { items, total } = await this.#lines.pageLines({ ...filter, scope }, page, pageSize);
    return { items: items.map(budgetView), total };
  }

  /** A customer's budgeted amounts, summed by line key and currency (analytics compares actuals with them). */
  async plannedAmounts(caller: BudgetCaller, customerId: string): Promise<PlannedAmount[]> {
    await this.customerAccess.assert(caller, customerId);
    return readPlannedAmounts(this.#deps.db, customerId);
  }

  async getBudget(caller: BudgetCaller, budgetId: string): Promise<BudgetView> {
    return budgetView(await this.#visibleLine(caller, budgetId));
  }

  /** budgeted − actual − committed − reserved, with the reservations behind each figure. */
  async balance(caller: BudgetCaller, budgetId: string) {
    const line = await this.#visibleLine(caller, budgetId);
    const listed = async (status: "reserved" | "committed" | "actual") =>
      (await this.#reservationRows.ofBudget(budgetId, status, BALANCE_LISTED)).map(reservationView);
    const view = budgetView(line);
    return {
      budget: view,
      currency: line.currency,
      budgeted: view.budgetedAmount,
      actual: view.utilization.actualSpent,
      committed: view.utilization.committed,
      reserved: view.utilization.reserved,
      available: view.utilization.available,
      formula: "available = budgeted − actual − committed − reserved",
      reservations: {
        reserved: await listed("reserved"),
        committed: await listed("committed"),
        actual: await listed("actual"),
      },
      listedPerStatus: BALANCE_LISTED,
    };
  }

  // ---- checks -------------------------------------------------------------------------

  /** The seed's POST /budget/check, with rules, over-budget modes and split-purchase detection. */
  async check(caller: BudgetCaller, request: CheckRequest): Promise<CheckAnswer> {
    const started = performance.now();
    await this.customerAccess.assert(caller, request.customerId);
    const answer = await this.#check(request);
    const outcome =
      answer.budget === null
        ? "no_budget"
        : !answer.available
          ? "refused"
          : answer.canAutoApprove
            ? "auto_approved"
            : "manual";
    this.#deps.metrics.budgetCheckRequests.inc({ outcome });
    this.#deps.metrics.budgetCheckDuration.observe((performance.now() - started) / 1000);
    return answer;
  }

  async #check(request: CheckRequest): Promise<CheckAnswer> {
    const line = await this.#lines.matchLine(
      request.customerId,
      request.department,
      request.subCategory ?? "",
      request.fiscalPeriod,
    );
    const currency = line?.currency ?? request.currency ?? this.#deps.settings.BUDGETS_DEFAULT_CURRENCY;
    const amountMinor = this.#amount(request.amount, request.currency ?? currency);
    if (!line) {
      const what = [request.department, request.subCategory, request.fiscalPeriod].filter(Boolean).join(" / ");
      return {
        available: false,
        budget: null,
        canAutoApprove: false,
        autoApprovalThreshold: null,
        utilizationPercent: null,
        reason: `No budget line for ${what}`,
        currency,
        overBudget: null,
        splitPurchaseSuspected: false,
        warnings: [],
      };
    }
    this.#sameCurrency(line, request.currency);
    const rule = await this.#ruleOf(line);
    const split = request.requester
      ? await this.#splitHistory(line, request.requester, request.supplier ?? null)
      : undefined;
    return checkAnswer(line, decide(line, amountMinor, rule, split), rule.currency);
  }

  // ---- rules --------------------------------------------------------------------------

  async listRules(caller: BudgetCaller, customerId: string): Promise<RuleView[]> {
    await this.customerAccess.assert(caller, customerId);
    return (await this.#rules.rulesOf(customerId)).map(ruleView);
  }

  async createRule(caller: BudgetCaller, customerId: string, input: RuleInput, actor: Actor): Promise<RuleView> {
    await this.customerAccess.assert(caller, customerId);
    const fields = this.#ruleFields(input);
    const clash = (await this.#rules.rulesOf(customerId)).find((r) => sameScope(r, fields));
    if (clash)
      throw new ConflictError("A rule for this department and sub-category exists already", { rule_id: clash.ruleId });
    const rule = await this.#rules.insert(customerId, fields);
    await this.#auditRule(actor, "budget.rule_created", rule.ruleId, customerId);
    return ruleView(rule);
  }

  async updateRule(caller: BudgetCaller, ruleId: string, input: RuleInput, actor: Actor): Promise<RuleView> {
    const rule = await this.#visibleRule(caller, ruleId);
    const fields = this.#ruleFields(input);
    const clash = (await this.#rules.rulesOf(rule.customerId)).find((r) => r.ruleId !== ruleId && sameScope(r, fields));
    if (clash)
      throw new ConflictError("A rule for this department and sub-category exists already", { rule_id: clash.ruleId });
    await this.#rules.update(ruleId, fields);
    await this.#auditRule(actor, "budget.rule_updated", ruleId, rule.customerId);
    return ruleView((await this.#rules.find(ruleId))!);
  }

  async deleteRule(caller: BudgetCaller, ruleId: string, actor: Actor): Promise<void> {
    const rule = await this.#visibleRule(caller, ruleId);
    await this.#rules.remove(ruleId);
    await this.#auditRule(actor, "budget.rule_deleted", ruleId, rule.customerId);
  }

  // ---- reservations -------------------------------------------------------------------

  async reserve(caller: BudgetCaller, request: ReservationRequest, actor: Actor): Promise<ReservationAnswer> {
    await this.customerAccess.assert(caller, request.customerId);
    const line = await this.#lineOf(request.customerId, request.line);
    this.#sameCurrency(line, request.currency);
    const amountMinor = this.#amount(request.amount, line.currency);
    if (amountMinor <= 0n) throw invalid("amount", "must be more than zero");
    const rule = await this.#ruleOf(line);
    // Read before the reservation exists, so it is not counted against itself.
    const split = request.requester
      ? await this.#splitHistory(line, request.requester, request.supplier ?? null)
      : undefined;
    const { reservation, created } = await this.#reservations.reserve(
      {
        line,
        amountMinor,
        idempotencyKey: request.idempotencyKey,
        reference: request.reference,
        requester: request.requester ?? null,
        supplier: request.supplier ?? null,
        createdBy: caller.userId,
        overBudget: rule.overBudget,
      },
      actor,
    );
    if (!created) return { reservation: reservationView(reservation), created, approval: null };
    const a = checkAnswer(line, decide(line, amountMinor, rule, split), rule.currency);
    return {
      reservation: reservationView(reservation),
      created,
      approval: {
        canAutoApprove: a.canAutoApprove,
        reason: a.reason,
        autoApprovalThreshold: a.autoApprovalThreshold,
        splitPurchaseSuspected: a.splitPurchaseSuspected,
        warnings: a.warnings,
      },
    };
  }

  async getReservation(caller: BudgetCaller, reservationId: string): Promise<ReservationView> {
    return reservationView(await this.#visibleReservation(caller, reservationId));
  }

  /** Release (money back), commit (a purchase order) or actual (invoiced). */
  async settle(
    caller: BudgetCaller,
    reservationId: string,
    to: "release" | "commit" | "actual",
    actor: Actor,
  ): Promise<ReservationView> {
    const reservation = await this.#visibleReservation(caller, reservationId);
    return reservationView(await this.#reservations.transition(reservation, to, actor));
  }

  // ---- helpers ------------------------------------------------------------------------

  #amount(text: string, currency: string): bigint {
    if (!isKnownCurrency(currency)) throw invalid("currency", `'${currency}' is not a currency the platform knows`);
    try {
      return parseMoney(text, currency);
    } catch (error) {
      throw invalid("amount", (error as Error).message);
    }
  }

  #sameCurrency(line: BudgetLine, currency: string | undefined): void {
    if (currency !== undefined && currency !== line.currency) {
      throw invalid("currency", `the budget line is in ${line.currency}, not ${currency}`);
    }
  }

  async #lineOf(customerId: string, ref: LineRef): Promise<BudgetLine> {
    if ("budgetId" in ref) {
      const line = await this.#lines.findLine(ref.budgetId);
      if (!line || line.customerId !== customerId) throw new NotFoundError("Budget", ref.budgetId);
      return line;
    }
    const line = await this.#lines.matchLine(customerId, ref.department, ref.subCategory ?? "", ref.fiscalPeriod);
    if (!line) throw new NotFoundError("Budget line");
    return line;
  }

  /** A line the caller may see; another customer's is not found, exactly like a missing one. */
  async #visibleLine(caller: BudgetCaller, budgetId: string): Promise<BudgetLine> {
    const line = await this.#lines.findLine(budgetId);
    if (!line || !inScope(await this.customerAccess.scopeOf(caller), line.customerId)) {
      throw new NotFoundError("Budget", budgetId);
    }
    return line;
  }

  async #visibleReservation(caller: BudgetCaller, reservationId: string): Promise<Reservation> {
    const r = await this.#reservationRows.find(reservationId);
    if (!r || !inScope(await this.customerAccess.scopeOf(caller), r.customerId)) {
      throw new NotFoundError("Reservation", reservationId);
    }
    return r;
  }

  async #visibleRule(caller: BudgetCaller, ruleId: string) {
    const rule = await this.#rules.find(ruleId);
    if (!rule || !inScope(await this.customerAccess.scopeOf(caller), rule.customerId)) {
      throw new NotFoundError("Approval rule", ruleId);
    }
    return rule;
  }

  async #ruleOf(line: BudgetLine): Promise<ApprovalRule> {
    const s = this.#deps.settings;
    const fallback: ApprovalRule = {
      ruleId: null,
      customerId: line.customerId,
      department: null,
      subCategory: null,
      currency: line.currency,
      thresholdMinor: this.#defaultThreshold(line.currency),
      overBudget: s.BUDGETS_OVER_BUDGET,
      warnPercent: s.BUDGETS_WARN_PERCENT,
    };
    return ruleFor(await this.#rules.rulesOf(line.customerId), line, fallback);
  }

  /** The default threshold in the line's currency; one with fewer decimals rounds it down. */
  #defaultThreshold(currency: string): bigint {
    const text = this.#deps.settings.BUDGETS_AUTO_APPROVAL_THRESHOLD;
    try {
      return parseMoney(text, currency);
    } catch {
      return parseMoney(text.split(".")[0]!, currency);
    }
  }

  #splitHistory(line: BudgetLine, requester: string, supplier: string | null): Promise<SplitHistory> {
    const hours = this.#deps.settings.BUDGETS_SPLIT_WINDOW_HOURS;
    const since = new Date(this.#deps.clock.now().getTime() - hours * 3_600_000).toISOString();
    return this.#reservationRows
      .recentOfRequester({
        customerId: line.customerId,
        requester,
        supplier,
        department: line.department,
        currency: line.currency,
        since,
      })
      .then((h) => ({ ...h, windowHours: hours }));
  }

  #ruleFields(input: RuleInput): RuleFields {
    return {
      department: input.department?.trim() || null,
      subCategory: input.subCategory?.trim() || null,
      currency: input.currency,
      thresholdMinor: this.#amount(input.threshold, input.currency),
      overBudget: input.overBudget,
      warnPercent: input.warnPercent,
    };
  }

  #auditRule(actor: Actor, action: string, ruleId: string, customerId: string): Promise<void> {
    return this.#deps.audit.record(actor, {
      action,
      resourceType: "budget_approval_rule",
      resourceId: ruleId,
      details: { customer_id: customerId },
    });
  }
}

function sameScope(rule: ApprovalRule, fields: RuleFields): boolean {
  const eq = (a: string | null, b: string | null) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
  return eq(rule.department, fields.department) && eq(rule.subCategory, fields.subCategory);
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, location: "body", message }], `${field} ${message}`);
}

export function createBudgets(deps: BudgetsModuleDeps): BudgetService {
  return new BudgetService(deps);
}
