import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import type { ProjectService } from "../gateway/index.js";
import { BackupService } from "./backup-service.js";
import type { BACKUPS_SETTINGS } from "./backups-settings.js";
import type { BackupsTables } from "./backups-tables.js";

export interface BackupsModuleDeps {
  readonly settings: SettingsOf<typeof BACKUPS_SETTINGS>;
  readonly db: Kysely<BackupsTables>;
  readonly clock: Clock;
  readonly projects: ProjectService;
  readonly blobs: BlobStore;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** Manual and weekly backups of the merged dataset, wired from the ports they need. */
export function createBackups({ settings, ...deps }: BackupsModuleDeps): BackupService {
  return new BackupService({ ...deps, container: settings.BACKUPS_CONTAINER });
}
