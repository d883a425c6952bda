// The budgets system's public face: other systems, the root and functions/ reach it here only.
export { BUDGETS_SETTINGS } from "./budgets-settings.js";
export { BUDGETS_QUEUES } from "./budgets-queues.js";
export { budgetsMigrations } from "./budgets-migrations.js";
export type { BudgetsTables } from "./budgets-tables.js";
export { createBudgetImports } from "./budget-imports-module.js";
export type {
  BudgetImports,
  AnalyzeResult,
  BudgetImportMessage,
  ImportDiff,
  ImportView,
  Caller,
  RowsImportRequest,
} from "./budget-imports.js";
export type { BudgetImportTables } from "./budget-import-tables.js";
export { createBudgetSources } from "./budget-sources-module.js";
export type {
  BudgetSources,
  PollSummary,
  SourceFileView,
  SourceInput,
  SourceSettings,
  SourceView,
} from "./budget-sources.js";
export type { BudgetSourceTables } from "./budget-source-tables.js";
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
export { createBudgetWebhooks } from "./budget-webhooks-module.js";
export type { BudgetWebhooks, DeliveryView, WebhookDeliveryMessage, WebhookView } from "./budget-webhooks.js";
export type { BudgetWebhookTables } from "./budget-webhook-tables.js";
export { BUDGET_WEBHOOK_EVENTS, type BudgetWebhookEvent } from "./budget-webhook-tables.js";
export { PLANNED_AMOUNTS_CAP, type PlannedAmount } from "./budget-planned-amounts-repository.js";
