// The backups system's public face: other systems, the root and functions/ reach it here only.
export { createBackups } from "./backups-module.js";
export { BACKUPS_SETTINGS } from "./backups-settings.js";
export { BACKUPS_QUEUES } from "./backups-queues.js";
export type { BackupsTables } from "./backups-tables.js";
export { backupsMigrations } from "./backups-migrations.js";
export type { BackupService, Backup, BackupSection } from "./backup-service.js";
export {
  restoreBackup,
  verifyArchive,
  type BackupArchive,
  type RestoreReport,
  type RestoredSection,
} from "./backup-restore.js";
export { parseTarHeader, type TarEntry } from "./backup-archive.js";
export type { BackupManifest, ManifestPart } from "./backup-parts.js";
export { BACKUP_FORMAT, SECTIONS, type SectionSpec, type SectionColumn } from "./backup-sections.js";
