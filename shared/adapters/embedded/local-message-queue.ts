import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { tablesOf } from "../../foundation/sql/database.js";
import {
  messageList,
  type DeadLetteredMessage,
  type MessageQueue,
  type OutgoingMessage,
  type ReceivedMessage,
} from "../../ports/message-queue.js";
import { DEFAULT_QUEUE_DEFINITION, type QueueDefinition } from "../../foundation/queues.js";

/** Service Bus's error when settling with a lock that expired or was taken over. */
export class MessageLockLostError extends Error {
  constructor(queue: string, messageId: string) {
    super(`The lock on message '${messageId}' in queue '${queue}' was lost (expired or already settled)`);
    this.name = "MessageLockLostError";
  }
}

interface Row {
  seq: number;
  message_id: string;
  body: string;
  correlation_id: string | null;
  subject: string | null;
  properties: string;
  enqueued_at: number;
  delivery_count: number;
  lock_token: string | null;
  locked_until: number | null;
  dead_letter_reason: string | null;
  dead_letter_description: string | null;
}

/**
 * The embedded queue: a table in the platform's SQLite file, with Service Bus semantics
 * (peek-lock, lock expiry, delivery count, dead-letter past the max delivery count,
 * de-duplication by message id within a window, scheduled enqueue). It survives process
 * restarts and is shared by every process using the file, so a killed worker's message
 * comes back when its lock expires.
 */
export class LocalMessageQueue implements MessageQueue {
  // Raw SQL on its own tables: the connection is shared, its table types do not matter here.
  readonly #db: Kysely<unknown>;
  readonly #definitions: Map<string, QueueDefinition>;
  readonly #duplicateWindowMs: number;
  readonly #now: () => number;

  private constructor(
    db: Kysely<unknown>,
    definitions: readonly QueueDefinition[],
    duplicateWindowMs: number,
    now: () => number,
  ) {
    this.#db = db;
    this.#definitions = new Map(definitions.map((d) => [d.name, d]));
    this.#duplicateWindowMs = duplicateWindowMs;
    this.#now = now;
  }

  static async open<T>(
    db: Kysely<T>,
    definitions: readonly QueueDefinition[],
    options: { duplicateWindowMs?: number; now?: () => number } = {},
  ): Promise<LocalMessageQueue> {
    await sql`CREATE TABLE IF NOT EXISTS local_queue_messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      queue TEXT NOT NULL,
      message_id TEXT NOT NULL,
      body TEXT NOT NULL,
      correlation_id TEXT,
      subject TEXT,
      properties TEXT NOT NULL,
      enqueued_at INTEGER NOT NULL,
      visible_at INTEGER NOT NULL,
      delivery_count INTEGER NOT NULL DEFAULT 0,
      lock_token TEXT,
      locked_until INTEGER,
      state TEXT NOT NULL,
      dead_letter_reason TEXT,
      dead_letter_description TEXT,
      settled_at INTEGER,
      UNIQUE (queue, message_id)
    )`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS ix_local_queue_ready ON local_queue_messages (queue, state, visible_at)`.execute(
      db,
    );
    return new LocalMessageQueue(
      tablesOf<unknown, T>(db),
      definitions,
      options.duplicateWindowMs ?? 10 * 60_000,
      options.now ?? Date.now,
    );
  }

  definitionOf(queue: string): QueueDefinition {
    return this.#definitions.get(queue) ?? { name: queue, ...DEFAULT_QUEUE_DEFINITION };
  }

  async send(queue: string, messages: OutgoingMessage | readonly OutgoingMessage[]): Promise<void> {
    const now = this.#now();
    const list = messageList(messages);
    for (const m of list) {
      const visibleAt = m.scheduledEnqueueTime ? Math.max(now, m.scheduledEnqueueTime.getTime()) : now;
      // Same id within the duplicate window: dropped, as Service Bus does. After the
      // window, a settled row is reused for the new message.
      await sql`INSERT INTO local_queue_messages
          (queue, message_id, body, correlation_id, subject, properties, enqueued_at, visible_at, state)
        VALUES (${queue}, ${m.messageId}, ${JSON.stringify(m.body ?? null)}, ${m.correlationId ?? null}, ${m.subject ?? null},
          ${JSON.stringify(m.applicationProperties ?? {})}, ${now}, ${visibleAt}, 'active')
        ON CONFLICT (queue, message_id) DO UPDATE SET
          body = excluded.body, correlation_id = excluded.correlation_id, subject = excluded.subject,
          properties = excluded.properties, enqueued_at = excluded.enqueued_at, visible_at = excluded.visible_at,
          state = 'active', delivery_count = 0, lock_token = NULL, locked_until = NULL,
          dead_letter_reason = NULL, dead_letter_description = NULL, settled_at = NULL
        WHERE local_queue_messages.state <> 'active' AND local_queue_messages.enqueued_at < ${now - this.#duplicateWindowMs}`.execute(
        this.#db,
      );
    }
  }

  async receive(queue: string, maxMessages: number): Promise<ReceivedMessage[]> {
    const now = this.#now();
    const { maxDeliveryCount, lockDurationSeconds } = this.definitionOf(queue);
    // A lock that expired on the last allowed delivery counts as a failed delivery.
    await sql`UPDATE local_queue_messages
      SET state = 'dead', dead_letter_reason = 'MaxDeliveryCountExceeded',
          dead_letter_description = 'Lock expired on the last allowed delivery', lock_token = NULL, settled_at = ${now}
      WHERE queue = ${queue} AND state = 'active' AND locked_until IS NOT NULL AND locked_until <= ${now}
        AND delivery_count >= ${maxDeliveryCount}`.execute(this.#db);
    const lockedUntil = now + lockDurationSeconds * 1000;
    const result = await sql<Row>`UPDATE local_queue_messages
      SET lock_token = lower(hex(randomblob(16))), locked_until = ${lockedUntil}, delivery_count = delivery_count + 1
      WHERE seq IN (
        SELECT seq FROM local_queue_messages
        WHERE queue = ${queue} AND state = 'active' AND visible_at <= ${now}
          AND (locked_until IS NULL OR locked_until <= ${now})
        ORDER BY visible_at, seq LIMIT ${maxMessages})
      RETURNING *`.execute(this.#db);
    return result.rows.sort((a, b) => a.seq - b.seq).map((r) => toReceived(r));
  }

  async complete(queue: string, message: ReceivedMessage): Promise<void> {
    await this.#settle(queue, message, sql`state = 'completed', lock_token = NULL, settled_at = ${this.#now()}`);
  }

  async abandon(queue: string, message: ReceivedMessage): Promise<void> {
    if (message.deliveryCount >= this.definitionOf(queue).maxDeliveryCount) {
      await this.deadLetter(
        queue,
        message,
        "MaxDeliveryCountExceeded",
        `Delivered ${message.deliveryCount} times without success`,
      );
      return;
    }
    await this.#settle(queue, message, sql`lock_token = NULL, locked_until = NULL`);
  }

  async deadLetter(queue: string, message: ReceivedMessage, reason: string, description?: string): Promise<void> {
    await this.#settle(
      queue,
      message,
      sql`state = 'dead', dead_letter_reason = ${reason}, dead_letter_description = ${description ?? null}, lock_token = NULL, settled_at = ${this.#now()}`,
    );
  }

  async renewLock(queue: string, message: ReceivedMessage): Promise<Date> {
    const lockedUntil = this.#now() + this.definitionOf(queue).lockDurationSeconds * 1000;
    await this.#settle(queue, message, sql`locked_until = ${lockedUntil}`);
    return new Date(lockedUntil);
  }

  async #settle(queue: string, message: ReceivedMessage, assignments: ReturnType<typeof sql>): Promise<void> {
    const result = await sql`UPDATE local_queue_messages SET ${assignments}
      WHERE queue = ${queue} AND message_id = ${message.messageId} AND lock_token = ${message.lockToken}
        AND state = 'active' AND locked_until > ${this.#now()}`.execute(this.#db);
    if (Number(result.numAffectedRows ?? 0n) === 0) throw new MessageLockLostError(queue, message.messageId);
  }

  async countActive(queue: string): Promise<number> {
    const r = await sql<{
      n: number;
    }>`SELECT count(*) AS n FROM local_queue_messages WHERE queue = ${queue} AND state = 'active'`.execute(this.#db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async peekDeadLetters(queue: string, max: number): Promise<DeadLetteredMessage[]> {
    const r =
      await sql<Row>`SELECT * FROM local_queue_messages WHERE queue = ${queue} AND state = 'dead' ORDER BY settled_at, seq LIMIT ${max}`.execute(
        this.#db,
      );
    return r.rows.map((row) => ({
      messageId: row.message_id,
      body: JSON.parse(row.body) as unknown,
      deliveryCount: row.delivery_count,
      deadLetterReason: row.dead_letter_reason ?? "",
      ...(row.dead_letter_description ? { deadLetterErrorDescription: row.dead_letter_description } : {}),
    }));
  }

  /** Removes settled rows past the duplicate window so the table stays small. */
  async purgeSettled(): Promise<number> {
    const r =
      await sql`DELETE FROM local_queue_messages WHERE state = 'completed' AND settled_at < ${this.#now() - this.#duplicateWindowMs}`.execute(
        this.#db,
      );
    return Number(r.numAffectedRows ?? 0n);
  }

  async ping(): Promise<void> {
    await sql`SELECT 1 FROM local_queue_messages LIMIT 1`.execute(this.#db);
  }

  async close(): Promise<void> {}
}

function toReceived(r: Row): ReceivedMessage {
  return {
    messageId: r.message_id,
    body: JSON.parse(r.body) as unknown,
    ...(r.correlation_id ? { correlationId: r.correlation_id } : {}),
    ...(r.subject ? { subject: r.subject } : {}),
    applicationProperties: JSON.parse(r.properties) as Record<string, string | number | boolean>,
    deliveryCount: r.delivery_count,
    enqueuedTimeUtc: new Date(r.enqueued_at),
    lockedUntilUtc: new Date(r.locked_until ?? 0),
    lockToken: r.lock_token ?? randomUUID(),
  };
}
