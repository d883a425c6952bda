import { z } from "zod";
import { int, type SettingsCatalog } from "../../foundation/settings.js";

/** Backups: this slice of the settings catalog (the root composes every slice). */
export const BACKUPS_SETTINGS = {
  BACKUP_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the weekly full backup (Sunday 02:00 by default).",
    schema: z.string().min(1).default("0 0 2 * * 0"),
  },
  BACKUP_VERIFY_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the monthly verification of recent backups (1st of the month, 04:00).",
    schema: z.string().min(1).default("0 0 4 1 * *"),
  },
  BACKUP_VERIFY_LOOKBACK_DAYS: {
    scope: "platform",
    description: "How far back the monthly verification re-reads completed backups.",
    schema: int(1, 3650).default(35),
  },
  BACKUPS_CONTAINER: {
    scope: "platform",
    description:
      "Blob container for backups; in Azure it has versioning and a 2,555-day (7-year) time-based immutability policy, and the code never deletes or overwrites a backup.",
    schema: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
      .default("backups"),
  },
} as const satisfies SettingsCatalog;
