import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Alerter } from "../../ports/alerter.js";
import type { Clock } from "../../ports/clock.js";
import type { SecretStore } from "../../ports/secret-store.js";
import type { WebhookSender } from "../../ports/webhook-sender.js";
import type { BudgetImportTables } from "./budget-import-tables.js";
import { BudgetImportAlerts } from "./budget-import-alerts.js";
import { BudgetWebhookRepository } from "./budget-webhook-repository.js";
import type { BudgetWebhookTables } from "./budget-webhook-tables.js";
import { BudgetWebhooks } from "./budget-webhooks.js";
import type { BUDGETS_SETTINGS } from "./budgets-settings.js";
import type { CustomerAccess } from "./customer-access.js";

export interface BudgetWebhooksDeps {
  readonly settings: SettingsOf<typeof BUDGETS_SETTINGS>;
  readonly db: Kysely<BudgetWebhookTables & BudgetImportTables>;
  readonly clock: Clock;
  readonly secrets: SecretStore;
  readonly sender: WebhookSender;
  readonly jobs: JobProtocol;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly access: CustomerAccess;
}

/** Webhooks of budget import outcomes and the import failure-rate alert, wired from the ports they need. */
export function createBudgetWebhooks({ settings, db, alerts, ...deps }: BudgetWebhooksDeps): BudgetWebhooks {
  const rows = new BudgetWebhookRepository(db);
  return new BudgetWebhooks({
    ...deps,
    rows,
    alerts: new BudgetImportAlerts({
      rows,
      alerts,
      clock: deps.clock,
      logger: deps.logger,
      failurePercent: settings.BUDGETS_IMPORT_ALERT_FAILURE_PERCENT,
      windowMinutes: settings.BUDGETS_IMPORT_ALERT_WINDOW_MINUTES,
      minImports: settings.BUDGETS_IMPORT_ALERT_MIN_IMPORTS,
      quietMinutes: settings.BUDGETS_IMPORT_ALERT_QUIET_MINUTES,
    }),
    allowHttp: settings.BUDGETS_WEBHOOK_ALLOW_HTTP,
    maxAttempts: settings.BUDGETS_WEBHOOK_MAX_ATTEMPTS,
    retryBaseSeconds: settings.BUDGETS_WEBHOOK_RETRY_BASE_SECONDS,
    timeoutSeconds: settings.BUDGETS_WEBHOOK_TIMEOUT_SECONDS,
  });
}
