import assert from "node:assert/strict";
import { openOrSkip } from "../support/contract.js";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LocalMessageQueue } from "../../shared/adapters/embedded/local-message-queue.js";
import { ServiceBusMessageQueue } from "../../shared/adapters/azure/service-bus-message-queue.js";
import type { MessageQueue } from "../../shared/ports/message-queue.js";
import { openSqliteDatabase, type Database } from "../../shared/foundation/sql/database.js";
import { MIGRATIONS } from "../../shared/catalog.js";
import { tempDir } from "../support/test-host.js";

/**
 * The MessageQueue behaviour every adapter must have. The Service Bus half needs a
 * namespace with a queue `contract-tests` (maxDeliveryCount 3, lock 5 s, duplicate
 * detection on); it runs when SERVICEBUS_TEST_CONNECTION_STRING is set.
 */
function contract(
  name: string,
  open: () => Promise<{ queue: MessageQueue; name: string; lockSeconds: number } | { skip: string }>,
) {
  describe(`MessageQueue contract: ${name}`, () => {
    const subject = openOrSkip(name, open, ({ queue }) => queue.close());

    const fresh = () => subject.get().name;

    it("delivers once per lock, counts deliveries, and completes", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), {
        messageId: id,
        body: { n: 1 },
        correlationId: "c-1",
        applicationProperties: { kind: "test" },
      });
      const [m] = await q.receive(fresh(), 10);
      assert.ok(m);
      assert.equal(m.messageId, id);
      assert.deepEqual(m.body, { n: 1 });
      assert.equal(m.correlationId, "c-1");
      assert.equal(m.applicationProperties.kind, "test");
      assert.equal(m.deliveryCount, 1);
      assert.deepEqual(await q.receive(fresh(), 10), [], "locked messages are invisible");
      await q.complete(fresh(), m);
      assert.equal(await q.countActive(fresh()), 0);
    });

    it("redelivers after abandon and dead-letters past the max delivery count (3)", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), { messageId: id, body: "x" });
      for (let delivery = 1; delivery <= 3; delivery++) {
        const [m] = await q.receive(fresh(), 1);
        assert.equal(m?.deliveryCount, delivery);
        await q.abandon(fresh(), m);
      }
      assert.deepEqual(await q.receive(fresh(), 1), []);
      const dead = (await q.peekDeadLetters(fresh(), 50)).find((d) => d.messageId === id);
      assert.equal(dead?.deadLetterReason, "MaxDeliveryCountExceeded");
    });

    it("redelivers when the lock expires (a crashed worker loses nothing)", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q, lockSeconds } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), { messageId: id, body: 1 });
      const [first] = await q.receive(fresh(), 1);
      assert.equal(first?.messageId, id);
      await new Promise((r) => setTimeout(r, lockSeconds * 1000 + 300));
      const [second] = await q.receive(fresh(), 1);
      assert.equal(second?.messageId, id);
      assert.equal(second?.deliveryCount, 2);
      await assert.rejects(q.complete(fresh(), first), "the stale lock cannot settle");
      await q.complete(fresh(), second);
    });

    it("keeps a renewed lock past its first expiry, and refuses to renew a lost one", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q, lockSeconds } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), { messageId: id, body: 1 });
      const [held] = await q.receive(fresh(), 1);
      assert.equal(held?.messageId, id);
      // Renew at about half the lock, twice: the message stays held well past one lock.
      for (let i = 0; i < 2; i++) {
        await new Promise((r) => setTimeout(r, lockSeconds * 500));
        const until = await q.renewLock(fresh(), held);
        assert.ok(until.getTime() > held.lockedUntilUtc.getTime(), "the lock moves forward");
      }
      assert.deepEqual(await q.receive(fresh(), 1), [], "nobody else got it");
      await q.complete(fresh(), held);
      await assert.rejects(q.renewLock(fresh(), held), "a settled message has no lock to renew");
    });

    it("de-duplicates by message id", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), { messageId: id, body: 1 });
      await q.send(fresh(), { messageId: id, body: 2 });
      const got = await q.receive(fresh(), 10);
      assert.equal(got.length, 1);
      assert.deepEqual(got[0]!.body, 1);
      await q.complete(fresh(), got[0]!);
    });

    it("holds a scheduled message until its time", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), { messageId: id, body: 1, scheduledEnqueueTime: new Date(Date.now() + 1500) });
      assert.deepEqual(await q.receive(fresh(), 1), []);
      await new Promise((r) => setTimeout(r, 1700));
      const [m] = await q.receive(fresh(), 1);
      assert.equal(m?.messageId, id);
      await q.complete(fresh(), m);
    });

    it("dead-letters explicitly with a reason", async (t) => {
      if (subject.skipped(t)) return;
      const { queue: q } = subject.get();
      const id = randomUUID();
      await q.send(fresh(), { messageId: id, body: { bad: true } });
      const [m] = await q.receive(fresh(), 1);
      await q.deadLetter(fresh(), m!, "VALIDATION_ERROR", "field x is missing");
      const dead = (await q.peekDeadLetters(fresh(), 50)).find((d) => d.messageId === id);
      assert.equal(dead?.deadLetterReason, "VALIDATION_ERROR");
      assert.equal(dead?.deadLetterErrorDescription, "field x is missing");
    });
  });
}

const dir = tempDir();
let db: Database | undefined;
contract("local (SQLite file)", async () => {
  db = await openSqliteDatabase(join(dir.path, "queue.sqlite"), MIGRATIONS);
  const queue = await LocalMessageQueue.open(db.db, [
    { name: "contract-tests", maxDeliveryCount: 3, lockDurationSeconds: 1 },
  ]);
  return { queue, name: "contract-tests", lockSeconds: 1 };
});
after(async () => {
  await db?.close();
  dir.remove();
});

contract("Azure Service Bus", async () => {
  const connectionString = process.env.SERVICEBUS_TEST_CONNECTION_STRING;
  if (!connectionString)
    return { skip: "SERVICEBUS_TEST_CONNECTION_STRING is not set; the Service Bus half is SKIPPED" };
  return { queue: await ServiceBusMessageQueue.connect({ connectionString }), name: "contract-tests", lockSeconds: 5 };
});
