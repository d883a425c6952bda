import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import type { Redis } from "ioredis";
import { RedisBroadcast } from "../../../shared/adapters/redis/redis-broadcast.js";
import { RedisCache, RedisRateLimiter, connectRedis } from "../../../shared/adapters/redis/redis-cache.js";
import { ServiceUnavailableError } from "../../../shared/kernel/errors.js";
import { startRedis, type RedisServer } from "../../support/redis-server.js";
import { apiClient, loginAs, startTestHost, type ApiResponse, type TestHost } from "../../support/test-host.js";

/** Generous: the point is that an answer comes (in about REDIS_COMMAND_TIMEOUT_MS), not how fast this machine is. */
const ANSWER_WITHIN_MS = 10_000;

/** The promise's value, or a failure once `ms` passed without one (a hung request must fail the test, not hang it). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pauses redis-server (it keeps its connections open and answers nothing, as a hung server does) for `body`. */
async function whilePaused<T>(pid: number, body: () => Promise<T>): Promise<T> {
  process.kill(pid, "SIGSTOP");
  try {
    return await body();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

describe("Redis hung or gone: 503 with Retry-After within the command timeout, never 500", () => {
  let redis: RedisServer | undefined;
  let host: TestHost | undefined;
  let skip: string | undefined;
  let pid: number;

  before(async () => {
    const started = await startRedis();
    if ("skip" in started) skip = started.skip;
    else if (started.pid === undefined) {
      redis = started;
      skip = "REDIS_TEST_URL's server is not ours to pause or kill; SKIPPED";
    } else {
      redis = started;
      pid = started.pid;
      // The default REDIS_COMMAND_TIMEOUT_MS (2000), as deployed.
      host = await startTestHost({ REDIS_URL: redis.url });
    }
    if (skip) console.log(`# ${skip}`);
  });
  after(async () => {
    await host?.stop();
    await redis?.stop();
  });
  const skipped = (t: TestContext) => (skip ? (t.skip(skip), true) : false);

  /** One request, timed: it must answer 503 SERVICE_UNAVAILABLE with Retry-After, within the bound. */
  async function expectUnavailable(t: TestContext, what: string, request: () => Promise<ApiResponse>) {
    const started = performance.now();
    const r = await within(ANSWER_WITHIN_MS + 5000, what, request());
    const ms = Math.round(performance.now() - started);
    t.diagnostic(`${what}: ${r.status} in ${ms} ms`);
    assert.equal(r.status, 503, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, "SERVICE_UNAVAILABLE", what);
    assert.ok(Number(r.headers.get("retry-after")) > 0, `${what}: Retry-After`);
    assert.ok(ms < ANSWER_WITHIN_MS, `${what}: answered in ${ms} ms`);
  }

  /** Logs in until it works (Redis back and the client reconnected); fails the test if it never does. */
  async function waitForRecovery(call: ReturnType<typeof apiClient>): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await within(
        ANSWER_WITHIN_MS + 5000,
        "login after recovery",
        loginAs(call).then(
          () => 200,
          () => 0,
        ),
      );
      if (r === 200) return Math.round(performance.now() - started);
      assert.ok(Date.now() < deadline, "the platform did not recover within 30 s of Redis coming back");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it("the adapters: cache, rate limiter and broadcast commands fail with ServiceUnavailableError while Redis is paused", async (t) => {
    if (skipped(t)) return;
    const clients: Redis[] = [
      await connectRedis(redis!.url, { kind: "password", password: undefined }, { commandTimeoutMs: 500 }),
    ];
    const broadcast = new RedisBroadcast(clients[0]!, "outage-test:");
    try {
      const cache = new RedisCache(clients[0]!, "outage-test:");
      const limiter = new RedisRateLimiter(clients[0]!, { prefix: "outage-test:" });
      await broadcast.subscribe("topic", { message: () => undefined, reset: () => undefined });
      await cache.set("k", "v", 60);
      const operations: Record<string, () => Promise<unknown>> = {
        "cache.get": () => cache.get("k"),
        "cache.reserve": () => cache.reserve("counter", 5, 60),
        "cache.increment": () => cache.increment("n", 60),
        "rateLimiter.take": () => limiter.take("caller:fn", { perMinute: 60, burst: 10 }),
        "broadcast.publish": () => broadcast.publish("topic", "m"),
      };
      await whilePaused(pid, async () => {
        for (const [name, operation] of Object.entries(operations)) {
          const started = performance.now();
          const error = await within(
            ANSWER_WITHIN_MS,
            name,
            operation().then(
              () => undefined,
              (e: unknown) => e,
            ),
          );
          t.diagnostic(`${name}: failed in ${Math.round(performance.now() - started)} ms`);
          assert.ok(error instanceof ServiceUnavailableError, `${name}: ${String(error)}`);
          assert.equal(error.code, "SERVICE_UNAVAILABLE");
          assert.ok((error.retryAfterSeconds ?? 0) > 0, name);
        }
      });
    } finally {
      await broadcast.close();
      clients.forEach((c) => c.disconnect());
    }
  });

  it("a paused Redis: login, cached reads and an admin change answer 503 with Retry-After quickly; then it recovers", async (t) => {
    if (skipped(t)) return;
    const call = apiClient(host!.url);
    await waitForRecovery(call);
    const admin = await loginAs(call);
    const created = await call("POST", "/api/v1/users", {
      token: admin,
      body: { username: "paused.pete", password: "correct-horse-battery", roles: ["viewer"] },
    });
    assert.equal(created.status, 201);
    // In the Redis cache before the pause: a cached read.
    assert.equal((await call("GET", "/api/v1/projects/PRJ-000005", { token: admin })).status, 200);

    await whilePaused(pid, async () => {
      await expectUnavailable(t, "login", () =>
        call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } }),
      );
      await expectUnavailable(t, "cached project read", () =>
        call("GET", "/api/v1/projects/PRJ-000005", { token: admin }),
      );
      await expectUnavailable(t, "GET /auth/me", () => call("GET", "/api/v1/auth/me", { token: admin }));
      await expectUnavailable(t, "admin disable", () =>
        call("POST", `/api/v1/users/${created.body.data.id}/disable`, { token: admin }),
      );
    });
    t.diagnostic(`logins work again ${await waitForRecovery(call)} ms after SIGCONT`);
  });

  it("a killed Redis: 503 with Retry-After, not 500", async (t) => {
    if (skipped(t)) return;
    const call = apiClient(host!.url);
    await waitForRecovery(call);
    const admin = await loginAs(call);
    process.kill(pid, "SIGKILL");
    await expectUnavailable(t, "login", () =>
      call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "local-admin-password" } }),
    );
    await expectUnavailable(t, "cached project read", () =>
      call("GET", "/api/v1/projects/PRJ-000005", { token: admin }),
    );
    await expectUnavailable(t, "GET /auth/me", () => call("GET", "/api/v1/auth/me", { token: admin }));
  });
});
