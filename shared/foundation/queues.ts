/**
 * Every Service Bus queue the platform uses, with the numbers Service Bus enforces. The
 * same values are set on the real queues in `infra/bicep/` (a test compares them), and
 * the local queue applies them itself.
 */
export interface QueueDefinition {
  readonly name: string;
  /** Deliveries before the message is dead-lettered (Service Bus default is 10). */
  readonly maxDeliveryCount: number;
  /** How long a received message stays locked to its receiver. */
  readonly lockDurationSeconds: number;
}

export const QUEUES = {
  reportRequests: { name: "report-requests", maxDeliveryCount: 5, lockDurationSeconds: 300 },
  backupRequests: { name: "backup-requests", maxDeliveryCount: 5, lockDurationSeconds: 300 },
  taskCompleted: { name: "task-completed", maxDeliveryCount: 10, lockDurationSeconds: 60 },
  esgBatches: { name: "esg-batches", maxDeliveryCount: 5, lockDurationSeconds: 300 },
  reconciliationRequests: { name: "reconciliation-requests", maxDeliveryCount: 3, lockDurationSeconds: 300 },
} as const satisfies Record<string, QueueDefinition>;

export const QUEUE_DEFINITIONS: readonly QueueDefinition[] = Object.values(QUEUES);

/** Service Bus defaults, used for a queue missing from the catalog (tests' own queues). */
export const DEFAULT_QUEUE_DEFINITION: Omit<QueueDefinition, "name"> = { maxDeliveryCount: 10, lockDurationSeconds: 60 };
