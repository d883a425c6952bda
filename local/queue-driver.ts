import { randomUUID } from "node:crypto";
import { InvocationContext } from "../functions/azure-functions.js";
import {
  MessageLockLostError,
  NonRetriableError,
  type Logger,
  type MessageQueue,
  type ReceivedMessage,
} from "../shared/index.js";
import type { Registration } from "../functions/runtime/register.js";

type QueueRegistration = Extract<Registration, { kind: "serviceBusQueue" }>;

/**
 * Drives Service Bus-triggered functions from the platform's queue, the way the Functions
 * host does: peek-lock, up to `maxConcurrentCalls` at once (host.json), the lock renewed
 * while the handler runs (up to `maxAutoLockRenewalDuration`), complete on return, abandon
 * on throw (dead-letter past the max delivery count), with the same `triggerMetadata`. A
 * NonRetriableError is dead-lettered at once with its reason. So locks can be short: a
 * message whose worker died comes back when its lock runs out, not after a long one.
 */
export class QueueDriver {
  readonly #queue: MessageQueue;
  readonly #registration: QueueRegistration;
  readonly #maxConcurrentCalls: number;
  readonly #maxAutoLockRenewalMs: number;
  readonly #logger: Logger;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    queue: MessageQueue,
    registration: QueueRegistration,
    options: { maxConcurrentCalls: number; maxAutoLockRenewalMs: number },
    logger: Logger,
  ) {
    this.#queue = queue;
    this.#registration = registration;
    this.#maxConcurrentCalls = options.maxConcurrentCalls;
    this.#maxAutoLockRenewalMs = options.maxAutoLockRenewalMs;
    this.#logger = logger.child({ function: registration.name, queue: registration.options.queueName });
  }

  start(pollMs = 200): void {
    this.#running = true;
    this.#loop = this.#run(pollMs);
  }

  async #run(pollMs: number): Promise<void> {
    const queueName = this.#registration.options.queueName;
    while (this.#running) {
      const free = this.#maxConcurrentCalls - this.#inFlight.size;
      let received: ReceivedMessage[] = [];
      if (free > 0) {
        try {
          received = await this.#queue.receive(queueName, free);
        } catch (error) {
          this.#logger.error("Receiving from the queue failed", { error });
        }
      }
      for (const message of received) {
        const task = this.#invoke(message).finally(() => {
          this.#inFlight.delete(task);
          this.#wake?.();
        });
        this.#inFlight.add(task);
      }
      if (received.length === 0 || free <= received.length) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = undefined;
      }
    }
  }

  async #invoke(message: ReceivedMessage): Promise<void> {
    const queueName = this.#registration.options.queueName;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: this.#registration.name,
      triggerMetadata: {
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        enqueuedTimeUtc: message.enqueuedTimeUtc.toISOString(),
        lockedUntilUtc: message.lockedUntilUtc.toISOString(),
        lockToken: message.lockToken,
        correlationId: message.correlationId,
        subject: message.subject,
        applicationProperties: message.applicationProperties,
      },
      logHandler: (level, ...args) =>
        this.#logger[level === "error" || level === "critical" ? "error" : level === "warning" ? "warn" : "debug"](
          args.map(String).join(" "),
        ),
    });
    const stopRenewing = this.#keepLocked(message);
    try {
      await this.#registration.options.handler(message.body, context);
      await stopRenewing();
      await this.#queue.complete(queueName, message);
    } catch (error) {
      await stopRenewing();
      try {
        if (error instanceof NonRetriableError) {
          await this.#queue.deadLetter(queueName, message, error.code, error.message.slice(0, 1000));
        } else {
          await this.#queue.abandon(queueName, message);
        }
      } catch (settleError) {
        if (!(settleError instanceof MessageLockLostError)) throw settleError;
        this.#logger.warn("Lock lost before settling; the message will be delivered again", {
          message_id: message.messageId,
        });
      }
    }
  }

  /**
   * Renews the lock every third of its duration while the handler runs, until
   * maxAutoLockRenewalDuration; returns the stop. A failed renewal is logged: the message
   * then comes back when the lock runs out, as it would in Azure.
   */
  #keepLocked(message: ReceivedMessage): () => Promise<void> {
    const queueName = this.#registration.options.queueName;
    const everyMs = Math.max(100, (message.lockedUntilUtc.getTime() - Date.now()) / 3);
    const renewUntil = Date.now() + this.#maxAutoLockRenewalMs;
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      if (Date.now() >= renewUntil) return clearInterval(timer);
      renewing = renewing.then(async () => {
        try {
          await this.#queue.renewLock(queueName, message);
        } catch (error) {
          clearInterval(timer);
          this.#logger.warn("Could not renew the message lock", { message_id: message.messageId, error });
        }
      });
    }, everyMs);
    return async () => {
      clearInterval(timer);
      await renewing; // a renewal in flight finishes before the message is settled
    };
  }

  /** Stops receiving and waits for the messages in hand. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
  }
}
