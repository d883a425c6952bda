// The budgets system's public face: other systems, the root and functions/ reach it here only.
export { BUDGETS_SETTINGS } from "./budgets-settings.js";
export { budgetsMigrations } from "./budgets-migrations.js";
export type { BudgetsTables } from "./budgets-tables.js";
export { createBudgetImports } from "./budget-imports-module.js";
export type { BudgetImports, AnalyzeResult, ImportDiff, ImportView, Caller } from "./budget-imports.js";
export type { BudgetImportTables } from "./budget-import-tables.js";
export {
  createBudgets,
  type BudgetService,
  type CheckRequest,
  type LineRef,
  type ReservationAnswer,
  type ReservationRequest,
  type RuleInput,
} from "./budgets-module.js";
export { CustomerAccess, inScope, type BudgetCaller, type CustomerScope } from "./customer-access.js";
export type { NewBudgetLine } from "./budget-repository.js";
export type { BudgetView, CheckAnswer, CustomerView, ReservationView, RuleView } from "./budget-check-views.js";
export { PLANNED_AMOUNTS_CAP, type PlannedAmount } from "./budget-planned-amounts.js";
