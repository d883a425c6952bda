import type { QueueDefinition } from "../../foundation/queues.js";

/** The esg system's queues (joined into QUEUES by the root). */
export const ESG_QUEUES = {
  esgBatches: { name: "esg-batches", maxDeliveryCount: 5, lockDurationSeconds: 60 },
} as const satisfies Record<string, QueueDefinition>;
