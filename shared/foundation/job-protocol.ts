import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../ports/clock.js";
import type { MessageQueue, OutgoingMessage } from "../ports/message-queue.js";
import type { Logger } from "./logger.js";
import type { QueueDefinition } from "./queues.js";
import { tablesOf } from "./sql/database.js";
import type { FoundationTables } from "./sql/schema.js";

/** What a job's creator returns: the job, and the one message that sets it going. */
export interface JobStart {
  readonly kind: string;
  readonly jobId: string;
  readonly queue: QueueDefinition;
  readonly message: OutgoingMessage;
}

/**
 * A job's first message: its id is the job's (the queue's duplicate detection keys on it)
 * and it carries the request's correlation id.
 */
export function jobMessage(jobId: string, body: unknown, actor: { readonly correlationId?: string }): OutgoingMessage {
  return { messageId: jobId, body, ...(actor.correlationId ? { correlationId: actor.correlationId } : {}) };
}

/** One delivery of a job's message, as `deliver` runs and logs it. */
export interface JobDelivery {
  /** The job's kind and id, as its creator returned them (`JobStart`). */
  readonly kind: string;
  readonly jobId: string;
  readonly isLastDelivery: boolean;
  /** What this message does for the job when it is one of several (an ESG run's "batch step"). */
  readonly step?: string;
}

/** Sends a job's message; the platform queue unless the caller routes its own sends (ESG's steps). */
export type JobSend = (queue: QueueDefinition, message: OutgoingMessage) => Promise<void>;

export interface JobProtocolOptions {
  readonly db: Kysely<FoundationTables>;
  readonly queue: MessageQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A recorded message younger than this is still being sent by its request; the sweeper leaves it. */
  readonly sendGraceSeconds?: number;
}

/**
 * The one way every queued job starts and is kept from being lost (reports, backups,
 * reconciliation runs, ESG runs):
 *
 *   1. row first   the job's row and its message are written in one transaction
 *                  (job_messages is an outbox), so neither exists without the other;
 *   2. message     then the message is sent and its outbox row deleted;
 *   3. sweeper     a message whose send failed or whose process died is sent by `sweep`
 *                  (a timer) under the same message id, so the queue's duplicate
 *                  detection drops it if the first send did go out;
 *   4. last try    when a job's message fails on its last delivery, `deliver` records the
 *                  failure through the job's own path before the message is dead-lettered,
 *                  so no job is left QUEUED or PROCESSING forever.
 *
 * The request succeeds once step 1 committed: the job is durable, and a lost send is
 * repaired within one sweep.
 */
export class JobProtocol {
  readonly #o: JobProtocolOptions;
  readonly #graceMs: number;

  constructor(options: JobProtocolOptions) {
    this.#o = options;
    this.#graceMs = (options.sendGraceSeconds ?? 5) * 1000;
  }

  /** Steps 1 and 2: `create` writes the job's row in the transaction it is given. */
  async submit(create: (trx: Transaction<unknown>) => Promise<JobStart>, send?: JobSend): Promise<string> {
    const start = await this.#o.db.transaction().execute(async (trx) => {
      const started = await create(trx as unknown as Transaction<unknown>);
      await this.record<FoundationTables>(trx, started);
      return started;
    });
    await this.dispatch(start, send);
    return start.jobId;
  }

  /**
   * Step 1 inside a transaction the caller already holds, for work that an earlier change
   * causes (a finished import's webhooks): the message is recorded with that change.
   * Call `dispatch` once the transaction committed; if that never happens, the sweeper sends it.
   */
  async record<DB>(trx: Kysely<DB>, start: JobStart): Promise<void> {
    const m = start.message;
    await tablesOf<FoundationTables, DB>(trx)
      .insertInto("job_messages")
      .values({
        message_id: m.messageId,
        queue: start.queue.name,
        job_kind: start.kind,
        job_id: start.jobId,
        body: JSON.stringify(m.body ?? null),
        correlation_id: m.correlationId ?? null,
        created_at: this.#o.clock.now().toISOString(),
      })
      .execute();
  }

  /** Step 2 for a recorded message: sent, then its outbox row deleted; a failure is left to the sweeper. */
  async dispatch(start: JobStart, send?: JobSend): Promise<void> {
    try {
      if (send) await send(start.queue, start.message);
      else await this.#o.queue.send(start.queue.name, start.message);
      await this.#sent(start.message.messageId);
      this.#o.logger.info("Job queued", { job_kind: start.kind, job_id: start.jobId, queue: start.queue.name });
    } catch (error) {
      // The job is durable and its message recorded: the sweeper sends it.
      this.#o.logger.warn("Job message not sent; the sweeper will send it", {
        job_kind: start.kind,
        job_id: start.jobId,
        error,
      });
    }
  }

  /** Whether any recorded message is still unsent (one row read at most): the sweeper keeps watching while one is. */
  async hasUnsent(): Promise<boolean> {
    const row = await this.#o.db.selectFrom("job_messages").select("message_id").limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Step 3: sends recorded messages whose send was lost. Returns how many it sent. */
  async sweep(limit = 100): Promise<number> {
    const before = new Date(this.#o.clock.now().getTime() - this.#graceMs).toISOString();
    const lost = await this.#o.db
      .selectFrom("job_messages")
      .selectAll()
      .where("created_at", "<", before)
      .orderBy("created_at")
      .limit(limit)
      .execute();
    for (const row of lost) {
      const message: OutgoingMessage = {
        messageId: row.message_id,
        body: JSON.parse(row.body) as unknown,
        ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
      };
      await this.#o.queue.send(row.queue, message);
      await this.#sent(row.message_id);
      this.#o.logger.info("Lost job message sent by the sweeper", {
        job_kind: row.job_kind,
        job_id: row.job_id,
        message_id: row.message_id,
      });
    }
    return lost.length;
  }

  /**
   * Step 4: runs one delivery of a job's message, between "Job started" and "Job finished"
   * info lines (kind, id, outcome, duration). When it fails on the last delivery, `fail`
   * records that (with the reason) before the error returns the message to the queue to
   * be dead-lettered.
   */
  async deliver(
    delivery: JobDelivery,
    work: () => Promise<void>,
    fail: (reason: string) => Promise<void>,
  ): Promise<void> {
    const job = {
      job_kind: delivery.kind,
      job_id: delivery.jobId,
      ...(delivery.step ? { job_step: delivery.step } : {}),
    };
    const started = performance.now();
    let outcome = "succeeded";
    this.#o.logger.info("Job started", job);
    try {
      await work();
    } catch (error) {
      outcome = delivery.isLastDelivery ? "failed" : "retrying";
      if (delivery.isLastDelivery)
        await fail(
          `${delivery.step ?? "worker"} failed on its last delivery: ${error instanceof Error ? error.message : String(error)}`,
        );
      throw error;
    } finally {
      this.#o.logger.info("Job finished", { ...job, outcome, duration_ms: Math.round(performance.now() - started) });
    }
  }

  async #sent(messageId: string): Promise<void> {
    await this.#o.db.deleteFrom("job_messages").where("message_id", "=", messageId).execute();
  }
}
