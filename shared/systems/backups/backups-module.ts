import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import type { BillingRepository } from "../billing/index.js";
import type { ProjectRepository, ProjectService } from "../gateway/index.js";
import { BackupService } from "./backup-service.js";
import type { BACKUPS_SETTINGS } from "./backups-settings.js";
import type { BackupsTables } from "./backups-tables.js";

export interface BackupsModuleDeps {
  readonly settings: SettingsOf<typeof BACKUPS_SETTINGS>;
  readonly db: Kysely<BackupsTables>;
  readonly clock: Clock;
  readonly projects: ProjectService;
  /** Gateway's project records and billing's ledger: the owners of two SQL sections. */
  readonly projectRecords: ProjectRepository;
  readonly billing: BillingRepository;
  readonly blobs: BlobStore;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** Manual and weekly backups (projects, WBS elements, billing entries, audit log), wired from the ports they need. */
export function createBackups({ settings, projectRecords, billing, ...deps }: BackupsModuleDeps): BackupService {
  return new BackupService({
    ...deps,
    owners: { projects: projectRecords, billing, audit: deps.audit },
    container: settings.BACKUPS_CONTAINER,
  });
}
