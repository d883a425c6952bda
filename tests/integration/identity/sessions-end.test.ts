import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "../../support/manual-clock.js";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";

// Issue 16: re-enabling a user revived access tokens issued before the disable. Tokens
// issued before a disable, logout, refresh-token reuse or password reset must stop working.

const PASSWORD = "correct-horse-battery";
const clock = new ManualClock("2026-03-02T09:00:00.000Z");
let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;

before(async () => {
  host = await startTestHost({}, { timers: false, clock });
  call = apiClient(host.url);
  admin = await loginAs(call);
});
after(() => host.stop());

/** A new viewer and its first token pair. */
async function newUser(username: string) {
  const created = await call("POST", "/api/v1/users", {
    token: admin,
    body: { username, password: PASSWORD, roles: ["viewer"] },
  });
  assert.equal(created.status, 201);
  const pair = (await call("POST", "/api/v1/auth/login", { body: { username, password: PASSWORD } })).body.data;
  return { id: created.body.data.id as string, access: pair.access_token as string, refresh: pair.refresh_token };
}

async function meWith(token: string) {
  return call("GET", "/api/v1/auth/me", { token });
}

function assertEnded(r: Awaited<ReturnType<typeof meWith>>, what: string) {
  assert.equal(r.status, 401, what);
  assert.equal(r.body.error.message, "The session has ended; sign in again", what);
}

describe("ending an account's sessions ends its access tokens", () => {
  it("a disable: re-enabling the user does not revive tokens issued before it", async () => {
    const user = await newUser("ended.by.disable");
    clock.advance(1);
    assert.equal((await call("POST", `/api/v1/users/${user.id}/disable`, { token: admin })).status, 200);
    assert.equal((await call("POST", `/api/v1/users/${user.id}/enable`, { token: admin })).status, 200);
    assertEnded(await meWith(user.access), "the token from before the disable");
    const again = await call("POST", "/api/v1/auth/login", {
      body: { username: "ended.by.disable", password: PASSWORD },
    });
    assert.equal((await meWith(again.body.data.access_token)).status, 200, "a new sign-in works at once");
  });

  it("a password reset", async () => {
    const user = await newUser("ended.by.reset");
    clock.advance(1);
    const reset = await call("PUT", `/api/v1/users/${user.id}/password`, {
      token: admin,
      body: { password: "walnut ferry lantern" },
    });
    assert.equal(reset.status, 200);
    assertEnded(await meWith(user.access), "the token from before the reset");
  });

  it("a logout, for every token of the account", async () => {
    const user = await newUser("ended.by.logout");
    const second = (
      await call("POST", "/api/v1/auth/login", { body: { username: "ended.by.logout", password: PASSWORD } })
    ).body.data.access_token as string;
    clock.advance(1);
    assert.equal((await call("POST", "/api/v1/auth/logout", { token: user.access, body: {} })).status, 200);
    assertEnded(await meWith(user.access), "the token that logged out");
    assertEnded(await meWith(second), "the account's other token");
  });

  it("a refresh-token reuse, including the token the thief refreshed to", async () => {
    const user = await newUser("ended.by.reuse");
    clock.advance(1);
    const rotated = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: user.refresh } });
    assert.equal(rotated.status, 200);
    clock.advance(1);
    const reused = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: user.refresh } });
    assert.equal(reused.status, 401);
    assertEnded(await meWith(rotated.body.data.access_token), "the token the reused refresh token had produced");
    assertEnded(await meWith(user.access), "the first token");
  });

  it("leaves other accounts alone", async () => {
    const bystander = await newUser("bystander.bea");
    const other = await newUser("ended.other");
    clock.advance(1);
    await call("POST", `/api/v1/users/${other.id}/disable`, { token: admin });
    assert.equal((await meWith(bystander.access)).status, 200);
  });
});
