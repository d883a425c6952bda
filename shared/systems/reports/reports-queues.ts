import type { QueueDefinition } from "../../foundation/queues.js";

/** The reports system's queues (joined into QUEUES by the root). */
export const REPORTS_QUEUES = {
  reportRequests: { name: "report-requests", maxDeliveryCount: 5, lockDurationSeconds: 60 },
} as const satisfies Record<string, QueueDefinition>;
