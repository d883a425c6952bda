/** A customer whose budgets the platform keeps; users see only the customers they are bound to. */
export interface CustomersTable {
  customer_id: string;
  name: string;
  created_at: string;
}

/** Which users may see and act for which customers (admins bind them). */
export interface CustomerUsersTable {
  customer_id: string;
  user_id: string;
  created_at: string;
}

/**
 * One budget line (the seed's Budget with its BudgetUtilization on the same row, so a
 * reservation is one conditional UPDATE). Amounts are integer minor units of `currency`.
 */
export interface BudgetsTable {
  budget_id: string;
  customer_id: string;
  department: string;
  /** "" when the line has no sub-category (a unique key needs a value). */
  sub_category: string;
  fiscal_period: string;
  /** "" when the line has no cost center. */
  cost_center: string;
  /** Normalised department|sub_category|fiscal_period|cost_center: one line per key and customer. */
  line_key: string;
  currency: string;
  budgeted_minor: string | number | bigint;
  committed_minor: string | number | bigint;
  reserved_minor: string | number | bigint;
  actual_minor: string | number | bigint;
  /** manual, excel, csv, sftp, blob, ... */
  source: string;
  /** The import that last set budgeted_minor. */
  import_id: string | null;
  created_at: string;
  updated_at: string;
  /** Set when a later import no longer has the line; kept while documents point at it. */
  removed_at: string | null;
}

/** Auto-approval rules per customer, optionally narrowed to a department and sub-category. */
export interface BudgetApprovalRulesTable {
  rule_id: string;
  customer_id: string;
  /** null: every department. */
  department: string | null;
  sub_category: string | null;
  currency: string;
  threshold_minor: string | number | bigint;
  /** What a request over the remaining budget does: stop (refuse), warn (allow, say so), ignore. */
  over_budget: "stop" | "warn" | "ignore";
  /** Utilization (percent) from which answers carry a warning. */
  warn_percent: number;
  created_at: string;
  updated_at: string;
}

/** Money set aside for a purchase request until it is released or becomes committed/actual. */
export interface BudgetReservationsTable {
  reservation_id: string;
  customer_id: string;
  budget_id: string;
  /** The caller's idempotency key: the same key twice is the same reservation. */
  idempotency_key: string;
  amount_minor: string | number | bigint;
  currency: string;
  /** The purchase request's reference. */
  reference: string;
  requester: string | null;
  supplier: string | null;
  status: "reserved" | "released" | "committed" | "actual";
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** The tables this system owns, as Kysely sees them. */
export interface BudgetsTables {
  customers: CustomersTable;
  customer_users: CustomerUsersTable;
  budgets: BudgetsTable;
  budget_approval_rules: BudgetApprovalRulesTable;
  budget_reservations: BudgetReservationsTable;
}
