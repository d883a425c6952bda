import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";

// A browser front end on another origin, over real HTTP: preflights answered before
// authentication and rate limiting, actual responses readable only by allowed origins.

const FRONT_END = "https://finance.example.com";
const OTHER = "https://evil.example.net";

let host: TestHost;
// node:http, not fetch: the requests carry Origin as a browser would send it.
let call: ReturnType<typeof apiClient>;
let admin: string;

before(async () => {
  host = await startTestHost(
    { CORS_ALLOWED_ORIGINS: `${FRONT_END}, https://admin.example.com`, RATE_LIMIT_BURST: "2" },
    { timers: false },
  );
  call = apiClient(host.url, { localAddress: "127.0.0.1" });
  admin = await loginAs(call);
});
after(() => host.stop());

const preflight = (path: string, origin: string, method = "PATCH") =>
  call("OPTIONS", path, {
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization, content-type, if-match",
    },
  });

describe("CORS preflight", () => {
  it("answers an allowed origin with 204 and the allow headers, without a token", async () => {
    const r = await preflight("/api/v1/projects/P-1001", FRONT_END);
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin"), FRONT_END);
    const methods = r.headers.get("access-control-allow-methods")!.split(/,\s*/);
    assert.ok(methods.includes("PATCH") && methods.includes("GET"), methods.join());
    const allowed = r.headers.get("access-control-allow-headers")!.toLowerCase().split(/,\s*/);
    for (const h of ["authorization", "content-type", "if-match", "idempotency-key"]) assert.ok(allowed.includes(h), h);
    assert.equal(r.headers.get("access-control-max-age"), "7200");
    assert.equal(r.headers.get("vary"), "Origin");
    assert.equal(r.headers.get("access-control-allow-credentials"), null, "bearer tokens, no cookies");
  });

  it("answers on routes whose functions share a template and on POST-only routes", async () => {
    for (const path of ["/api/v1/users", "/api/v1/projects/P-1001/billing", "/api/v1/users/some-id/roles"]) {
      const r = await preflight(path, FRONT_END, "POST");
      assert.equal(r.status, 204, path);
      assert.equal(r.headers.get("access-control-allow-origin"), FRONT_END, path);
    }
  });

  it("refuses another origin with 403 and no CORS header", async () => {
    const r = await preflight("/api/v1/projects/P-1001", OTHER);
    assert.equal(r.status, 403);
    assert.equal(r.headers.get("access-control-allow-origin"), null);
    assert.equal(r.headers.get("access-control-allow-methods"), null);
  });

  it("is never rate limited (burst 2, ten preflights)", async () => {
    for (let i = 0; i < 10; i++) assert.equal((await preflight("/api/v1/users", FRONT_END, "GET")).status, 204);
  });
});

describe("CORS on actual responses", () => {
  it("lets an allowed origin read the answer and the headers it needs", async () => {
    const r = await call("GET", "/api/v1/users", { token: admin, headers: { origin: FRONT_END } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("access-control-allow-origin"), FRONT_END);
    assert.match(r.headers.get("vary")!, /\bOrigin\b/);
    const exposed = r.headers.get("access-control-expose-headers")!.toLowerCase().split(/,\s*/);
    for (const h of ["x-correlation-id", "retry-after", "etag", "location", "x-ratelimit-remaining", "x-demo-mode"])
      assert.ok(exposed.includes(h), h);
  });

  it("lets it read an error too (401 without a token)", async () => {
    const r = await call("GET", "/api/v1/users", { headers: { origin: "https://admin.example.com" } });
    assert.equal(r.status, 401);
    assert.equal(r.headers.get("access-control-allow-origin"), "https://admin.example.com");
  });

  it("gives another origin no CORS header, and still says the answer varies by Origin", async () => {
    const r = await call("GET", "/api/v1/users", { token: admin, headers: { origin: OTHER } });
    assert.equal(r.status, 200, "the server answers; the browser keeps it from the page");
    assert.equal(r.headers.get("access-control-allow-origin"), null);
    assert.equal(r.headers.get("access-control-expose-headers"), null);
    assert.equal(r.headers.get("vary"), "Origin");
  });
});
