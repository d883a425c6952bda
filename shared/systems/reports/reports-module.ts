import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import type { BillingRepository } from "../billing/index.js";
import type { ProjectService, ResourceService } from "../gateway/index.js";
import { ReportService } from "./report-service.js";
import type { REPORTS_SETTINGS } from "./reports-settings.js";
import type { ReportsTables } from "./reports-tables.js";

export interface ReportsModuleDeps {
  readonly settings: SettingsOf<typeof REPORTS_SETTINGS>;
  readonly db: Kysely<ReportsTables>;
  readonly clock: Clock;
  readonly projects: ProjectService;
  /** People's names beside resource ids (SAP's resources). */
  readonly resources: ResourceService;
  readonly billing: BillingRepository;
  readonly blobs: BlobStore;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** Asynchronous Excel/PDF reports, wired from the ports they need. */
export function createReports({ settings, ...deps }: ReportsModuleDeps): ReportService {
  return new ReportService({
    ...deps,
    container: settings.REPORTS_CONTAINER,
    maxAttempts: settings.REPORT_MAX_ATTEMPTS,
    staleAfterSeconds: settings.REPORT_STALE_AFTER_SECONDS,
    timeZone: settings.REPORT_TIME_ZONE,
  });
}
