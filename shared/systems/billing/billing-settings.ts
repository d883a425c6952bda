import { z } from "zod";
import { int, type SettingsCatalog } from "../../foundation/settings.js";

/** Billing: the SAGA and the SAP-SQL reconciliation: this slice of the settings catalog (the root composes every slice). */
export const BILLING_SETTINGS = {
  SAGA_RECOVERY_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that finishes or compensates billing sagas left IN_PROGRESS by a crash and retries COMPENSATION_FAILED ones.",
    schema: z.string().min(1).default("0 * * * * *"),
  },
  SAGA_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "How long a saga may stay IN_PROGRESS before the recovery timer takes it over (longer than SAP_RFC_TIMEOUT_MS, so a live request is never raced).",
    schema: int(5, 86_400).default(120),
  },
  BILLING_RECONCILIATION_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the incremental SAP/SQL billing reconciliation (every 15 minutes by default).",
    schema: z.string().min(1).default("0 */15 * * * *"),
  },
  RECONCILIATION_RANGE_SIZE: {
    scope: "platform",
    description:
      "Projects per checksum call in a full reconciliation pass: each RFC call covers one range, so no call runs long in SAP.",
    schema: int(10, 10_000).default(100),
  },
} as const satisfies SettingsCatalog;
