import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { AdaptiveRate } from "../../../shared/systems/esg/adaptive-rate.js";
import {
  backoffMs,
  fetchWithRetry,
  PartnerCallError,
  retryAfterMs,
  type RetryPolicy,
} from "../../../shared/foundation/partner-http.js";
import { InProcessCache, InProcessRateLimiter } from "../../../shared/adapters/embedded/memory-cache.js";

/** A partner that answers from a script, one entry per request. */
let script: { status: number; headers?: Record<string, string>; silent?: boolean }[] = [];
let server: Server;
let url = "";
let requests = 0;

before(async () => {
  server = createServer((_req, res) => {
    requests++;
    const step = script.shift() ?? { status: 200 };
    // A silent partner never answers; its socket is closed when the server is.
    if (!step.silent) res.writeHead(step.status, step.headers ?? {}).end(step.status === 200 ? "ok" : "busy");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(
  () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
);

// The per-call timeout is far above any local answer, even on a loaded machine; only the
// silent-partner case uses a short one, against a partner that never answers at all.
const policy: RetryPolicy = { timeoutMs: 10_000, maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40 };
const send = (signal: AbortSignal) => fetch(url, { signal });

describe("partner calls with retries", () => {
  it("retries 503 and 500 with backoff until an answer that is not retriable", async () => {
    script = [{ status: 503 }, { status: 500 }, { status: 200 }];
    requests = 0;
    const sleeps: number[] = [];
    const response = await fetchWithRetry(send, policy, { sleep: async (ms) => void sleeps.push(ms) });
    assert.equal(response.status, 200);
    assert.equal(response.attempts, 3);
    assert.equal(requests, 3);
    assert.ok(
      sleeps.every((ms, i) => ms >= 0 && ms <= Math.min(40, 10 * 2 ** i)),
      `full jitter within the cap: ${sleeps.join(", ")}`,
    );
  });

  it("waits at least what Retry-After asks and tells the adaptive rate about 429", async () => {
    script = [{ status: 429, headers: { "retry-after": "1" } }, { status: 200 }];
    let throttled = 0;
    const started = Date.now();
    const response = await fetchWithRetry(send, { ...policy, maxDelayMs: 2000 }, { onThrottled: () => throttled++ });
    assert.equal(response.status, 200);
    assert.equal(throttled, 1);
    assert.ok(Date.now() - started >= 950, "waited the second Retry-After asked for (less a timer's rounding)");
  });

  it("does not retry a 404, gives up after the last attempt, and times out a silent partner", async () => {
    script = [{ status: 404 }];
    requests = 0;
    assert.equal((await fetchWithRetry(send, policy)).status, 404);
    assert.equal(requests, 1);
    script = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
    await assert.rejects(
      fetchWithRetry(send, policy, { sleep: async () => undefined }),
      (e: PartnerCallError) => e instanceof PartnerCallError && e.status === 503 && /after 4 attempts/.test(e.message),
    );
    script = Array.from({ length: 4 }, () => ({ status: 200, silent: true }));
    await assert.rejects(
      fetchWithRetry(send, { ...policy, timeoutMs: 200 }, { sleep: async () => undefined }),
      /no answer within 200 ms/,
    );
  });

  it("reads Retry-After as seconds or an HTTP date, and keeps backoff under its cap", () => {
    assert.equal(retryAfterMs("2"), 2000);
    assert.equal(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), Date.now())! > 3000, true);
    assert.equal(retryAfterMs("soon"), undefined);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(
      backoffMs(10, policy, () => 0.999),
      39,
    );
    assert.equal(
      backoffMs(1, policy, () => 0.5),
      5,
    );
  });
});

describe("the adaptive shared rate", () => {
  it("cuts the rate once per second on 429s, from any worker, then climbs back after calm", async () => {
    let now = 1_000_000;
    const cache = new InProcessCache();
    const limiter = new InProcessRateLimiter(() => now);
    const make = () =>
      new AdaptiveRate({
        cache,
        limiter,
        key: "partner",
        maxPerSecond: 1000,
        minPerSecond: 50,
        increaseAfterMs: 3000,
        now: () => now,
        sleep: async () => undefined,
      });
    const a = make();
    const b = make();
    await Promise.all([a.throttled(), b.throttled(), a.throttled()]);
    assert.equal(a.current, 700, "one cut for a burst of 429s in the same second");
    now += 1000;
    await b.throttled();
    assert.equal(b.current, 490, "the next second's 429 cuts from the shared rate");
    now += 600;
    await a.acquire();
    assert.equal(a.current, 490, "every worker follows the shared rate");
    now += 3000;
    await a.acquire();
    assert.equal(a.current, 540, "after calm, one step of 5% of the ceiling back up");
    for (let i = 0; i < 30; i++) {
      now += 3000;
      await b.acquire();
    }
    assert.equal(b.current, 1000, "never above the ceiling");
    for (let i = 0; i < 20; i++) {
      now += 1000;
      await a.throttled();
    }
    assert.equal(a.current, 50, "never below the floor");
  });

  it("paces workers to the rate through the limiter's slots", async () => {
    const now = 5_000_000;
    const waits: number[] = [];
    const rate = new AdaptiveRate({
      cache: new InProcessCache(),
      limiter: new InProcessRateLimiter(() => now),
      key: "p",
      maxPerSecond: 100,
      minPerSecond: 1,
      now: () => now,
      sleep: async (ms) => void waits.push(ms),
    });
    for (let i = 0; i < 5; i++) await rate.acquire();
    assert.deepEqual(waits, [10, 20, 30, 40], "100/s: one slot every 10 ms");
  });
});

describe("partner credentials", () => {
  it("gets an OAuth client-credentials token once, reuses it, and fetches a new one after a 401", async () => {
    const { EsgSimulators } = await import("../../../local/simulators/esg-partners.js");
    const { PartnerCredentials } = await import("../../../shared/foundation/partner-http.js");
    const { EnvSecretStore } = await import("../../../shared/adapters/azure/secrets.js");
    const { EsgRatingsClient } = await import("../../../shared/systems/esg/esg-partners.js");
    const sim = await EsgSimulators.start({
      accounts: 5,
      seed: 1,
      duplicates: 0,
      oauthClient: { id: "platform", secret: "s3cret" },
      controls: {
        down: false,
        latencyMs: 0,
        errorRate: 0,
        transientErrorRate: 0,
        partialRate: 0,
        malformedRate: 0,
        rateLimitPerSecond: 1000,
        burst429EverySeconds: 0,
        pageErrorRate: 0,
        ratingVersion: 0,
      },
    });
    try {
      const credentials = new PartnerCredentials(
        {
          kind: "oauth-client-credentials",
          tokenUrl: `${sim.accountsUrl}/oauth/token`,
          clientIdSecret: "esg-oauth-client-id",
          clientSecretSecret: "esg-oauth-client-secret",
        },
        new EnvSecretStore({ ESG_OAUTH_CLIENT_ID: "platform", ESG_OAUTH_CLIENT_SECRET: "s3cret" }),
      );
      const rate = new AdaptiveRate({
        cache: new InProcessCache(),
        limiter: new InProcessRateLimiter(),
        key: "oauth-test",
        maxPerSecond: 1000,
        minPerSecond: 1,
      });
      const client = new EsgRatingsClient({
        baseUrl: sim.ratingsUrl,
        credentials,
        policy: { timeoutMs: 2000, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
        rate,
      });
      const results = await Promise.all(
        ["ACC-0000001", "ACC-0000002", "ACC-0000003"].map((id) => client.fetchRating(id, null)),
      );
      assert.deepEqual(
        results.map((r) => r.kind),
        ["rating", "rating", "rating"],
      );
      assert.equal(sim.tokensIssued, 1, "concurrent callers share one token request");
      sim.revokeTokens();
      const refused = await client.fetchRating("ACC-0000004", null);
      assert.equal(refused.kind, "failed", "a revoked token is refused (401 is not retried)");
      assert.equal((await client.fetchRating("ACC-0000004", null)).kind, "rating", "the next call fetched a new token");
      assert.equal(sim.tokensIssued, 2);
      const wrong = new PartnerCredentials(
        {
          kind: "oauth-client-credentials",
          tokenUrl: `${sim.accountsUrl}/oauth/token`,
          clientIdSecret: "a",
          clientSecretSecret: "b",
        },
        new EnvSecretStore({ A: "platform", B: "wrong" }),
      );
      await assert.rejects(wrong.headers(), /token endpoint answered 401/);
    } finally {
      await sim.close();
    }
  });
});
