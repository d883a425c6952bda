import assert from "node:assert/strict";
import { openOrSkip } from "../support/contract.js";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { InProcessCache, InProcessRateLimiter } from "../../shared/adapters/embedded/memory-cache.js";
import { RedisCache, RedisRateLimiter, connectRedis } from "../../shared/adapters/redis/redis-cache.js";
import type { Cache } from "../../shared/ports/cache.js";
import type { RateLimiter } from "../../shared/ports/rate-limiter.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";
import { apiClient, startTestHost, loginAs } from "../support/test-host.js";

interface Adapters {
  cache: Cache;
  limiter: RateLimiter;
}

/** One behaviour spec, run against every adapter of the Cache and RateLimiter ports. */
function contract(name: string, open: () => Promise<Adapters | { skip: string }>, close: () => Promise<void>) {
  describe(`Cache and RateLimiter contract: ${name}`, () => {
    const subject = openOrSkip(name, open, close);

    it("stores with a TTL and deletes by key and by prefix", async (t) => {
      if (subject.skipped(t)) return;
      const { cache } = subject.get();
      await cache.set("project:1:a", "x", 60);
      await cache.set("project:1:b", "y", 60);
      await cache.set("project:2:a", "z", 60);
      assert.equal(await cache.get("project:1:a"), "x");
      assert.equal(await cache.deleteByPrefix("project:1:"), 2);
      assert.equal(await cache.get("project:1:b"), undefined);
      assert.equal(await cache.get("project:2:a"), "z");
      await cache.delete("project:2:a");
      assert.equal(await cache.get("project:2:a"), undefined);
      await cache.set("short", "v", 1);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(await cache.get("short"), undefined);
    });

    it("adds only when the key is absent or expired", async (t) => {
      if (subject.skipped(t)) return;
      const { cache } = subject.get();
      assert.equal(await cache.add("account:1", "first", 60), true);
      assert.equal(await cache.add("account:1", "stale fill", 60), false);
      assert.equal(await cache.get("account:1"), "first");
      await cache.set("account:1", "changed", 60);
      assert.equal(await cache.add("account:1", "stale fill", 60), false);
      assert.equal(await cache.get("account:1"), "changed");
      assert.equal(await cache.add("account:short", "a", 1), true);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(await cache.add("account:short", "b", 60), true);
      assert.equal(await cache.get("account:short"), "b");
    });

    it("increments atomically", async (t) => {
      if (subject.skipped(t)) return;
      const counts = await Promise.all(Array.from({ length: 50 }, () => subject.get().cache.increment("counter", 60)));
      assert.deepEqual(
        [...counts].sort((x, y) => x - y),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it("reserves atomically: concurrent reserves never take more than the limit, and a refusal says when the window ends", async (t) => {
      if (subject.skipped(t)) return;
      const { cache } = subject.get();
      const results = await Promise.all(Array.from({ length: 40 }, () => cache.reserve("attempts:a", 5, 900)));
      assert.equal(results.filter((r) => r.taken).length, 5);
      for (const r of results.filter((x) => !x.taken))
        assert.ok(r.retryAfterSeconds >= 1 && r.retryAfterSeconds <= 900, String(r.retryAfterSeconds));
      for (const r of results.filter((x) => x.taken)) assert.equal(r.retryAfterSeconds, 0);
      assert.equal((await cache.reserve("attempts:b", 5, 900)).taken, true, "counters are per key");
    });

    it("releases one unit at a time, never below zero, and never outlives the window", async (t) => {
      if (subject.skipped(t)) return;
      const { cache } = subject.get();
      for (let i = 0; i < 3; i++) assert.equal((await cache.reserve("attempts:c", 3, 900)).taken, true);
      assert.equal((await cache.reserve("attempts:c", 3, 900)).taken, false);
      await cache.release("attempts:c");
      assert.equal((await cache.reserve("attempts:c", 3, 900)).taken, true, "one given back, one taken");
      assert.equal((await cache.reserve("attempts:c", 3, 900)).taken, false);
      for (let i = 0; i < 10; i++) await cache.release("attempts:c");
      for (let i = 0; i < 3; i++) assert.equal((await cache.reserve("attempts:c", 3, 900)).taken, true, "not below 0");
      assert.equal((await cache.reserve("attempts:c", 3, 900)).taken, false);
      // A release after the window ended recreates nothing (no count below zero, no counter without a TTL).
      assert.equal((await cache.reserve("attempts:d", 3, 1)).taken, true);
      await new Promise((r) => setTimeout(r, 1100));
      await cache.release("attempts:d");
      for (let i = 0; i < 3; i++) assert.equal((await cache.reserve("attempts:d", 3, 60)).taken, true, "a new window");
      assert.equal((await cache.reserve("attempts:d", 3, 60)).taken, false);
    });

    it("allows the burst, refuses the next with Retry-After, and refills over time", async (t) => {
      if (subject.skipped(t)) return;
      const policy = { perMinute: 600, burst: 5 }; // one token per 100 ms
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await subject.get().limiter.take("user-1:fn", policy));
      assert.deepEqual(
        decisions.map((d) => d.allowed),
        [true, true, true, true, true, false],
      );
      assert.deepEqual(
        decisions.slice(0, 5).map((d) => d.remaining),
        [4, 3, 2, 1, 0],
      );
      assert.equal(decisions[5]!.retryAfterSeconds, 1);
      assert.equal(decisions[5]!.limit, 5);
      assert.equal((await subject.get().limiter.take("user-2:fn", policy)).allowed, true, "buckets are per key");
      await new Promise((r) => setTimeout(r, 250));
      assert.equal((await subject.get().limiter.take("user-1:fn", policy)).allowed, true, "refilled");
    });

    it("never lets concurrent takes spend more than the bucket holds", async (t) => {
      if (subject.skipped(t)) return;
      const policy = { perMinute: 1, burst: 10 };
      const results = await Promise.all(
        Array.from({ length: 40 }, () => subject.get().limiter.take("race:fn", policy)),
      );
      assert.equal(results.filter((r) => r.allowed).length, 10);
    });

    it("paces concurrent callers one slot apart, never two in the same slot", async (t) => {
      if (subject.skipped(t)) return;
      const interval = 5;
      const started = performance.now();
      const waits = await Promise.all(
        Array.from({ length: 20 }, () => subject.get().limiter.pace("partner", interval)),
      );
      const elapsed = performance.now() - started;
      // The k-th reservation gets the slot k intervals after the first; its wait is that,
      // less the time the reservations took between them.
      const sorted = [...waits].sort((x, y) => x - y);
      sorted.forEach((wait, k) =>
        assert.ok(
          wait >= k * interval - elapsed - 1 && wait <= k * interval + 1,
          `slot ${k}: waited ${wait} ms (reservations took ${elapsed} ms)`,
        ),
      );
      await new Promise((r) => setTimeout(r, 120));
      assert.ok((await subject.get().limiter.pace("partner", interval)) <= 1, "an idle key starts again at now");
    });
  });
}

contract(
  "in-process",
  async () => ({ cache: new InProcessCache(), limiter: new InProcessRateLimiter() }),
  async () => {},
);

let server: RedisServer | undefined;
let clients: Redis[] = [];
contract(
  "Redis (real redis-server)",
  async () => {
    const started = await startRedis();
    if ("skip" in started) return started;
    server = started;
    // Two clients, as two Function instances would have: the bucket must hold across both.
    clients = [
      await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 }),
      await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 }),
    ];
    await clients[0]!.flushdb();
    const limiters = [new RedisRateLimiter(clients[0]!), new RedisRateLimiter(clients[1]!)];
    let turn = 0;
    return {
      cache: new RedisCache(clients[0]!),
      limiter: { take: (k, p) => limiters[turn++ % 2]!.take(k, p), pace: (k, i) => limiters[turn++ % 2]!.pace(k, i) },
    };
  },
  async () => {
    clients.forEach((c) => c.disconnect());
    await server?.stop();
  },
);

describe("rate limiting through the local host with REDIS_URL set", () => {
  it("answers the 21st rapid request with 429 from the Redis bucket", async (t) => {
    const redis = await startRedis();
    if ("skip" in redis) return t.skip(redis.skip);
    const host = await startTestHost({ REDIS_URL: redis.url });
    try {
      assert.equal(host.platform.adapters.cache, "redis");
      const call = apiClient(host.url);
      const token = await loginAs(call);
      const statuses = [];
      for (let i = 0; i < 22; i++) statuses.push((await call("GET", "/api/v1/auth/me", { token })).status);
      assert.deepEqual(statuses.slice(0, 20), Array(20).fill(200));
      assert.deepEqual(statuses.slice(20), [429, 429]);
      const ready = await call("GET", "/api/health/ready");
      assert.equal(ready.body.data.dependencies.find((d: { name: string }) => d.name === "cache").adapter, "redis");
    } finally {
      await host.stop();
      await redis.stop();
    }
  });
});

describe("Redis rate limiter: tokens leased by hot callers", () => {
  let server: RedisServer | undefined;
  let clients: Redis[] = [];
  let skip: string | undefined;
  before(async () => {
    const started = await startRedis();
    if ("skip" in started) {
      skip = started.skip;
      return;
    }
    server = started;
    clients = [
      await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 }),
      await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 }),
    ];
  });
  after(async () => {
    clients.forEach((c) => c.disconnect());
    await server?.stop();
  });

  /** Bucket scripts Redis has run so far. */
  const scriptCalls = async () => {
    const stats = await clients[0]!.info("commandstats");
    return [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  it("a hot caller costs Redis one script per lease, and two instances together never spend more than the bucket", async (t) => {
    if (skip) return t.skip(skip);
    const limiters = [new RedisRateLimiter(clients[0]!), new RedisRateLimiter(clients[1]!)];
    const policy = { perMinute: 1, burst: 1000 }; // refill negligible during the test
    const before = await scriptCalls();
    let allowed = 0;
    for (let i = 0; i < 1200; i++) if ((await limiters[i % 2]!.take("hot:fn", policy)).allowed) allowed++;
    const scripts = (await scriptCalls()) - before;
    assert.ok(allowed <= 1000, `allowed ${allowed}: never more than the bucket`);
    // Leased tokens not spent within a second are lost: at most a tenth of the bucket per instance.
    assert.ok(allowed >= 800, `allowed ${allowed}`);
    assert.ok(scripts < 120, `${scripts} scripts for 1200 requests`);
  });

  it("a busy caller's concurrent requests share a few leases, and a new caller's go to Redis together", async (t) => {
    if (skip) return t.skip(skip);
    const limiter = new RedisRateLimiter(clients[0]!);
    const policy = { perMinute: 1, burst: 1000 };
    let before = await scriptCalls();
    // A new caller has no rate yet: each request takes its own token, all in one round trip.
    const cold = await Promise.all(Array.from({ length: 20 }, () => limiter.take("burst:fn", policy)));
    assert.equal(cold.filter((d) => d.allowed).length, 20);
    assert.equal((await scriptCalls()) - before, 20);
    for (let i = 0; i < 50; i++) await limiter.take("burst:fn", policy);
    before = await scriptCalls();
    const busy = await Promise.all(Array.from({ length: 300 }, () => limiter.take("burst:fn", policy)));
    assert.equal(busy.filter((d) => d.allowed).length, 300);
    assert.ok((await scriptCalls()) - before <= 10, "a few leases of up to 100 tokens, not 300 scripts");
  });

  it("a burst across instances holding leases gets the bucket, and at most a tenth of the burst more per instance", async (t) => {
    if (skip) return t.skip(skip);
    const limiters = Array.from({ length: 4 }, (_, i) => new RedisRateLimiter(clients[i % 2]!));
    const policy = { perMinute: 12_000, burst: 100 }; // a token every 5 ms
    // Each instance becomes a busy caller holding a lease (they last 1 s), then the bucket refills to the full burst.
    for (let round = 0; round < 15; round++) for (const limiter of limiters) await limiter.take("refill:fn", policy);
    await new Promise((r) => setTimeout(r, 600));
    const started = performance.now();
    const decisions = await Promise.all(
      Array.from({ length: 400 }, (_, i) => limiters[i % 4]!.take("refill:fn", policy)),
    );
    const refilled = Math.ceil((performance.now() - started) / 5);
    const allowed = decisions.filter((d) => d.allowed).length;
    assert.ok(
      allowed >= 100,
      `allowed ${allowed}: the whole bucket is spendable, none of it lost between concurrent refills`,
    );
    assert.ok(
      allowed <= 100 + 4 * 10 + refilled + 1,
      `allowed ${allowed}: the bucket, the leases held and what refilled meanwhile`,
    );
  });

  it("a caller at a steady rate under the limit keeps its headroom (leases sized to its rate)", async (t) => {
    if (skip) return t.skip(skip);
    // Leases of 100 ms, so 3 s stand for a much longer run with the default 1 s.
    const limiter = new RedisRateLimiter(clients[0]!, { leaseMs: 100 });
    const policy = { perMinute: 3300, burst: 100 }; // 55 tokens/s, the caller asks for about 40/s
    let last = 0;
    const started = Date.now();
    while (Date.now() - started < 3000) {
      const decision = await limiter.take("steady:fn", policy);
      assert.equal(decision.allowed, true);
      last = decision.remaining;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(last >= 85, `X-RateLimit-Remaining ${last} after 3 s at 40/s against 55/s`);
  });

  it("X-RateLimit-Remaining counts down by one per request while tokens are leased", async (t) => {
    if (skip) return t.skip(skip);
    const limiter = new RedisRateLimiter(clients[0]!);
    const policy = { perMinute: 1, burst: 500 };
    const remaining: number[] = [];
    for (let i = 0; i < 100; i++) remaining.push((await limiter.take("count:fn", policy)).remaining);
    assert.deepEqual(
      remaining,
      Array.from({ length: 100 }, (_, i) => 499 - i),
    );
  });
});
