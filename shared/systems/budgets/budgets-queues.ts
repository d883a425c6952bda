import type { QueueDefinition } from "../../foundation/queues.js";

/** The budgets system's queues (joined into QUEUES by the root). */
export const BUDGETS_QUEUES = {
  /**
   * One message per webhook delivery attempt (retries are scheduled messages). Deliveries
   * beyond the first cover a crashed worker; the attempt count lives on the delivery row.
   */
  budgetWebhooks: { name: "budget-webhooks", maxDeliveryCount: 5, lockDurationSeconds: 60 },
  // A million-row import takes tens of seconds; the lock outlasts it (Service Bus allows 5 minutes).
  budgetImports: { name: "budget-imports", maxDeliveryCount: 5, lockDurationSeconds: 300 },
} as const satisfies Record<string, QueueDefinition>;
