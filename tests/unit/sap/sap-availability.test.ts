import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InProcessCache } from "../../../shared/adapters/embedded/memory-cache.js";
import { createLogger } from "../../../shared/foundation/logger.js";
import { PlatformMetrics } from "../../../shared/foundation/metrics.js";
import type { Alert, Alerter } from "../../../shared/ports/alerter.js";
import { RfcError } from "../../../shared/ports/sap-rfc.js";
import { SapAvailability } from "../../../shared/sap/sap-availability.js";
import { systemClock } from "../../../shared/ports/clock.js";

/** Two instances sharing one cache, as two Function App instances share Redis. */
function twoInstances(failureThreshold = 3) {
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
