// The root registries: every system's slice of settings, queues, tables and migrations,
// joined here. A new system adds one line to each (see docs/architecture.md).
import { PLATFORM_QUEUES, type QueueDefinition } from "./foundation/queues.js";
import {
  FOUNDATION_SETTINGS,
  joinSlices,
  loadSettingsFrom,
  secretsOf,
  type SettingsOf,
} from "./foundation/settings.js";
import { DEPLOYMENT_SETTINGS, type SystemName } from "./foundation/deployment-settings.js";
import { foundationMigrations } from "./foundation/sql/foundation-migrations.js";
import type { MigrationSet } from "./foundation/sql/migrations.js";
import type { FoundationTables } from "./foundation/sql/schema.js";
import { SAP_SETTINGS, sapSettingsProblems } from "./sap/sap-settings.js";
import {
  ANALYTICS_QUEUES,
  ANALYTICS_SETTINGS,
  analyticsMigrations,
  type AnalyticsTables,
  type ExpenseImportTables,
} from "./systems/analytics/index.js";
import { BACKUPS_QUEUES, BACKUPS_SETTINGS, backupsMigrations, type BackupsTables } from "./systems/backups/index.js";
import {
  BUDGETS_QUEUES,
  BUDGETS_SETTINGS,
  budgetsMigrations,
  type BudgetImportTables,
  type BudgetSourceTables,
  type BudgetsTables,
  type BudgetWebhookTables,
} from "./systems/budgets/index.js";
import { BILLING_QUEUES, BILLING_SETTINGS, billingMigrations, type BillingTables } from "./systems/billing/index.js";
import { ESG_QUEUES, ESG_SETTINGS, esgMigrations, type EsgTables } from "./systems/esg/index.js";
import { GATEWAY_SETTINGS, gatewayMigrations, type GatewayTables } from "./systems/gateway/index.js";
import { IDENTITY_SETTINGS, identityMigrations, type IdentityTables } from "./systems/identity/index.js";
import {
  INVOICES_QUEUES,
  INVOICES_SETTINGS,
  invoicesMigrations,
  type InvoicesTables,
} from "./systems/invoices/index.js";
import { REPORTS_QUEUES, REPORTS_SETTINGS, reportsMigrations, type ReportsTables } from "./systems/reports/index.js";

/** Each owner's slice of the settings, in the order the configuration docs list them. */
export const SETTING_SLICES = {
  foundation: FOUNDATION_SETTINGS,
  deployment: DEPLOYMENT_SETTINGS,
  sap: SAP_SETTINGS,
  identity: IDENTITY_SETTINGS,
  gateway: GATEWAY_SETTINGS,
  billing: BILLING_SETTINGS,
  reports: REPORTS_SETTINGS,
  backups: BACKUPS_SETTINGS,
  esg: ESG_SETTINGS,
  invoices: INVOICES_SETTINGS,
  budgets: BUDGETS_SETTINGS,
  analytics: ANALYTICS_SETTINGS,
} as const;

/**
 * Every setting the code reads, with its default. docs/configuration.md,
 * `local.settings.sample.json` and `infra/bicep/` are checked against it by a test.
 */
export const SETTINGS = joinSlices(SETTING_SLICES);

/**
 * Every Key Vault secret the code reads (by name, through the SecretStore), declared on its
 * local fallback setting. docs/infrastructure.md and the postprovision hook use this list;
 * a test checks that the code reads exactly these names.
 */
export const SECRETS = secretsOf(SETTING_SLICES);

export type SettingName = keyof typeof SETTINGS;
export type Settings = SettingsOf<typeof SETTINGS> & {
  /** True when running in Azure (the Functions host sets WEBSITE_INSTANCE_ID there). */
  readonly runningInAzure: boolean;
};

/** Parses the environment once against every slice; one error names every problem. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return loadSettingsFrom(SETTINGS, [sapSettingsProblems, enabledSystemsProblems], env);
}

/**
 * The systems each system calls at run time (not tables it only reads): every one signs
 * its callers in through identity, billing, reports and backups read projects through
 * gateway's service (SAP merged with SQL), and analytics reads planned amounts through
 * budgets' service (actual vs budget). ENABLED_SYSTEMS must hold what its systems need.
 */
export const SYSTEM_NEEDS: Readonly<Record<SystemName, readonly SystemName[]>> = {
  identity: [],
  gateway: ["identity"],
  billing: ["identity", "gateway"],
  reports: ["identity", "gateway"],
  backups: ["identity", "gateway"],
  esg: ["identity"],
  invoices: ["identity"],
  budgets: ["identity"],
  analytics: ["identity", "budgets"],
};

/** Systems that call SAP (through gateway's projects or their own RFCs); without them SAP is not used. */
export const SAP_SYSTEMS: readonly SystemName[] = ["gateway", "billing"];

function enabledSystemsProblems(settings: Pick<Settings, "ENABLED_SYSTEMS">): string[] {
  const enabled = settings.ENABLED_SYSTEMS;
  return enabled.flatMap((system) => {
    const missing = SYSTEM_NEEDS[system].filter((needed) => !enabled.includes(needed));
    return missing.length > 0
      ? [`ENABLED_SYSTEMS: ${system} needs ${missing.join(" and ")}; add ${missing.join(", ")} or leave ${system} out`]
      : [];
  });
}

/** Every Service Bus queue the platform uses. */
export const QUEUES = {
  ...PLATFORM_QUEUES,
  ...BILLING_QUEUES,
  ...REPORTS_QUEUES,
  ...BACKUPS_QUEUES,
  ...ESG_QUEUES,
  ...INVOICES_QUEUES,
  ...BUDGETS_QUEUES,
  ...ANALYTICS_QUEUES,
} as const satisfies Record<string, QueueDefinition>;

export const QUEUE_DEFINITIONS: readonly QueueDefinition[] = Object.values(QUEUES);

/** Every table, as the root (and tests) see the shared connection. */
export type PlatformTables = FoundationTables &
  IdentityTables &
  GatewayTables &
  BillingTables &
  ReportsTables &
  BackupsTables &
  EsgTables &
  InvoicesTables &
  BudgetsTables &
  BudgetImportTables &
  BudgetWebhookTables &
  BudgetSourceTables &
  AnalyticsTables &
  ExpenseImportTables;

/** Every owner's migrations (names are global; the migrator runs them in name order). */
export const MIGRATIONS: readonly MigrationSet[] = [
  foundationMigrations,
  identityMigrations,
  gatewayMigrations,
  billingMigrations,
  reportsMigrations,
  backupsMigrations,
  esgMigrations,
  invoicesMigrations,
  budgetsMigrations,
  analyticsMigrations,
];
