import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { functions } from "../../../functions/catalog.js";
import { httpFunction, queueFunction, type MessageContext } from "../../../functions/runtime/declarations.js";
import { ANY_ROLE } from "../../../shared/index.js";
import { apiClient, startTestHost, type TestHost, loginAs } from "../../support/test-host.js";
import { eventually } from "../../support/eventually.js";

const flakyQueue = { name: "test-flaky", maxDeliveryCount: 3, lockDurationSeconds: 30 };
/** A lock far shorter than the work: only renewal keeps the message from a second delivery. */
const slowQueue = { name: "test-slow", maxDeliveryCount: 3, lockDurationSeconds: 1 };
const slowDeliveries: number[] = [];
const slowHandler = queueFunction({
  name: "test-slow-worker",
  queue: slowQueue,
  message: z.object({ id: z.string() }).strict(),
  handler: async (_message, ctx: MessageContext) => {
    slowDeliveries.push(ctx.deliveryCount);
    await new Promise((r) => setTimeout(r, 3_500));
  },
});
const deliveries = new Map<string, number[]>();
const correlations = new Map<string, string>();

/** Fails the first `failTimes` deliveries of each message, then succeeds. */
const flakyHandler = queueFunction({
  name: "test-flaky-worker",
  queue: flakyQueue,
  message: z.object({ id: z.string(), failTimes: z.number().int().min(0) }).strict(),
  handler: async (message, ctx: MessageContext) => {
    deliveries.set(message.id, [...(deliveries.get(message.id) ?? []), ctx.deliveryCount]);
    correlations.set(message.id, ctx.correlationId);
    if ((deliveries.get(message.id)?.length ?? 0) <= message.failTimes) {
      throw new Error(`planned failure ${ctx.deliveryCount}${ctx.isLastDelivery ? " (last delivery)" : ""}`);
    }
  },
});

/** An HTTP function that queues work, as the report and backup endpoints will. */
const enqueueHandler = httpFunction({
  name: "test-enqueue",
  route: "v1/test/enqueue",
  method: "POST",
  summary: "test only",
  tags: ["test"],
  access: { roles: ANY_ROLE },
  body: z.object({ id: z.string() }),
  response: z.object({ queued: z.string() }),
  successStatus: 202,
  handler: async ({ body }, ctx) => {
    await ctx.send(flakyQueue, { messageId: body.id, body: { id: body.id, failTimes: 0 } });
    return { data: { queued: body.id } };
  },
});

describe("Service Bus-triggered functions on the local host's durable queue", () => {
  let host: TestHost;
  before(async () => {
    host = await startTestHost(
      {},
      {
        declarations: [...functions, flakyHandler, enqueueHandler, slowHandler],
        extraQueues: [flakyQueue, slowQueue],
        queuePollMs: 20,
        timers: false,
      },
    );
  });
  after(async () => host?.stop());

  it("delivers a message that fails twice three times, then completes it", async () => {
    await host.platform.queue.send(flakyQueue.name, {
      messageId: "m-flaky",
      body: { id: "m-flaky", failTimes: 2 },
      correlationId: "corr-42",
    });
    await eventually("three deliveries", () => (deliveries.get("m-flaky")?.length === 3 ? true : undefined));
    await eventually("the queue to drain", async () =>
      (await host.platform.queue.countActive(flakyQueue.name)) === 0 ? true : undefined,
    );
    assert.deepEqual(deliveries.get("m-flaky"), [1, 2, 3]);
    assert.equal(correlations.get("m-flaky"), "corr-42", "the correlation id travels with the message");
    assert.deepEqual(await host.platform.queue.peekDeadLetters(flakyQueue.name, 10), []);
  });

  it("renews the lock while a handler runs longer than it, as the Functions host does", async () => {
    await host.platform.queue.send(slowQueue.name, { messageId: "m-slow", body: { id: "m-slow" } });
    await eventually("the slow message to complete", async () =>
      slowDeliveries.length > 0 && (await host.platform.queue.countActive(slowQueue.name)) === 0 ? true : undefined,
    );
    assert.deepEqual(slowDeliveries, [1], "delivered once, though the work took over three locks");
    const lost = host.logs.entries().filter((e) => /lock/i.test(String(e.message)) && e.level !== "debug");
    assert.deepEqual(lost, [], "no lock lost or renewal failed");
  });

  it("dead-letters a message past the max delivery count", async () => {
    await host.platform.queue.send(flakyQueue.name, { messageId: "m-poison", body: { id: "m-poison", failTimes: 99 } });
    const dead = await eventually("the dead letter", async () =>
      (await host.platform.queue.peekDeadLetters(flakyQueue.name, 10)).find((m) => m.messageId === "m-poison"),
    );
    assert.deepEqual(deliveries.get("m-poison"), [1, 2, 3]);
    assert.equal(dead.deadLetterReason, "MaxDeliveryCountExceeded");
    assert.equal(dead.deliveryCount, 3);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(deliveries.get("m-poison")?.length, 3, "never delivered again");
  });

  it("dead-letters an invalid message at once, without calling the handler", async () => {
    await host.platform.queue.send(flakyQueue.name, {
      messageId: "m-invalid",
      body: { id: "m-invalid", failTimes: "two", extra: true },
    });
    const dead = await eventually("the dead letter", async () =>
      (await host.platform.queue.peekDeadLetters(flakyQueue.name, 10)).find((m) => m.messageId === "m-invalid"),
    );
    assert.equal(dead.deadLetterReason, "VALIDATION_ERROR");
    assert.match(dead.deadLetterErrorDescription ?? "", /failTimes/);
    assert.equal(dead.deliveryCount, 1);
    assert.equal(deliveries.has("m-invalid"), false);
  });

  it("drops a second message with the same id (de-duplication)", async () => {
    await host.platform.queue.send(flakyQueue.name, { messageId: "m-dup", body: { id: "m-dup", failTimes: 0 } });
    await host.platform.queue.send(flakyQueue.name, { messageId: "m-dup", body: { id: "m-dup", failTimes: 0 } });
    await eventually("one delivery", () => (deliveries.get("m-dup")?.length === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(deliveries.get("m-dup"), [1]);
  });

  it("carries the HTTP request's correlation id into the queued message and its worker", async () => {
    const call = apiClient(host.url);
    const token = await loginAs(call);
    const r = await call("POST", "/api/v1/test/enqueue", {
      token,
      body: { id: "m-http" },
      headers: { "x-correlation-id": "req-77" },
    });
    assert.equal(r.status, 202);
    await eventually("the worker", () => (deliveries.get("m-http") ? true : undefined));
    assert.equal(correlations.get("m-http"), "req-77");
  });
});
