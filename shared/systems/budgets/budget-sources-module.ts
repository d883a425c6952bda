import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { Logger } from "../../foundation/logger.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Alerter } from "../../ports/alerter.js";
import type { OpenBudgetFileSource } from "../../ports/budget-file-source.js";
import type { Clock } from "../../ports/clock.js";
import type { SecretStore } from "../../ports/secret-store.js";
import type { BudgetImports } from "./budget-imports.js";
import type { BudgetSourceTables } from "./budget-source-tables.js";
import { BudgetSources } from "./budget-sources.js";
import type { BUDGETS_SETTINGS } from "./budgets-settings.js";
import type { CustomerAccess } from "./customer-access.js";

export interface BudgetSourcesDeps {
  readonly settings: SettingsOf<typeof BUDGETS_SETTINGS> & { readonly runningInAzure: boolean };
  readonly db: Kysely<BudgetSourceTables>;
  readonly clock: Clock;
  readonly secrets: SecretStore;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly access: CustomerAccess;
  readonly imports: BudgetImports;
  /** The adapters, one per source type (the root builds them). */
  readonly open: OpenBudgetFileSource;
}

/** Budget data sources and their poll, wired from the ports they need. */
export function createBudgetSources({ settings, ...deps }: BudgetSourcesDeps): BudgetSources {
  return new BudgetSources({
    ...deps,
    leaseSeconds: settings.BUDGETS_SOURCE_LEASE_SECONDS,
    maxFileBytes: settings.BUDGETS_MAX_FILE_BYTES,
    // Never in Azure: there every SFTP source pins its host key.
    allowUnpinnedSftp: !settings.runningInAzure && settings.BUDGETS_SFTP_ALLOW_UNPINNED,
  });
}
