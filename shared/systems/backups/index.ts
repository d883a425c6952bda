// The backups system's public face: other systems, the root and functions/ reach it here only.
export { createBackups } from "./backups-module.js";
export { BACKUPS_SETTINGS } from "./backups-settings.js";
export { BACKUPS_QUEUES } from "./backups-queues.js";
export type { BackupsTables } from "./backups-tables.js";
export { backupsMigrations } from "./backups-migrations.js";
export type { BackupService, Backup, BackupSection } from "./backup-service.js";
export { parseTarHeader, type TarEntry } from "./backup-archive.js";
