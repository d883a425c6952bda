import { z } from "zod";
import { int, timeZone, type SettingsCatalog } from "../../foundation/settings.js";

/** Reports: this slice of the settings catalog (the root composes every slice). */
export const REPORTS_SETTINGS = {
  REPORT_MAX_ATTEMPTS: {
    scope: "platform",
    description: "Attempts at generating one report (retried with exponential backoff) before it ends FAILED.",
    schema: int(1, 20).default(4),
  },
  REPORT_REQUEUE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that re-sends reports left QUEUED without a message and takes over reports stuck PROCESSING.",
    schema: z.string().min(1).default("30 * * * * *"),
  },
  REPORT_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "A report QUEUED or PROCESSING this long without progress is re-sent (or FAILED after REPORT_MAX_ATTEMPTS); longer than the report-requests lock duration.",
    schema: int(30, 86_400).default(600),
  },
  REPORT_TIME_ZONE: {
    scope: "platform",
    description:
      "IANA time zone in which reports show times (generated, requested, as of), with the zone named; UTC by default.",
    schema: timeZone("Europe/Brussels").default("UTC"),
  },
  REPORTS_CONTAINER: {
    scope: "platform",
    description: "Blob container for generated reports.",
    schema: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
      .default("reports"),
  },
} as const satisfies SettingsCatalog;
