/** A message to send. `messageId` de-duplicates: a second send with the same id is dropped. */
/** One message or several, as a list (Array.isArray does not narrow a readonly array). */
export function messageList(messages: OutgoingMessage | readonly OutgoingMessage[]): readonly OutgoingMessage[] {
  return Array.isArray(messages) ? (messages as readonly OutgoingMessage[]) : [messages as OutgoingMessage];
}

export interface OutgoingMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly correlationId?: string;
  readonly subject?: string;
  readonly applicationProperties?: Record<string, string | number | boolean>;
  /** Not delivered before this time. */
  readonly scheduledEnqueueTime?: Date;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly correlationId?: string;
  readonly subject?: string;
  readonly applicationProperties: Record<string, string | number | boolean>;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly enqueuedTimeUtc: Date;
  readonly lockedUntilUtc: Date;
  readonly lockToken: string;
}

export interface DeadLetteredMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly deliveryCount: number;
  readonly deadLetterReason: string;
  readonly deadLetterErrorDescription?: string;
}

/**
 * At-least-once queues with peek-lock, as Service Bus gives them: a received message is
 * invisible until its lock expires or it is settled; `abandon` (or lock expiry) makes it
 * available again; past the queue's max delivery count it is dead-lettered.
 */
export interface MessageQueue {
  send(queue: string, messages: OutgoingMessage | readonly OutgoingMessage[]): Promise<void>;
  receive(queue: string, maxMessages: number): Promise<ReceivedMessage[]>;
  complete(queue: string, message: ReceivedMessage): Promise<void>;
  abandon(queue: string, message: ReceivedMessage): Promise<void>;
  deadLetter(queue: string, message: ReceivedMessage, reason: string, description?: string): Promise<void>;
  /**
   * Extends the message's lock by the queue's lock duration (what the Functions host does
   * while a trigger runs); the new expiry. MessageLockLostError when it expired or was settled.
   */
  renewLock(queue: string, message: ReceivedMessage): Promise<Date>;
  /** Active messages waiting (including scheduled ones). */
  countActive(queue: string): Promise<number>;
  peekDeadLetters(queue: string, max: number): Promise<DeadLetteredMessage[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
