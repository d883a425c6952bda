import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigurationError } from "../../../shared/index.js";
import { apiClient, freePort, loginAs, startTestHost } from "../../support/test-host.js";

/**
 * SAP absent or down affects only what needs SAP: liveness, sign-in, users, ESG, and the
 * lists of reports and backups (SQL data) answer 200, readiness shows SAP down (degraded, 200), SAP-backed routes 503.
 */
async function expectOnlySapRoutesFail(env: Record<string, string>, adapter: string): Promise<void> {
  const host = await startTestHost(env, { timers: false });
  try {
    const call = apiClient(host.url);
    assert.equal((await call("GET", "/api/health")).status, 200);

    const ready = await call("GET", "/api/health/ready");
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal(ready.body.data.status, "degraded");
    assert.equal(ready.body.data.demo, false);
    const sap = ready.body.data.dependencies.find((d: { name: string }) => d.name === "sap");
    assert.deepEqual({ status: sap.status, adapter: sap.adapter }, { status: "down", adapter });
    assert.equal(ready.body.data.dependencies.find((d: { name: string }) => d.name === "sql").status, "up");

    const token = await loginAs(call);
    assert.equal((await call("GET", "/api/v1/esg/runs", { token })).status, 200);
    assert.equal((await call("GET", "/api/v1/reports", { token })).status, 200);
    assert.equal((await call("GET", "/api/v1/backups", { token })).status, 200);
    assert.equal((await call("GET", "/api/v1/users", { token })).status, 200);

    const projects = await call("GET", "/api/v1/projects", { token });
    assert.equal(projects.status, 503, JSON.stringify(projects.body));
    assert.equal(projects.body.error.code, "SAP_UNAVAILABLE");
    assert.ok(Number(projects.headers.get("retry-after")) > 0, "Retry-After");
  } finally {
    await host.stop();
  }
}

describe("each system starts on its own", () => {
  it("serves everything but SAP's routes while the SAP simulator is down", async () => {
    await expectOnlySapRoutesFail({ SAP_SIMULATOR_DOWN: "true" }, "simulator");
  });

  it("starts with SAP_ADAPTER=node-rfc and no SAP secrets (nor node-rfc), SAP counted down", async () => {
    await expectOnlySapRoutesFail({ SAP_ADAPTER: "node-rfc" }, "node-rfc");
  });
});

describe("Redis down at start", () => {
  it("starts anyway: liveness 200, readiness names the cache, requests that need it 503 with Retry-After", async () => {
    // ioredis prints "Unhandled error event" on every reconnect when no one listens for errors.
    const printed: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
    // Nothing listens there: every connection is refused, as with Redis down.
    const host = await startTestHost({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, { timers: false }).finally(
      () => (console.error = consoleError),
    );
    try {
      const outage = host.logs
        .entries()
        .filter((e) => e.level === "warn" && String(e.message).startsWith("Redis connection error"));
      assert.ok(outage.length >= 1, "the outage is logged as a warning");
      const messages = outage.map((e) => `${String(e.connection)}: ${JSON.stringify(e.error)}`);
      assert.equal(new Set(messages).size, messages.length, "each distinct error once, not once per reconnect");
      assert.deepEqual(
        printed.filter((p) => p.includes("Unhandled error event")),
        [],
      );
      const call = apiClient(host.url);
      assert.equal((await call("GET", "/api/health")).status, 200);
      const ready = await call("GET", "/api/health/ready");
      assert.equal(ready.status, 503);
      const cache = ready.body.error.details.dependencies.find((d: { name: string }) => d.name === "cache");
      assert.deepEqual({ adapter: cache.adapter, status: cache.status }, { adapter: "redis", status: "down" });
      const login = await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "x" } });
      assert.equal(login.status, 503);
      assert.ok(Number(login.headers.get("retry-after")) > 0, "Retry-After");
    } finally {
      await host.stop();
    }
  });
});

describe("ENABLED_SYSTEMS", () => {
  it("registers only the enabled systems' functions and the platform's own", async () => {
    const host = await startTestHost({ ENABLED_SYSTEMS: "identity,esg" }, { timers: false });
    try {
      const names = host.registrations.map((r) => r.name);
      assert.ok(names.includes("auth-login") && names.includes("esg-runs-list"), names.join(", "));
      for (const platformFunction of ["health", "health-ready", "metrics", "jobs-sweep", "route-not-found"])
        assert.ok(names.includes(platformFunction), platformFunction);
      for (const off of ["projects-list", "reports-list", "sap-probe"]) assert.ok(!names.includes(off), off);
      assert.ok(!names.some((n) => /billing|backup|report|project|reconcil/.test(n)), names.join(", "));

      const call = apiClient(host.url);
      const token = await loginAs(call);
      const esg = await call("GET", "/api/v1/esg/runs", { token });
      assert.equal(esg.status, 200);
      assert.equal(esg.headers.get("x-demo-mode"), null, "not a demo unless DEMO_MODE says so");
      assert.equal((await call("GET", "/api/v1/projects", { token })).status, 404);
      assert.equal((await call("GET", "/api/v1/reports", { token })).status, 404);
      const ready = await call("GET", "/api/health/ready");
      assert.equal(ready.body.data.status, "ready", "SAP is not in use, so not checked");
      assert.ok(!ready.body.data.dependencies.some((d: { name: string }) => d.name === "sap"));
      const docs = await call("GET", "/api/openapi.json");
      assert.equal(docs.status, 200);
      assert.ok(!JSON.stringify(docs.body).includes("/v1/projects"), "docs list no project route");
    } finally {
      await host.stop();
    }
  });

  it("refuses an unknown system and a list that lacks a needed one, naming the allowed ones", async () => {
    const { loadSettings } = await import("../../../shared/index.js");
    assert.throws(
      () => loadSettings({ ENABLED_SYSTEMS: "identity,payroll" }),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /ENABLED_SYSTEMS: unknown system 'payroll'; allowed: identity, gateway, billing, reports, backups, esg/.test(
          error.message,
        ),
    );
    assert.throws(
      () => loadSettings({ ENABLED_SYSTEMS: "identity,billing" }),
      (error: unknown) => error instanceof ConfigurationError && /billing needs gateway/.test(error.message),
    );
    assert.throws(
      () => loadSettings({ ENABLED_SYSTEMS: "esg" }),
      (error: unknown) => error instanceof ConfigurationError && /esg needs identity/.test(error.message),
    );
    assert.throws(
      () => loadSettings({ ENABLED_SYSTEMS: "identity,analytics" }),
      (error: unknown) => error instanceof ConfigurationError && /analytics needs budgets/.test(error.message),
    );
    assert.deepEqual(loadSettings({ ENABLED_SYSTEMS: " ESG , identity " }).ENABLED_SYSTEMS, ["identity", "esg"]);
  });
});

describe("DEMO_MODE", () => {
  it("marks every response and readiness", async () => {
    const host = await startTestHost({ DEMO_MODE: "true" }, { timers: false });
    try {
      const call = apiClient(host.url);
      for (const path of ["/api/health", "/api/health/ready", "/api/no-such-route", "/elsewhere"]) {
        assert.equal((await call("GET", path)).headers.get("x-demo-mode"), "true", path);
      }
      const login = await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: "wrong" } });
      assert.equal(login.status, 401);
      assert.equal(login.headers.get("x-demo-mode"), "true", "errors too");
      assert.equal((await call("GET", "/api/health/ready")).body.data.demo, true);
    } finally {
      await host.stop();
    }
  });
});
