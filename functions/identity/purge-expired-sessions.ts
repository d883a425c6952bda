import { timerFunction } from "../runtime/declarations.js";

export const purgeExpiredSessions = timerFunction({
  name: "purge-expired-sessions",
  schedule: "SESSION_PURGE_SCHEDULE",
  reason:
    "Nightly at 03:30 UTC, outside business hours, so the refresh_tokens table only holds live sessions plus a day of history for reuse forensics",
  handler: async ({ platform, logger }) => {
    const deleted = await platform.identity.purgeExpiredSessions();
    logger.info("Expired refresh tokens purged", { deleted });
  },
});
