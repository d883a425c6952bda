import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { Redis } from "ioredis";
import { connectRedis } from "../../../shared/adapters/redis/redis-cache.js";
import { REDIS_TOKEN_SCOPE, entraSignInOf } from "../../../shared/adapters/redis/redis-entra-auth.js";
import { startRedis, type RedisServer } from "../../support/redis-server.js";

const OID = "0b6f3a52-5c0e-4d1e-9a43-3c1f0f7f2a10";

/** Hands out JWT-shaped tokens (the oid claim is what the client reads), a new one per call. */
class TokenIssuer implements TokenCredential {
  issued = 0;
  scopes: string[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...[scopes].flat());
    const payload = Buffer.from(JSON.stringify({ oid: OID, n: ++this.issued })).toString("base64url");
    return { token: `eyJhbGciOiJub25lIn0.${payload}.sig`, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
  /** The token the next getToken returns. */
  peekNext(): string {
    return `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ oid: OID, n: this.issued + 1 })).toString("base64url")}.sig`;
  }
}

let server: RedisServer | undefined;
let admin: Redis | undefined;
let skip: string | undefined;

describe("Redis with Microsoft Entra ID (REDIS_AUTH=entra) against a real redis-server", () => {
  before(async () => {
    const started = await startRedis();
    if ("skip" in started) return void (skip = started.skip);
    server = started;
    admin = await connectRedis(server.url, { kind: "password", password: undefined }, { commandTimeoutMs: 2000 });
  });
  after(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it("signs in as the identity's object id with the token, and re-authenticates with a new one", async (t) => {
    if (skip) return t.skip(skip);
    const issuer = new TokenIssuer();
    // The server accepts the identity with exactly the first token, as Entra-enabled Redis would.
    await admin!.call("ACL", "SETUSER", OID, "on", "resetpass", `>${issuer.peekNext()}`, "~*", "&*", "+@all");
    const client = await connectRedis(server!.url, { kind: "entra", credential: issuer }, { commandTimeoutMs: 2000 });
    try {
      assert.deepEqual(issuer.scopes, [REDIS_TOKEN_SCOPE]);
      assert.equal(await client.call("ACL", "WHOAMI"), OID);
      await client.set("entra:key", "v1");

      // The token rotates: only the next one is accepted from now on.
      await admin!.call("ACL", "SETUSER", OID, "resetpass", `>${issuer.peekNext()}`);
      const auth = entraSignInOf(client);
      assert.ok(auth, "the client keeps an Entra sign-in");
      await auth.renew();
      assert.equal(issuer.issued, 2);
      assert.equal(await client.get("entra:key"), "v1");

      // A reconnect (server-side kill) signs in with the renewed token, not the first one.
      await admin!.call("CLIENT", "KILL", "USER", OID);
      await new Promise((resolve) => client.once("ready", resolve));
      assert.equal(await client.call("ACL", "WHOAMI"), OID);
      assert.equal(await client.get("entra:key"), "v1");
    } finally {
      client.disconnect();
    }
  });

  it("is refused when the token is not the one the server accepts", async (t) => {
    if (skip) return t.skip(skip);
    const issuer = new TokenIssuer();
    await admin!.call("ACL", "SETUSER", OID, "on", "resetpass", ">some-other-token");
    await assert.rejects(
      connectRedis(server!.url, { kind: "entra", credential: issuer }, { commandTimeoutMs: 2000 }),
      /WRONGPASS/,
    );
  });
});
