import assert from "node:assert/strict";
import { randomBytes, scryptSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { functions } from "../../../functions/catalog.js";
import { apiClient, startTestHost, type TestHost } from "../../support/test-host.js";

const SCRAPE_TOKEN = "scrape-token-for-tests-0123456789";
let host: TestHost;
let call: ReturnType<typeof apiClient>;

async function login(username: string, password: string) {
  return call("POST", "/api/v1/auth/login", { body: { username, password } });
}

async function adminToken(): Promise<string> {
  const r = await login("admin", "local-admin-password");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data.access_token;
}

async function createUser(admin: string, username: string, roles: string[]) {
  const r = await call("POST", "/api/v1/users", {
    token: admin,
    body: { username, password: "correct-horse-battery", roles },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const l = await login(username, "correct-horse-battery");
  assert.equal(l.status, 200);
  return {
    id: r.body.data.id as string,
    token: l.body.data.access_token as string,
    refresh: l.body.data.refresh_token as string,
  };
}

function signingKey(): Uint8Array {
  return new TextEncoder().encode(readFileSync(join(host.dataDir, "jwt-signing-key"), "utf8").trim());
}

describe("identity and the API envelope, through HTTP on the local host", () => {
  before(async () => {
    // Every test logs in from 127.0.0.1: give login a roomier per-address bucket. /auth/me
    // keeps the default burst but refills once a minute, so the rate-limit test's burst
    // ends in 429s however slowly the machine sends it.
    host = await startTestHost({
      METRICS_SCRAPE_TOKEN: SCRAPE_TOKEN,
      RATE_LIMIT_OVERRIDES: JSON.stringify({
        "auth-login": { perMinute: 6000, burst: 500 },
        "auth-me": { perMinute: 1, burst: 20 },
      }),
    });
    call = apiClient(host.url);
  });
  after(async () => host?.stop());

  it("logs the local admin in and shows the roles at /auth/me", async () => {
    const r = await login("admin", "local-admin-password");
    assert.equal(r.status, 200);
    assert.equal(r.body.success, true);
    assert.equal(r.body.data.token_type, "Bearer");
    assert.equal(r.body.data.expires_in, 900);
    assert.ok(r.body.timestamp && r.body.correlation_id);
    const me = await call("GET", "/api/v1/auth/me", { token: r.body.data.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.username, "admin");
    assert.deepEqual(me.body.data.roles, ["admin"]);
  });

  it("rotates refresh tokens; a reused one is refused and revokes its family", async () => {
    const first = (await login("admin", "local-admin-password")).body.data;
    const second = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: first.refresh_token } });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.data.refresh_token, first.refresh_token);
    const me = await call("GET", "/api/v1/auth/me", { token: second.body.data.access_token });
    assert.equal(me.status, 200);

    const reuse = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: first.refresh_token } });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.error.code, "UNAUTHORIZED");
    // The token issued by the legitimate rotation belongs to the revoked family too.
    const afterReuse = await call("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: second.body.data.refresh_token },
    });
    assert.equal(afterReuse.status, 401);

    const audit = await call("GET", "/api/v1/audit-log?action=auth.refresh_token_reused", {
      token: await adminToken(),
    });
    assert.equal(audit.status, 200);
    assert.ok(audit.body.data.items.length >= 1);
  });

  it("logout revokes the session's refresh token", async () => {
    const pair = (await login("admin", "local-admin-password")).body.data;
    const out = await call("POST", "/api/v1/auth/logout", {
      token: pair.access_token,
      body: { refresh_token: pair.refresh_token },
    });
    assert.equal(out.status, 200);
    assert.equal(out.body.data.revoked_sessions, 1);
    const refresh = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: pair.refresh_token } });
    assert.equal(refresh.status, 401);
  });

  it("refuses missing, foreign, unsigned, expired and not-yet-valid tokens with 401", async () => {
    const admin = await adminToken();
    const me = (await call("GET", "/api/v1/auth/me", { token: admin })).body.data;
    const claims = { username: "admin", roles: ["admin"] };
    const sign = (key: Uint8Array, edit: (jwt: SignJWT) => SignJWT = (j) => j) =>
      edit(
        new SignJWT(claims)
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(me.id)
          .setIssuer("finance-platform")
          .setAudience("finance-platform-api")
          // Milliseconds, as the platform signs: an earlier test's logout ended this account's
          // tokens issued before it, to the millisecond.
          .setIssuedAt(Date.now() / 1000),
      ).sign(key);

    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(
      JSON.stringify({
        ...claims,
        sub: me.id,
        iss: "finance-platform",
        aud: "finance-platform-api",
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    ).toString("base64url")}.`;
    const cases: Record<string, string | undefined> = {
      "no token": undefined,
      "another key": await sign(new TextEncoder().encode("x".repeat(48)), (j) => j.setExpirationTime("10m")),
      "alg none": none,
      expired: await sign(signingKey(), (j) =>
        j.setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60),
      ),
      "not yet valid": await sign(signingKey(), (j) => j.setNotBefore("1h").setExpirationTime("2h")),
      "wrong audience": await new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(me.id)
        .setIssuer("finance-platform")
        .setAudience("other")
        .setExpirationTime("10m")
        .sign(signingKey()),
    };
    for (const [name, token] of Object.entries(cases)) {
      const r = await call("GET", "/api/v1/auth/me", token ? { token } : {});
      assert.equal(r.status, 401, name);
      assert.equal(r.body.success, false, name);
      assert.equal(r.body.error.code, "UNAUTHORIZED", name);
    }
    // The real key with valid claims is accepted, so the cases above failed for their reason.
    const good = await sign(signingKey(), (j) => j.setExpirationTime("10m"));
    assert.equal((await call("GET", "/api/v1/auth/me", { token: good })).status, 200);
  });

  it("403s a viewer on an admin route and 401s a disabled user's token at once", async () => {
    const admin = await adminToken();
    const viewer = await createUser(admin, "vera.viewer", ["viewer"]);
    const forbidden = await call("GET", "/api/v1/users", { token: viewer.token });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, "FORBIDDEN");

    assert.equal((await call("POST", `/api/v1/users/${viewer.id}/disable`, { token: admin })).status, 200);
    assert.equal((await call("GET", "/api/v1/auth/me", { token: viewer.token })).status, 401);
    assert.equal((await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: viewer.refresh } })).status, 401);
    assert.equal((await login("vera.viewer", "correct-horse-battery")).status, 401);
  });

  it("administers users: list with pagination, set roles, reset password, audit", async () => {
    const admin = await adminToken();
    const u = await createUser(admin, "fiona.finance", ["viewer"]);
    const dup = await call("POST", "/api/v1/users", {
      token: admin,
      body: { username: "Fiona.Finance", password: "correct-horse-battery", roles: ["viewer"] },
    });
    assert.equal(dup.status, 409);

    const roles = await call("PUT", `/api/v1/users/${u.id}/roles`, {
      token: admin,
      body: { roles: ["finance", "analyst"] },
    });
    assert.deepEqual(roles.body.data.roles, ["finance", "analyst"]);
    const me = await call("GET", "/api/v1/auth/me", { token: u.token });
    assert.deepEqual(me.body.data.roles, ["finance", "analyst"], "role changes apply on the next request");

    const reset = await call("PUT", `/api/v1/users/${u.id}/password`, {
      token: admin,
      body: { password: "a-brand-new-password" },
    });
    assert.equal(reset.status, 200);
    assert.equal(
      (await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: u.refresh } })).status,
      401,
      "reset revokes sessions",
    );
    assert.equal((await login("fiona.finance", "a-brand-new-password")).status, 200);

    const page = await call("GET", "/api/v1/users?page=1&page_size=1", { token: admin });
    assert.equal(page.status, 200);
    assert.equal(page.body.data.items.length, 1);
    assert.ok(page.body.data.pagination.total >= 2);
    assert.equal(page.body.data.pagination.total_pages, page.body.data.pagination.total);
    const bad = await call("GET", "/api/v1/users?page_size=1000", { token: admin });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.fields[0].field, "page_size");

    const audit = await call(
      "GET",
      `/api/v1/audit-log?user_id=${(await call("GET", "/api/v1/auth/me", { token: admin })).body.data.id}`,
      { token: admin },
    );
    const actions = audit.body.data.items.map((i: { action: string }) => i.action);
    for (const a of ["user.created", "user.roles_changed", "user.password_reset", "auth.login"])
      assert.ok(actions.includes(a), `audit has ${a}`);
  });

  it("answers bad input with 400 naming the field, oversized bodies with 413, unknown routes with 404", async () => {
    const admin = await adminToken();
    const missing = await call("POST", "/api/v1/users", {
      token: admin,
      body: { username: "ok.name", roles: ["viewer"] },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, "VALIDATION_ERROR");
    assert.deepEqual(
      missing.body.error.details.fields.map((f: { field: string }) => f.field),
      ["password"],
    );

    const weak = await call("POST", "/api/v1/users", {
      token: admin,
      body: { username: "weak.walter", password: "aaaaaaaaaaaa", roles: ["viewer"] },
    });
    assert.equal(weak.status, 400);
    assert.deepEqual(weak.body.error.details.fields, [
      { field: "password", message: "must not repeat a character or a short pattern", location: "body" },
    ]);
    const ownName = await call("POST", "/api/v1/users", {
      token: admin,
      body: { username: "weak.walter", password: "weak.walter-2026", roles: ["viewer"] },
    });
    assert.equal(ownName.body.error.details.fields[0].message, "must not contain the username");

    const malformed = await call("POST", "/api/v1/auth/login", { rawBody: "{not json" });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.details.fields[0].field, "body");

    const huge = await call("POST", "/api/v1/auth/login", {
      rawBody: JSON.stringify({ username: "a", password: "x".repeat(1_100_000) }),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, "PAYLOAD_TOO_LARGE");

    const unknown = await call("GET", "/api/v1/no-such-thing", { token: admin });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, "NOT_FOUND");
    for (const r of [missing, malformed, huge, unknown]) {
      assert.ok(!JSON.stringify(r.body).includes("    at "), "no stack trace in a response");
    }
  });

  it("returns the caller's x-correlation-id, or a new one, on every response", async () => {
    const given = await call("GET", "/api/health", { headers: { "x-correlation-id": "trace-abc-123" } });
    assert.equal(given.headers.get("x-correlation-id"), "trace-abc-123");
    assert.equal(given.body.correlation_id, "trace-abc-123");
    const fresh = await call("GET", "/api/v1/auth/me");
    assert.match(fresh.headers.get("x-correlation-id") ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(fresh.body.correlation_id, fresh.headers.get("x-correlation-id"));
  });

  it("rate limits one user per endpoint: 25 rapid requests end in 429 with Retry-After and X-RateLimit-*", async () => {
    const admin = await adminToken();
    const user = await createUser(admin, "rapid.rita", ["viewer"]);
    const responses = [];
    for (let i = 0; i < 25; i++) responses.push(await call("GET", "/api/v1/auth/me", { token: user.token }));
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    assert.equal(ok.length, 20, "the burst of 20 passes");
    assert.equal(limited.length, 5);
    for (const r of responses) {
      assert.equal(r.headers.get("x-ratelimit-limit"), "20");
      assert.ok(r.headers.get("x-ratelimit-remaining") !== null && r.headers.get("x-ratelimit-reset") !== null);
    }
    assert.equal(limited[0]!.body.error.code, "RATE_LIMITED");
    assert.ok(Number(limited[0]!.headers.get("retry-after")) >= 1);
    assert.equal(ok.at(-1)!.headers.get("x-ratelimit-remaining"), "0");
    // Another user and another endpoint have their own buckets.
    assert.equal((await call("GET", "/api/v1/auth/me", { token: admin })).status, 200);
  });

  it("locks out a username after repeated failures, the same way whether or not it exists", async () => {
    for (const username of ["admin2-does-not-exist", "locked.larry"]) {
      if (username === "locked.larry") await createUser(await adminToken(), username, ["viewer"]);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(username, "wrong-password!")).status);
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429], username);
      const locked = await login(username, "correct-horse-battery");
      assert.equal(locked.status, 429, `${username} stays locked even with the right password`);
      assert.equal(locked.body.error.code, "TOO_MANY_ATTEMPTS");
      assert.ok(Number(locked.headers.get("retry-after")) > 0);
    }
  });

  it("keeps self-registration off by default", async () => {
    const r = await call("POST", "/api/v1/auth/register", {
      body: { username: "newbie", password: "correct-horse-battery" },
    });
    assert.equal(r.status, 404);
  });

  it("serves /api/openapi.json covering every registered HTTP function, and /api/docs", async () => {
    const doc = await call("GET", "/api/openapi.json");
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, "3.1.0");
    const operations = new Map<string, string>();
    for (const [path, item] of Object.entries(
      doc.body.paths as Record<string, Record<string, { operationId: string }>>,
    )) {
      for (const [method, op] of Object.entries(item))
        operations.set(op.operationId, `${method.toUpperCase()} ${path}`);
    }
    // The local host's own simulator controls are not part of the deployed API, nor documented in it.
    const http = host.registrations.filter(
      (r) => r.kind === "http" && r.name !== "route-not-found" && !r.name.startsWith("local-"),
    );
    assert.ok(http.length >= 18);
    for (const r of http) {
      assert.ok(r.kind === "http");
      assert.equal(operations.get(r.name), `${r.options.methods[0]} /api/${r.options.route}`, r.name);
    }
    const login = doc.body.paths["/api/v1/auth/login"].post;
    assert.deepEqual(login.requestBody.content["application/json"].schema.required, ["username", "password"]);

    const page = await call("GET", "/api/docs");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(page.body, /swagger-ui/);
    const bundle = await fetch(`${host.url}/api/docs/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.text()).length > 100_000);
    for (const name of ["constructor", "toString", "__proto__", "package.json"]) {
      const missing = await call("GET", `/api/docs/${name}`);
      assert.equal(missing.status, 404, name);
    }
    assert.equal(functions.filter((f) => f.kind === "http").length, http.length + 1);
  });

  it("serves Prometheus metrics to an admin or the scrape token only", async () => {
    const admin = await adminToken();
    const viewer = await createUser(admin, "metrics.mia", ["viewer"]);
    await call("GET", "/api/v1/auth/me", { token: admin });
    const r = await call("GET", "/api/metrics", { token: admin });
    assert.equal(r.status, 200);
    assert.match(r.body, /api_requests_total\{endpoint="v1\/auth\/me",method="GET",status="200"\} \d+/);
    assert.match(r.body, /api_request_duration_seconds_bucket/);
    assert.match(r.body, /queue_depth\{queue="report-requests"\} 0/);
    assert.equal((await call("GET", "/api/metrics", { token: SCRAPE_TOKEN })).status, 200);
    assert.equal((await call("GET", "/api/metrics")).status, 401);
    assert.equal((await call("GET", "/api/metrics", { token: viewer.token })).status, 403);
  });

  it("upgrades a password hash made with older scrypt parameters at the next login", async () => {
    const admin = await adminToken();
    const user = await createUser(admin, "old.hash.olga", ["viewer"]);
    const salt = randomBytes(16);
    const key = scryptSync("correct-horse-battery", salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const db = host.platform.database.db;
    const old = ["scrypt", 32768, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
    await db.updateTable("users").set({ password_hash: old }).where("id", "=", user.id).execute();
    assert.equal((await login("old.hash.olga", "correct-horse-battery")).status, 200, "the old hash still verifies");
    const stored = await db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    assert.match(stored.password_hash, /^scrypt\$32768\$8\$3\$/);
    assert.equal((await login("old.hash.olga", "correct-horse-battery")).status, 200, "and the new one too");
  });

  it("reports liveness and per-dependency readiness", async () => {
    const live = await call("GET", "/api/health");
    assert.equal(live.status, 200);
    const ready = await call("GET", "/api/health/ready");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.data.status, "ready");
    const names = ready.body.data.dependencies.map((d: { name: string }) => d.name);
    assert.deepEqual(names, ["sql", "cache", "queue", "blob", "secrets", "sap"]);
    for (const d of ready.body.data.dependencies) assert.equal(d.status, "up", d.name);
  });
});
