// The billing system's public face: other systems, the root and functions/ reach it here only.
export { createBilling, type Billing } from "./billing-module.js";
export { BILLING_SETTINGS } from "./billing-settings.js";
export { BILLING_QUEUES } from "./billing-queues.js";
export type { BillingTables } from "./billing-tables.js";
export { billingMigrations } from "./billing-migrations.js";
export { BillingRepository, type BillingEntry, type BillingEntryRow } from "./billing-repository.js";
export type { BillingSagaService, BillingEntryInput, ProjectLookup, Saga, StoredResponse } from "./billing-saga.js";
export type {
  BillingReconciliation,
  Inconsistency,
  ReconciliationMode,
  ReconciliationRun,
} from "./billing-reconciliation.js";
