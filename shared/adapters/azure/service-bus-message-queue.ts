import type {
  ServiceBusAdministrationClient,
  ServiceBusClient,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
} from "@azure/service-bus";
import {
  messageList,
  type DeadLetteredMessage,
  type MessageQueue,
  type OutgoingMessage,
  type ReceivedMessage,
} from "../../ports/message-queue.js";

/**
 * Where the namespace is. `probeQueue`: the readiness ping peeks it, which needs only the
 * Data Receiver role the app has per queue in Azure (the namespace properties need Manage).
 */
export type ServiceBusTarget = ({ connectionString: string } | { fullyQualifiedNamespace: string }) & {
  readonly probeQueue?: string;
};

/**
 * Azure Service Bus. Sending is what the platform does in Azure (the Functions host
 * receives for triggers); receive and settle exist for the contract tests and tools.
 * Queues need duplicate detection enabled (set in infra/bicep) for `messageId` de-dup.
 */
export class ServiceBusMessageQueue implements MessageQueue {
  readonly #client: ServiceBusClient;
  readonly #admin: ServiceBusAdministrationClient;
  readonly #senders = new Map<string, ServiceBusSender>();
  readonly #receivers = new Map<string, ServiceBusReceiver>();
  /** Received messages by lock token, needed to settle them with the SDK. */
  readonly #inFlight = new Map<string, ServiceBusReceivedMessage>();

  readonly #probeQueue: string | undefined;

  private constructor(client: ServiceBusClient, admin: ServiceBusAdministrationClient, probeQueue?: string) {
    this.#client = client;
    this.#admin = admin;
    this.#probeQueue = probeQueue;
  }

  static async connect(target: ServiceBusTarget): Promise<ServiceBusMessageQueue> {
    const sb = await import("@azure/service-bus");
    if ("connectionString" in target) {
      return new ServiceBusMessageQueue(
        new sb.ServiceBusClient(target.connectionString),
        new sb.ServiceBusAdministrationClient(target.connectionString),
        target.probeQueue,
      );
    }
    const { DefaultAzureCredential } = await import("@azure/identity");
    const credential = new DefaultAzureCredential();
    return new ServiceBusMessageQueue(
      new sb.ServiceBusClient(target.fullyQualifiedNamespace, credential),
      new sb.ServiceBusAdministrationClient(target.fullyQualifiedNamespace, credential),
      target.probeQueue,
    );
  }

  #sender(queue: string) {
    let s = this.#senders.get(queue);
    if (!s) this.#senders.set(queue, (s = this.#client.createSender(queue)));
    return s;
  }

  #receiver(queue: string) {
    let r = this.#receivers.get(queue);
    if (!r) this.#receivers.set(queue, (r = this.#client.createReceiver(queue, { receiveMode: "peekLock" })));
    return r;
  }

  async send(queue: string, messages: OutgoingMessage | readonly OutgoingMessage[]): Promise<void> {
    const list = messageList(messages);
    await this.#sender(queue).sendMessages(
      list.map((m) => ({
        messageId: m.messageId,
        body: m.body,
        contentType: "application/json",
        ...(m.correlationId ? { correlationId: m.correlationId } : {}),
        ...(m.subject ? { subject: m.subject } : {}),
        ...(m.applicationProperties ? { applicationProperties: m.applicationProperties } : {}),
        ...(m.scheduledEnqueueTime ? { scheduledEnqueueTimeUtc: m.scheduledEnqueueTime } : {}),
      })),
    );
  }

  async receive(queue: string, maxMessages: number): Promise<ReceivedMessage[]> {
    const received = await this.#receiver(queue).receiveMessages(maxMessages, { maxWaitTimeInMs: 2000 });
    return received.map((m) => {
      const lockToken = m.lockToken ?? "";
      this.#inFlight.set(lockToken, m);
      return {
        messageId: String(m.messageId),
        body: m.body as unknown,
        ...(m.correlationId ? { correlationId: String(m.correlationId) } : {}),
        ...(m.subject ? { subject: m.subject } : {}),
        applicationProperties: (m.applicationProperties ?? {}) as Record<string, string | number | boolean>,
        deliveryCount: m.deliveryCount ?? 1,
        enqueuedTimeUtc: m.enqueuedTimeUtc ?? new Date(),
        lockedUntilUtc: m.lockedUntilUtc ?? new Date(),
        lockToken,
      };
    });
  }

  #take(message: ReceivedMessage): ServiceBusReceivedMessage {
    const m = this.#inFlight.get(message.lockToken);
    if (!m) throw new Error(`Message '${message.messageId}' was not received by this client`);
    this.#inFlight.delete(message.lockToken);
    return m;
  }

  async complete(queue: string, message: ReceivedMessage) {
    await this.#receiver(queue).completeMessage(this.#take(message));
  }

  async abandon(queue: string, message: ReceivedMessage) {
    await this.#receiver(queue).abandonMessage(this.#take(message));
  }

  async deadLetter(queue: string, message: ReceivedMessage, reason: string, description?: string) {
    await this.#receiver(queue).deadLetterMessage(this.#take(message), {
      deadLetterReason: reason,
      deadLetterErrorDescription: description ?? "",
    });
  }

  async renewLock(queue: string, message: ReceivedMessage): Promise<Date> {
    const m = this.#inFlight.get(message.lockToken);
    if (!m) throw new Error(`Message '${message.messageId}' was not received by this client`);
    return this.#receiver(queue).renewMessageLock(m);
  }

  async countActive(queue: string): Promise<number> {
    const p = await this.#admin.getQueueRuntimeProperties(queue);
    return p.activeMessageCount + p.scheduledMessageCount;
  }

  async peekDeadLetters(queue: string, max: number): Promise<DeadLetteredMessage[]> {
    const dlq = this.#client.createReceiver(queue, { subQueueType: "deadLetter" });
    try {
      const messages = await dlq.peekMessages(max);
      return messages.map((m) => ({
        messageId: String(m.messageId),
        body: m.body as unknown,
        deliveryCount: m.deliveryCount ?? 0,
        deadLetterReason: m.deadLetterReason ?? "",
        ...(m.deadLetterErrorDescription ? { deadLetterErrorDescription: m.deadLetterErrorDescription } : {}),
      }));
    } finally {
      await dlq.close();
    }
  }

  async ping(): Promise<void> {
    if (this.#probeQueue) await this.#receiver(this.#probeQueue).peekMessages(1);
    else await this.#admin.getNamespaceProperties();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#senders.values(), ...this.#receivers.values()].map((c) => c.close()));
    await this.#client.close();
  }
}
