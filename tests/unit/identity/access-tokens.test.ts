import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AccessTokens } from "../../../shared/systems/identity/access-tokens.js";

const claims = { userId: "u-1", username: "ana", roles: ["finance"] as const };

/** Tokens over a key and a clock the test turns. */
function tokens(ttlSeconds = 60) {
  const state = { key: new Uint8Array(32).fill(7), now: Date.UTC(2026, 10, 23, 12, 0, 0) };
  const issuer = new AccessTokens({
    key: async () => state.key,
    issuer: "fip",
    audience: "fip-api",
    ttlSeconds,
    clock: { now: () => new Date(state.now) },
  });
  return { state, issuer };
}

describe("access tokens", () => {
  it("a token verifies on every use within its lifetime", async () => {
    const { issuer, state } = tokens();
    const issuedAt = state.now / 1000;
    const token = await issuer.sign({ ...claims, roles: [...claims.roles] });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await issuer.verify(token), { userId: "u-1", username: "ana", roles: ["finance"], issuedAt });
      state.now += 10_000;
    }
  });

  it("a token that verified before is refused once it expires", async () => {
    const { issuer, state } = tokens(60);
    const token = await issuer.sign({ ...claims, roles: [...claims.roles] });
    await issuer.verify(token);
    state.now += 59_000;
    await issuer.verify(token);
    state.now += 1_000;
    await assert.rejects(issuer.verify(token), /has expired/);
  });

  it("after a key rotation, tokens signed with the old key are refused, even ones seen before", async () => {
    const { issuer, state } = tokens();
    const token = await issuer.sign({ ...claims, roles: [...claims.roles] });
    await issuer.verify(token);
    state.key = new Uint8Array(32).fill(9);
    await assert.rejects(issuer.verify(token), /invalid/);
    const fresh = await issuer.sign({ ...claims, roles: [...claims.roles] });
    assert.equal((await issuer.verify(fresh)).userId, "u-1");
  });

  it("a tampered token is refused, whatever was verified before", async () => {
    const { issuer } = tokens();
    const token = await issuer.sign({ ...claims, roles: [...claims.roles] });
    await issuer.verify(token);
    const [header, payload, signature] = token.split(".");
    const body = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...body, roles: ["admin"] })).toString("base64url");
    await assert.rejects(issuer.verify(`${header}.${forged}.${signature}`), /invalid/);
    await assert.rejects(issuer.verify(`${header}.${payload}.${signature!.slice(0, -2)}AA`), /invalid/);
  });

  it("refuses alg none and tokens from another key", async () => {
    const { issuer, state } = tokens();
    const other = new AccessTokens({
      key: async () => new Uint8Array(32).fill(1),
      issuer: "fip",
      audience: "fip-api",
      ttlSeconds: 60,
      clock: { now: () => new Date(state.now) },
    });
    await assert.rejects(issuer.verify(await other.sign({ ...claims, roles: [...claims.roles] })), /invalid/);
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "u-1", username: "ana", roles: ["admin"], iss: "fip", aud: "fip-api", exp: 4102444800 })).toString("base64url")}.`;
    await assert.rejects(issuer.verify(none), /invalid/);
  });
});
