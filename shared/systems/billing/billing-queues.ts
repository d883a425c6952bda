import type { QueueDefinition } from "../../foundation/queues.js";

/** The billing system's queues (joined into QUEUES by the root). */
export const BILLING_QUEUES = {
  reconciliationRequests: { name: "reconciliation-requests", maxDeliveryCount: 3, lockDurationSeconds: 60 },
} as const satisfies Record<string, QueueDefinition>;
