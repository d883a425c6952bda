import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRedis, type RedisServer } from "../../support/redis-server.js";
import { apiClient, startTestHost, tempDir, type TestHost } from "../../support/test-host.js";

/**
 * Two instances of the platform sharing one Redis and one SQL database, as two Function
 * App instances do: the per-project cache and SAP's circuit state are shared.
 */
describe("gateway across two instances sharing a real Redis", () => {
  let redis: RedisServer | undefined;
  let skip: string | undefined;
  let a: TestHost;
  let b: TestHost;
  const shared = tempDir("fip-shared-");

  before(async () => {
    const started = await startRedis();
    if ("skip" in started) {
      skip = started.skip;
      console.log(`# ${skip}`);
      return;
    }
    redis = started;
    const env = {
      REDIS_URL: redis.url,
      DATA_DIR: shared.path,
      SAP_SIMULATOR_PROJECTS: "100",
      // Long probe interval: only failed calls move the circuit during the test.
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "300",
      SAP_CIRCUIT_FAILURE_THRESHOLD: "2",
    };
    a = await startTestHost(env);
    b = await startTestHost(env);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
    shared.remove();
  });

  const login = async (host: TestHost) =>
    (
      await apiClient(host.url)("POST", "/api/v1/auth/login", {
        body: { username: "admin", password: "local-admin-password" },
      })
    ).body.data.access_token as string;

  it("a write on one instance removes the project from the cache the other serves", async (t) => {
    if (skip) return t.skip(skip);
    const [ca, cb] = [apiClient(a.url), apiClient(b.url)];
    const [ta, tb] = [await login(a), await login(b)];
    const first = await cb("GET", "/api/v1/projects/PRJ-000005", { token: tb });
    assert.equal(first.status, 200);
    const sapB = b.platform.simulators.sap!;
    const before = sapB.recordedCalls("Z_READ_PROJECT_DATA").length;
    assert.equal((await ca("GET", "/api/v1/projects/PRJ-000005", { token: ta })).status, 200);
    assert.equal(
      a.platform.simulators.sap!.recordedCalls("Z_READ_PROJECT_DATA").length,
      0,
      "A was served from the entry B put in Redis",
    );

    const patched = await ca("PATCH", "/api/v1/projects/PRJ-000005", {
      token: ta,
      headers: { "if-match": first.headers.get("etag")! },
      body: { name: "Changed on A" },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const seenByB = await cb("GET", "/api/v1/projects/PRJ-000005", { token: tb });
    assert.equal(seenByB.body.data.name, "Changed on A");
    assert.equal(sapB.recordedCalls("Z_READ_PROJECT_DATA").length, before, "B read the fresh entry A cached, not SAP");
  });

  it("disabling an account or changing its roles on one instance applies on the other at its next request", async (t) => {
    if (skip) return t.skip(skip);
    const [ca, cb] = [apiClient(a.url), apiClient(b.url)];
    const admin = await login(a);
    const created = await ca("POST", "/api/v1/users", {
      token: admin,
      body: { username: "two-instance-user", password: "a-long-enough-password", roles: ["finance"] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const userId = created.body.data.id as string;
    const token = (
      await cb("POST", "/api/v1/auth/login", {
        body: { username: "two-instance-user", password: "a-long-enough-password" },
      })
    ).body.data.access_token as string;
    // B caches the account's state (and verifies the token) on these reads.
    assert.equal((await cb("GET", "/api/v1/projects/PRJ-000007", { token })).status, 200);
    assert.equal((await cb("GET", "/api/v1/backups", { token })).status, 200, "finance may list backups");

    assert.equal(
      (await ca("PUT", `/api/v1/users/${userId}/roles`, { token: admin, body: { roles: ["viewer"] } })).status,
      200,
    );
    assert.equal((await cb("GET", "/api/v1/backups", { token })).status, 403, "the role change applied on B at once");
    assert.equal((await cb("GET", "/api/v1/projects/PRJ-000007", { token })).status, 200);

    assert.equal((await ca("POST", `/api/v1/users/${userId}/disable`, { token: admin })).status, 200);
    const refused = await cb("GET", "/api/v1/projects/PRJ-000007", { token });
    assert.equal(refused.status, 401, "the disabled account was refused on B at once");
    assert.match(refused.body.error.message, /disabled/);

    assert.equal((await ca("POST", `/api/v1/users/${userId}/enable`, { token: admin })).status, 200);
    const old = await cb("GET", "/api/v1/projects/PRJ-000007", { token });
    assert.equal(old.status, 401, "re-enabling does not revive a token issued before the disable, on B either");
    assert.match(old.body.error.message, /session has ended/);
    const fresh = (
      await cb("POST", "/api/v1/auth/login", {
        body: { username: "two-instance-user", password: "a-long-enough-password" },
      })
    ).body.data.access_token as string;
    assert.equal((await cb("GET", "/api/v1/projects/PRJ-000007", { token: fresh })).status, 200);
  });

  it("SAP failures seen by one instance open the circuit on the other", async (t) => {
    if (skip) return t.skip(skip);
    const [ca, cb] = [apiClient(a.url), apiClient(b.url)];
    const [ta, tb] = [await login(a), await login(b)];
    a.platform.simulators.sap!.setControls({ down: true });
    for (const id of ["PRJ-000061", "PRJ-000062"])
      assert.equal((await ca("GET", `/api/v1/projects/${id}`, { token: ta })).status, 503);
    const deadline = Date.now() + 5000;
    let status = 0;
    while (Date.now() < deadline && status !== 503) {
      status = (await cb("GET", "/api/v1/projects/PRJ-000063", { token: tb })).status;
      if (status !== 503) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 503, "B refuses while A's calls show SAP down, though B's own SAP link answers");
    assert.equal(b.platform.sap.availability.state, "down");
  });
});
