import type { QueueDefinition } from "../../foundation/queues.js";

/** The analytics system's queues (joined into QUEUES by the root). */
export const ANALYTICS_QUEUES = {
  // A million-row expense file takes about a minute; the lock outlasts it (Service Bus allows 5 minutes).
  expenseImports: { name: "expense-imports", maxDeliveryCount: 5, lockDurationSeconds: 300 },
} as const satisfies Record<string, QueueDefinition>;
