// The job protocol every queued job starts through (reports, backups, reconciliation runs,
// ESG runs): row first, message second, a sweeper for lost sends, last-delivery failure.
// Runs on the embedded adapters (SQLite, the durable local queue); a send outage is a
// wrapper around the real local queue that refuses sends while told to.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql, type Kysely } from "kysely";
import { MIGRATIONS, type PlatformTables } from "../../shared/catalog.js";
import { LocalMessageQueue } from "../../shared/adapters/embedded/local-message-queue.js";
import { createLogger } from "../../shared/foundation/logger.js";
import { JobProtocol } from "../../shared/foundation/job-protocol.js";
import { openSqliteDatabase, tablesOf, type Database } from "../../shared/foundation/sql/database.js";
import type { MessageQueue, OutgoingMessage } from "../../shared/ports/message-queue.js";
import { ManualClock } from "../support/manual-clock.js";
import { tempDir } from "../support/test-host.js";

interface TestJobs {
  test_jobs: { job_id: string; status: string };
}

const QUEUE = { name: "job-protocol-tests", maxDeliveryCount: 3, lockDurationSeconds: 60 };

/** The real local queue, refusing sends while `down` (a Service Bus outage). */
function withOutage(queue: MessageQueue): MessageQueue & { down: boolean } {
  const outage = Object.create(queue) as MessageQueue & { down: boolean };
  outage.down = false;
  outage.send = async (name: string, messages: OutgoingMessage | readonly OutgoingMessage[]) => {
    if (outage.down) throw new Error("ServiceUnavailable: the namespace is unreachable");
    return queue.send(name, messages);
  };
  return outage;
}

describe("the job protocol", () => {
  const dir = tempDir();
  const clock = new ManualClock("2026-06-01T08:00:00Z");
  let database: Database<PlatformTables>;
  let db: Kysely<TestJobs>;
  let local: LocalMessageQueue;
  let queue: MessageQueue & { down: boolean };
  let jobs: JobProtocol;
  let n = 0;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    database = await openSqliteDatabase<PlatformTables>(join(dir.path, "jobs.sqlite"), MIGRATIONS);
    db = tablesOf<TestJobs, PlatformTables>(database.db);
    await sql`create table test_jobs (job_id varchar(36) primary key, status varchar(20) not null)`.execute(db);
    local = await LocalMessageQueue.open(database.db, [QUEUE]);
    queue = withOutage(local);
    jobs = new JobProtocol({
      db: tablesOf(database.db),
      queue,
      clock,
      logger: createLogger("info", {}, (line) => void lines.push(JSON.parse(line) as Record<string, unknown>)),
    });
  });
  after(async () => {
    await database.close();
    dir.remove();
  });

  const submit = (options: { failRow?: boolean } = {}) => {
    const jobId = `job-${++n}`;
    return jobs.submit(async (trx) => {
      await tablesOf<TestJobs, unknown>(trx)
        .insertInto("test_jobs")
        .values({ job_id: jobId, status: "QUEUED" })
        .execute();
      if (options.failRow) throw new Error("the row's constraint failed");
      return {
        kind: "test",
        jobId,
        queue: QUEUE,
        message: { messageId: jobId, body: { jobId }, correlationId: `corr-${jobId}` },
      };
    });
  };
  const received = async () =>
    (await local.receive(QUEUE.name, 50)).map((m) => ({
      id: m.messageId,
      body: m.body,
      correlationId: m.correlationId,
    }));
  const outbox = async () =>
    (await database.db.selectFrom("job_messages").select("message_id").execute()).map((r) => r.message_id);
  const row = async (jobId: string) =>
    db.selectFrom("test_jobs").selectAll().where("job_id", "=", jobId).executeTakeFirst();

  it("writes the job's row, then sends its message once and clears the outbox", async () => {
    const jobId = await submit();
    assert.equal((await row(jobId))?.status, "QUEUED");
    assert.deepEqual(await received(), [{ id: jobId, body: { jobId }, correlationId: `corr-${jobId}` }]);
    assert.deepEqual(await outbox(), []);
  });

  it("writes neither row nor message when the row cannot be written", async () => {
    await assert.rejects(submit({ failRow: true }), /constraint failed/);
    assert.equal(await row(`job-${n}`), undefined);
    assert.deepEqual(await outbox(), []);
    assert.deepEqual(await received(), []);
  });

  it("keeps a job whose send failed, and the sweeper sends it after the grace, once", async () => {
    queue.down = true;
    const jobId = await submit();
    queue.down = false;
    assert.equal((await row(jobId))?.status, "QUEUED", "the request succeeded: the job is durable");
    assert.deepEqual(await received(), [], "nothing reached the queue");
    assert.deepEqual(await outbox(), [jobId]);

    assert.equal(await jobs.sweep(), 0, "within the grace its request may still be sending it");
    clock.advance(6_000);
    assert.equal(await jobs.sweep(), 1);
    assert.deepEqual(
      await received(),
      [{ id: jobId, body: { jobId }, correlationId: `corr-${jobId}` }],
      "same id, body and correlation",
    );
    assert.equal(await jobs.sweep(), 0, "sent once");
    assert.deepEqual(await outbox(), []);
  });

  it("keeps the message while the queue stays down, and sends it when it is back", async () => {
    queue.down = true;
    const jobId = await submit();
    clock.advance(6_000);
    await assert.rejects(jobs.sweep(), /ServiceUnavailable/);
    assert.deepEqual(await outbox(), [jobId], "still recorded");
    queue.down = false;
    assert.equal(await jobs.sweep(), 1);
    assert.deepEqual(
      (await received()).map((m) => m.id),
      [jobId],
    );
  });

  it("does not double a message whose send went out before the process died", async () => {
    const jobId = await submit();
    // The process died after the send and before clearing the outbox: the row is back.
    await database.db
      .insertInto("job_messages")
      .values({
        message_id: jobId,
        queue: QUEUE.name,
        job_kind: "test",
        job_id: jobId,
        body: JSON.stringify({ jobId }),
        correlation_id: null,
        created_at: clock.now().toISOString(),
      })
      .execute();
    clock.advance(6_000);
    assert.equal(await jobs.sweep(), 1);
    assert.deepEqual(
      (await received()).map((m) => m.id),
      [jobId],
      "the queue's duplicate detection keeps one",
    );
  });

  it("records a failure only when the last delivery fails, and passes the error on", async () => {
    const failures: string[] = [];
    const work = async () => {
      throw new Error("SAP timed out");
    };
    const delivery = (isLastDelivery: boolean, step?: string) => ({
      kind: "test",
      jobId: "job-x",
      isLastDelivery,
      ...(step ? { step } : {}),
    });
    await assert.rejects(
      jobs.deliver(delivery(false), work, async (reason) => void failures.push(reason)),
      /SAP timed out/,
    );
    assert.equal(failures.length, 0, "a delivery that is not the last is retried, not failed");
    await assert.rejects(
      jobs.deliver(delivery(true, "batch step"), work, async (reason) => void failures.push(reason)),
      /SAP timed out/,
    );
    assert.deepEqual(failures, ["batch step failed on its last delivery: SAP timed out"]);
    await jobs.deliver(
      delivery(true),
      async () => undefined,
      async (reason) => void failures.push(reason),
    );
    assert.equal(failures.length, 1, "a delivery that succeeds records nothing");
  });

  it("records a message inside the caller's own transaction: rolled back with it, or swept when never dispatched", async () => {
    const start = (jobId: string) => ({
      kind: "test",
      jobId,
      queue: QUEUE,
      message: { messageId: jobId, body: { jobId } },
    });
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("test_jobs").values({ job_id: "job-caused-1", status: "DONE" }).execute();
        await jobs.record<TestJobs>(trx, start("job-caused-1"));
        throw new Error("the change that causes it failed");
      }),
    );
    assert.deepEqual(await outbox(), [], "no message without the change");
    // Committed, then the process died before dispatch: the sweeper sends it.
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("test_jobs").values({ job_id: "job-caused-2", status: "DONE" }).execute();
      await jobs.record<TestJobs>(trx, start("job-caused-2"));
    });
    assert.deepEqual(await outbox(), ["job-caused-2"]);
    clock.advance(6_000);
    assert.equal(await jobs.sweep(), 1);
    assert.deepEqual(
      (await received()).map((m) => m.id),
      ["job-caused-2"],
    );
    // Dispatched at once: sent, outbox cleared.
    await db.transaction().execute((trx) => jobs.record<TestJobs>(trx, start("job-caused-3")));
    await jobs.dispatch(start("job-caused-3"));
    assert.deepEqual(await outbox(), []);
    assert.deepEqual(
      (await received()).map((m) => m.id),
      ["job-caused-3"],
    );
  });

  it("logs each delivery's start and finish at info: kind, id, outcome and duration", async () => {
    lines.length = 0;
    const delivery = { kind: "test", jobId: "job-logged", isLastDelivery: false };
    await jobs.deliver(
      delivery,
      async () => undefined,
      async () => undefined,
    );
    await assert.rejects(
      jobs.deliver(
        delivery,
        async () => {
          throw new Error("SAP timed out");
        },
        async () => undefined,
      ),
    );
    await assert.rejects(
      jobs.deliver(
        { ...delivery, isLastDelivery: true },
        async () => {
          throw new Error("SAP timed out");
        },
        async () => undefined,
      ),
    );
    const jobLines = lines.filter((l) => l.job_id === "job-logged");
    assert.deepEqual(
      jobLines.map((l) => [l.level, l.message, l.job_kind, l.outcome]),
      [
        ["info", "Job started", "test", undefined],
        ["info", "Job finished", "test", "succeeded"],
        ["info", "Job started", "test", undefined],
        ["info", "Job finished", "test", "retrying"],
        ["info", "Job started", "test", undefined],
        ["info", "Job finished", "test", "failed"],
      ],
    );
    for (const finished of jobLines.filter((l) => l.message === "Job finished"))
      assert.equal(typeof finished.duration_ms, "number");
  });

  it("logs a job's message once it is queued", async () => {
    lines.length = 0;
    const jobId = await submit();
    assert.deepEqual(
      lines.filter((l) => l.message === "Job queued").map((l) => [l.level, l.job_kind, l.job_id, l.queue]),
      [["info", "test", jobId, QUEUE.name]],
    );
  });
});
