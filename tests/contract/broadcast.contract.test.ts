import assert from "node:assert/strict";
import { openOrSkip } from "../support/contract.js";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { InProcessBroadcast } from "../../shared/adapters/embedded/memory-broadcast.js";
import { RedisBroadcast } from "../../shared/adapters/redis/redis-broadcast.js";
import { connectRedis } from "../../shared/adapters/redis/redis-cache.js";
import type { Broadcast, BroadcastListener } from "../../shared/ports/broadcast.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";
import { eventually } from "../support/eventually.js";

/** What a listener saw. */
function recorder(): BroadcastListener & { messages: string[]; resets: number } {
  const seen = { messages: [] as string[], resets: 0 };
  return Object.assign(seen, {
    message: (text: string) => void seen.messages.push(text),
    reset: () => void seen.resets++,
  });
}

/** Two instances: what one publishes, every subscriber of the topic on the other receives. */
function contract(
  name: string,
  open: () => Promise<[Broadcast, Broadcast] | { skip: string }>,
  close: () => Promise<void>,
) {
  describe(`Broadcast contract: ${name}`, () => {
    const subject = openOrSkip(name, open, async ([one, two]) => {
      await one.close();
      await two.close();
      await close();
    });

    it("delivers a message to every subscriber of its topic, on every instance, and to no other topic", async (t) => {
      if (subject.skipped(t)) return;
      const [one, two] = subject.get();
      const onOne = recorder();
      const onTwo = recorder();
      const otherTopic = recorder();
      const subscription = await two.subscribe("account-changed", onTwo);
      await one.subscribe("account-changed", onOne);
      await two.subscribe("something-else", otherTopic);
      assert.equal(subscription.live, true);
      await one.publish("account-changed", "user-1");
      await two.publish("account-changed", "user-2");
      await eventually(
        "both instances received both messages",
        () => onTwo.messages.length === 2 && onOne.messages.length === 2,
        { timeoutMs: 5000, intervalMs: 10 },
      );
      assert.deepEqual(onTwo.messages, ["user-1", "user-2"]);
      assert.deepEqual(otherTopic.messages, []);
    });

    it("has handed the message to every subscriber when publish resolves: one loop turn later it is received", async (t) => {
      if (subject.skipped(t)) return;
      const [one, two] = subject.get();
      const onTwo = recorder();
      await two.subscribe("handed-over", onTwo);
      // What an account change relies on: the other instance's next request, one turn of its
      // event loop after the change returned, already sees the message. Repeated, since
      // without the guarantee it is lost only when the publisher's reply overtakes it.
      for (let i = 0; i < 200; i++) {
        await one.publish("handed-over", `m-${i}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        assert.equal(onTwo.messages.at(-1), `m-${i}`, `message ${i} received one turn after publish resolved`);
      }
    });
  });
}

contract(
  "in-process",
  async () => {
    const shared = new InProcessBroadcast();
    return [shared, shared];
  },
  async () => {},
);

let server: RedisServer | undefined;
let clients: Redis[] = [];
const redisContract = async (
  heartbeat: "interval" | "on-demand" = "interval",
): Promise<[RedisBroadcast, RedisBroadcast] | { skip: string }> => {
  const started = await startRedis();
  if ("skip" in started) return started;
  server = started;
  clients = [
    await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 }),
    await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 }),
  ];
  return [
    new RedisBroadcast(clients[0]!, undefined, { heartbeat }),
    new RedisBroadcast(clients[1]!, undefined, { heartbeat }),
  ];
};
const closeRedis = async () => {
  clients.forEach((c) => c.disconnect());
  clients = [];
  await server?.stop();
};
contract("Redis (real redis-server)", () => redisContract(), closeRedis);
// As in Azure: no interval; the subscriber is pinged when its liveness is asked.
contract("Redis, heartbeat on demand", () => redisContract("on-demand"), closeRedis);

describe("Redis broadcast when the subscriber's connection is lost", () => {
  let pair: [RedisBroadcast, RedisBroadcast] | undefined;
  let skip: string | undefined;
  before(async () => {
    const opened = await redisContract();
    if ("skip" in opened) skip = opened.skip;
    else pair = opened;
  });
  after(async () => {
    await pair?.[0].close();
    await pair?.[1].close();
    await closeRedis();
  });

  it("resets the listeners, is not live until subscribed again, then receives again", async (t) => {
    if (skip) return t.skip(skip);
    const [one, two] = pair!;
    const listener = recorder();
    const subscription = await two.subscribe("account-changed", listener);
    // Redis drops every pub/sub connection, as a failover or a network cut does.
    await clients[0]!.client("KILL", "TYPE", "pubsub");
    await eventually("the listener was reset", () => listener.resets >= 1, { timeoutMs: 5000, intervalMs: 10 });
    await eventually(
      "subscribed again, and reset again for what was sent meanwhile",
      () => subscription.live && listener.resets >= 2,
      { timeoutMs: 5000, intervalMs: 10 },
    );
    await one.publish("account-changed", "after-reconnect");
    await eventually("a message after the reconnect arrived", () => listener.messages.includes("after-reconnect"), {
      timeoutMs: 5000,
      intervalMs: 10,
    });
  });

  it("is not live while Redis does not answer, though the connection looks open", async (t) => {
    if (skip) return t.skip(skip);
    const [, two] = pair!;
    const subscription = await two.subscribe("heartbeat-topic", recorder());
    assert.equal(subscription.live, true);
    // Redis stops answering every client for 4.5 s without closing a connection.
    await clients[0]!.client("PAUSE", 4500, "ALL");
    await eventually("the silence was noticed", () => !subscription.live, { timeoutMs: 4500, intervalMs: 10 });
    await eventually("live again once Redis answers", () => subscription.live, { timeoutMs: 5000, intervalMs: 10 });
  });
});

describe("Redis broadcast with the heartbeat on demand (Azure: no interval)", () => {
  let pair: [RedisBroadcast, RedisBroadcast] | undefined;
  let skip: string | undefined;
  before(async () => {
    const opened = await redisContract("on-demand");
    if ("skip" in opened) skip = opened.skip;
    else pair = opened;
  });
  after(async () => {
    await pair?.[0].close();
    await pair?.[1].close();
    await closeRedis();
  });

  it("is not live while Redis does not answer the pings its readers send, then live again", async (t) => {
    if (skip) return t.skip(skip);
    const [, two] = pair!;
    const subscription = await two.subscribe("heartbeat-topic", recorder());
    assert.equal(subscription.live, true);
    await clients[0]!.client("PAUSE", 4500, "ALL");
    // Each read of `live` is what a request does; it sends the ping that goes unanswered.
    await eventually("the silence was noticed", () => !subscription.live, { timeoutMs: 4500, intervalMs: 10 });
    await eventually("live again once Redis answers", () => subscription.live, { timeoutMs: 8000, intervalMs: 10 });
  });
});
