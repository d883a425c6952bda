import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InProcessCache } from "../../../shared/adapters/embedded/memory-cache.js";
import { RateLimitedError } from "../../../shared/kernel/errors.js";
import { LoginThrottle, throttleClientOf } from "../../../shared/systems/identity/login-throttle.js";

const options = { maxFailures: 5, lockoutSeconds: 900 };

/** Begins an attempt; true when it was let through (a failure from then on unless it ends otherwise). */
async function tryBegin(throttle: LoginThrottle, username: string, ip: string | undefined) {
  try {
    return await throttle.begin(username, ip);
  } catch (error) {
    assert.ok(error instanceof RateLimitedError && error.code === "TOO_MANY_ATTEMPTS", String(error));
    assert.ok(error.retryAfterSeconds > 0 && error.retryAfterSeconds <= 900);
    return undefined;
  }
}

describe("login throttle (in-process cache)", () => {
  it("lets through only LOGIN_MAX_FAILURES of many concurrent attempts, checking and counting as one step", async () => {
    const throttle = new LoginThrottle(new InProcessCache(), options);
    const attempts = await Promise.all(Array.from({ length: 50 }, () => tryBegin(throttle, "Pat", "198.51.100.1")));
    assert.equal(attempts.filter(Boolean).length, 5);
    assert.equal(await tryBegin(throttle, "pat", "198.51.100.1"), undefined, "usernames count case-insensitively");
    assert.ok(await tryBegin(throttle, "pat", "198.51.100.2"), "another client still gets through");
  });

  it("a success starts the pair over and counts nowhere; an attempt with no verdict is given back", async () => {
    const throttle = new LoginThrottle(new InProcessCache(), options);
    for (let i = 0; i < 4; i++) assert.ok(await tryBegin(throttle, "sam", "198.51.100.1"));
    for (let round = 0; round < 30; round++) await (await tryBegin(throttle, "sam", "198.51.100.1"))!.succeeded();
    for (let i = 0; i < 20; i++) await (await tryBegin(throttle, "sam", "198.51.100.1"))!.abandoned();
    for (let i = 0; i < 5; i++) assert.ok(await tryBegin(throttle, "sam", "198.51.100.1"), `failure ${i + 1} after`);
    assert.equal(await tryBegin(throttle, "sam", "198.51.100.1"), undefined);
  });

  it("escalates: a client at 4x across accounts, an account at 4x across clients; refused attempts count nowhere", async () => {
    const throttle = new LoginThrottle(new InProcessCache(), options);
    // One client walking the user list: 20 failures, then it is refused for any account.
    for (let i = 0; i < 20; i++) assert.ok(await tryBegin(throttle, `user${i}`, "203.0.113.9"));
    assert.equal(await tryBegin(throttle, "someone-else", "203.0.113.9"), undefined);
    // Hammering a locked pair adds nothing to the account: the admin stays open to others.
    for (let i = 0; i < 5; i++) assert.ok(await tryBegin(throttle, "admin", "203.0.113.1"));
    for (let i = 0; i < 100; i++) assert.equal(await tryBegin(throttle, "admin", "203.0.113.1"), undefined);
    for (const ip of ["203.0.113.2", "203.0.113.3"])
      for (let i = 0; i < 5; i++) assert.ok(await tryBegin(throttle, "admin", ip));
    assert.ok(await tryBegin(throttle, "admin", "203.0.113.4"), "15 failures + this one: not yet");
    for (let i = 0; i < 4; i++) assert.ok(await tryBegin(throttle, "admin", "203.0.113.5"));
    assert.equal(await tryBegin(throttle, "admin", "203.0.113.6"), undefined, "20 failures: locked for everyone");
  });

  it("counts an IPv6 client by its /64", async () => {
    const throttle = new LoginThrottle(new InProcessCache(), options);
    for (let i = 1; i <= 5; i++) assert.ok(await tryBegin(throttle, "vic", `2001:db8:1:2::${i}`));
    assert.equal(await tryBegin(throttle, "vic", "2001:db8:1:2:ffff:1:2:3"), undefined, "same /64");
    assert.ok(await tryBegin(throttle, "vic", "2001:db8:1:3::1"), "another /64");
  });

  const clients: [string | undefined, string][] = [
    ["198.51.100.7", "198.51.100.7"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002::9", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::198.51.100.7", "64:ff9b:0:0::/64"],
    [undefined, "unknown"],
  ];
  for (const [ip, client] of clients) {
    it(`counts ${String(ip)} as ${client}`, () => assert.equal(throttleClientOf(ip), client));
  }
});
