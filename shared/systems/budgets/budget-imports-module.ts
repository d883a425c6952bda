import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import { DEFAULT_TABULAR_LIMITS } from "../../foundation/tabular/index.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import { BudgetImports, type BudgetImportsOptions } from "./budget-imports.js";
import type { BudgetImportTables } from "./budget-import-tables.js";
import type { BUDGETS_SETTINGS } from "./budgets-settings.js";
import type { BudgetsTables } from "./budgets-tables.js";
import type { CustomerAccess } from "./customer-access.js";

export interface BudgetImportsDeps {
  readonly settings: SettingsOf<typeof BUDGETS_SETTINGS>;
  readonly db: Kysely<BudgetImportTables & BudgetsTables>;
  readonly clock: Clock;
  readonly blobs: BlobStore;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly access: CustomerAccess;
  readonly onFinished?: BudgetImportsOptions["onFinished"];
  readonly jobs: JobProtocol;
}

/** Budget files: analyze, import, diff, commit and history, wired from the ports they need. */
export function createBudgetImports({ settings, ...deps }: BudgetImportsDeps): BudgetImports {
  return new BudgetImports({
    ...deps,
    container: settings.BUDGETS_FILES_CONTAINER,
    limits: {
      ...DEFAULT_TABULAR_LIMITS,
      maxBytes: settings.BUDGETS_MAX_FILE_BYTES,
      maxRows: settings.BUDGETS_MAX_ROWS,
    },
    defaultCurrency: settings.BUDGETS_DEFAULT_CURRENCY,
    queuedMinBytes: settings.BUDGETS_QUEUED_IMPORT_MIN_BYTES,
    inlineMaxRows: settings.BUDGETS_INLINE_MAX_ROWS,
  });
}
