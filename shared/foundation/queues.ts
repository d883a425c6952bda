/**
 * A Service Bus queue with the numbers Service Bus enforces. Each system declares its own
 * (`<name>-queues.ts`); the root joins them into QUEUES. The same values are set on the
 * real queues in `infra/bicep/` (a test compares them), and the local queue applies them.
 */
export interface QueueDefinition {
  readonly name: string;
  /** Deliveries before the message is dead-lettered (Service Bus default is 10). */
  readonly maxDeliveryCount: number;
  /** How long a received message stays locked to its receiver. */
  readonly lockDurationSeconds: number;
}

/** Queues of the platform itself: other systems listen on task-completed for finished work. */
export const PLATFORM_QUEUES = {
  taskCompleted: { name: "task-completed", maxDeliveryCount: 10, lockDurationSeconds: 60 },
} as const satisfies Record<string, QueueDefinition>;

/** Service Bus defaults, used for a queue missing from the catalog (tests' own queues). */
export const DEFAULT_QUEUE_DEFINITION: Omit<QueueDefinition, "name"> = {
  maxDeliveryCount: 10,
  lockDurationSeconds: 60,
};
