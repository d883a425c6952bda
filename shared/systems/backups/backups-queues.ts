import type { QueueDefinition } from "../../foundation/queues.js";

/** The backups system's queues (joined into QUEUES by the root). */
export const BACKUPS_QUEUES = {
  backupRequests: { name: "backup-requests", maxDeliveryCount: 5, lockDurationSeconds: 60 },
} as const satisfies Record<string, QueueDefinition>;
