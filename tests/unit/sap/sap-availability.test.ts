import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InProcessCache } from "../../../shared/adapters/embedded/memory-cache.js";
import { createLogger } from "../../../shared/foundation/logger.js";
import { PlatformMetrics } from "../../../shared/foundation/metrics.js";
import type { Alert, Alerter } from "../../../shared/ports/alerter.js";
import { RfcError } from "../../../shared/ports/sap-rfc.js";
import { SapAvailability } from "../../../shared/sap/sap-availability.js";
import { LazySapClient } from "../../../shared/sap/lazy-sap-client.js";
import type { SapRfcClient } from "../../../shared/ports/sap-rfc.js";
import { systemClock } from "../../../shared/ports/clock.js";

/** Two instances sharing one cache, as two Function App instances share Redis. */
function twoInstances(failureThreshold = 3, drive?: "interval" | "on-demand") {
  const cache = new InProcessCache();
  const raised: Alert[] = [];
  const alerts: Alerter = { raise: async (alert) => void raised.push(alert) };
  const sap = { up: true, pings: 0 };
  const make = () =>
    new SapAvailability({
      clock: systemClock,
      cache,
      alerts,
      metrics: new PlatformMetrics(),
      logger: createLogger("error", {}, () => undefined),
      ping: async () => {
        sap.pings++;
        if (!sap.up) throw new RfcError("COMMUNICATION_FAILURE", "partner not reached");
      },
      probeIntervalSeconds: 60,
      failureThreshold,
      ...(drive ? { drive } : {}),
    });
  return { a: make(), b: make(), sap, raised };
}

describe("SAP availability (circuit breaker shared through the cache)", () => {
  it("probes once per interval across instances, and both adopt the result", async () => {
    const { a, b, sap, raised } = twoInstances();
    sap.up = false;
    await a.tick();
    await b.tick();
    assert.equal(sap.pings, 1, "one probe per interval between the instances");
    assert.equal(a.state, "down");
    assert.equal(b.state, "down");
    assert.throws(
      () => b.assertAvailable(),
      (e: any) => e.code === "SAP_UNAVAILABLE" && e.retryAfterSeconds === 60,
    );
    assert.deepEqual(
      raised.map((r) => [r.source, r.severity]),
      [["sap", "critical"]],
    );
  });

  it("opens the circuit after the threshold of failed calls on one instance, and the other follows", async () => {
    const { a, b, raised } = twoInstances(3);
    const outage = new RfcError("TIMEOUT", "no answer");
    await a.recordOutage(outage);
    await a.recordOutage(outage);
    assert.equal(a.state, "up", "two failures are below the threshold");
    a.recordSuccess();
    await a.recordOutage(outage);
    await a.recordOutage(outage);
    assert.equal(a.state, "up", "a success in between resets the count");
    await a.recordOutage(outage);
    assert.equal(a.state, "down");
    assert.equal(b.state, "up");
    await b.tick();
    assert.equal(b.state, "down", "the other instance adopts the shared state on its next tick");
    assert.deepEqual(
      raised.map((r) => r.severity),
      ["critical"],
    );
  });

  it("closes the circuit when the probe answers again, alerting the recovery once", async () => {
    const { a, b, sap, raised } = twoInstances();
    sap.up = false;
    await a.tick();
    sap.up = true;
    await a.tick();
    assert.equal(a.state, "down", "same interval: no second probe");
    await nextInterval(a, b);
    assert.equal(a.state, "up");
    assert.equal(b.state, "up");
    assert.deepEqual(
      raised.map((r) => r.severity),
      ["critical", "info"],
    );
  });
});

/** One tick of each instance in the next probe interval (the clock moved on by one interval). */
async function nextInterval(a: SapAvailability, b: SapAvailability) {
  const realNow = Date.now;
  Date.now = () => realNow() + 61_000;
  try {
    await a.tick();
    await b.tick();
  } finally {
    Date.now = realNow;
  }
}

describe("SAP availability driven on demand (Azure: no interval in the worker)", () => {
  it("reads the shared state before a call when its copy is stale, and probes when it wins the interval", async () => {
    const { a, b, sap } = twoInstances(3, "on-demand");
    sap.up = false;
    await assert.rejects(
      () => a.ensureAvailable(),
      (e: any) => e.code === "SAP_UNAVAILABLE",
    );
    assert.equal(sap.pings, 1, "the first call's refresh probed");
    await assert.rejects(
      () => b.ensureAvailable(),
      (e: any) => e.code === "SAP_UNAVAILABLE",
      "the other instance adopts the shared state on its next call",
    );
    assert.equal(sap.pings, 1, "same interval: no second probe");
  });

  it("leaves a long-running process to its interval: a call does not read the cache", async () => {
    const { a, b, sap } = twoInstances(3, "interval");
    sap.up = false;
    await a.tick();
    await b.ensureAvailable();
    assert.equal(b.state, "up", "b adopts the state on its own tick, not on a call");
  });
});

describe("SAP connected on first use", () => {
  const connected = (): SapRfcClient & { closed: boolean } => ({
    closed: false,
    call: async () => ({ OK: "X" }),
    ping: async () => undefined,
    openConnections: () => 3,
    close: async function (this: { closed: boolean }) {
      this.closed = true;
    },
  });

  it("fails a call as an outage while the connection cannot be opened, logs each reason once, and retries", async () => {
    const failures: unknown[] = [];
    let attempts = 0;
    let reachable = false;
    const inner = connected();
    const client = new LazySapClient(
      async () => {
        attempts++;
        if (!reachable) throw new Error("sap-rfc-user: SAP_ADAPTER=node-rfc needs this secret");
        return inner;
      },
      (error) => failures.push(error),
    );
    assert.equal(attempts, 0, "nothing is connected at construction");
    assert.equal(client.openConnections(), 0);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        () => client.ping(),
        (e: any) => e instanceof RfcError && e.type === "COMMUNICATION_FAILURE" && e.isOutage,
      );
    }
    assert.equal(attempts, 2, "each use tries again");
    assert.equal(failures.length, 1, "the same reason is logged once");
    reachable = true;
    assert.deepEqual(await client.call("Z_READ", {}), { OK: "X" });
    await client.ping();
    assert.equal(attempts, 3, "connected once, then reused");
    assert.equal(client.openConnections(), 3);
    await client.close();
    assert.equal(inner.closed, true);
  });
});
