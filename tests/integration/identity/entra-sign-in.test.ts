import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey } from "jose";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";

/**
 * Entra ID sign-in against a stand-in for the tenant's key endpoint (a JWKS served over
 * HTTP on the loopback), through HTTP on the local host.
 */
const TENANT = randomUUID();
const AUDIENCE = randomUUID(); // the API app registration's application (client) ID
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const ANA = randomUUID(); // Ana's object id

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let jwks: Server;
/** How the key endpoint answers: with the keys, with 500, or by dropping the connection. */
let keyEndpoint: "up" | "error" | "down" = "down";
let keyFetches = 0;
let signing: { privateKey: CryptoKey; publicKey: CryptoKey };
let stranger: { privateKey: CryptoKey };

interface TokenEdit {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  issuer?: string;
  audience?: string;
  /** Seconds from now. */
  issuedAt?: number;
  expiresIn?: number;
  key?: CryptoKey | Uint8Array;
  alg?: string;
}

/** An access token as Entra ID issues it for the API (v2), edited as asked. */
function entraToken(edit: TokenEdit = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + (edit.issuedAt ?? 0);
  return new SignJWT({
    oid: ANA,
    tid: TENANT,
    azp: "3a0d7c51-9d0e-4b7e-8d55-2f6f1a1f0c11",
    preferred_username: "ana@contoso.example",
    name: "Ana Souza",
    roles: ["Platform.Finance"],
    ver: "2.0",
    ...edit.claims,
  })
    .setProtectedHeader({ alg: edit.alg ?? "RS256", typ: "JWT", kid: "key-1", ...edit.header })
    .setIssuer(edit.issuer ?? ISSUER)
    .setAudience(edit.audience ?? AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (edit.expiresIn ?? 3600))
    .sign(edit.key ?? signing.privateKey);
}

const me = (token: string) => call("GET", "/api/v1/auth/me", { token });

describe("Microsoft Entra ID access tokens, verified against a local JWKS, through HTTP", () => {
  before(async () => {
    signing = await generateKeyPair("RS256");
    stranger = await generateKeyPair("RS256");
    const published = { keys: [{ ...(await exportJWK(signing.publicKey)), kid: "key-1", alg: "RS256", use: "sig" }] };
    jwks = createServer((req, res) => {
      keyFetches++;
      if (keyEndpoint === "down") return req.socket.destroy();
      if (keyEndpoint === "error") return res.writeHead(500).end("unavailable");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(published));
    });
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    const { port } = jwks.address() as { port: number };
    host = await startTestHost({
      ENTRA_TENANT_ID: TENANT,
      ENTRA_AUDIENCE: AUDIENCE,
      ENTRA_JWKS_URL: `http://127.0.0.1:${port}/${TENANT}/discovery/v2.0/keys`,
      RATE_LIMIT_OVERRIDES: JSON.stringify({ "auth-me": { perMinute: 6000, burst: 500 } }),
    });
    call = apiClient(host.url);
  });
  after(async () => {
    await host?.stop();
    jwks?.closeAllConnections();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  // First, while no key has ever been fetched: the instance cannot check any Entra token.
  it("answers 503 with Retry-After, not 500, while the tenant's keys cannot be fetched", async () => {
    const token = await entraToken();
    for (const mode of ["down", "error"] as const) {
      keyEndpoint = mode;
      const r = await me(token);
      assert.equal(r.status, 503, `${mode}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "SERVICE_UNAVAILABLE");
      assert.match(r.body.error.message, /Entra ID/);
      assert.equal(r.headers.get("retry-after"), "30");
    }
    keyEndpoint = "up";
    assert.equal((await me(token)).status, 200);
  });

  it("accepts a valid token with the role of its app role, named after the person", async () => {
    const token = await entraToken();
    const r = await me(token);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.id, ANA);
    assert.equal(r.body.data.username, "ana@contoso.example");
    assert.deepEqual(r.body.data.roles, ["finance"]);
    assert.equal(r.body.data.provider, "entra");
    assert.equal(r.body.data.tenant_id, TENANT);

    assert.equal((await call("GET", "/api/v1/reconciliation/runs", { token })).status, 200);
    const admin = await call("GET", "/api/v1/users", { token });
    assert.equal(admin.status, 403);
    assert.equal(admin.body.error.code, "FORBIDDEN");
  });

  it("audits an Entra admin's actions under its object id, and each token's first use naming the person", async () => {
    const ben = randomUUID();
    const asBen = (issuedAt: number) =>
      entraToken({
        issuedAt,
        claims: { oid: ben, preferred_username: "ben@contoso.example", roles: ["Platform.Admin", "Some.Other.Role"] },
      });
    const [first, second] = [await asBen(-20), await asBen(-10)];
    const created = await call("POST", "/api/v1/users", {
      token: first,
      body: { username: "made-by-entra", password: "correct-horse-battery", roles: ["viewer"] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const audit = async (action: string) =>
      (await call("GET", `/api/v1/audit-log?user_id=${ben}&action=${action}`, { token: first })).body.data.items;
    assert.deepEqual(
      (await audit("user.created")).map((i: { resource_id: string }) => i.resource_id),
      [created.body.data.id],
    );
    // The first token used three times, the second once: one entry per token.
    assert.equal((await me(second)).status, 200);
    const signIns = await audit("auth.entra_sign_in");
    assert.equal(signIns.length, 2, JSON.stringify(signIns));
    assert.deepEqual(signIns[0].details, { username: "ben@contoso.example", tenant_id: TENANT, roles: ["admin"] });
    assert.equal(signIns[0].ip_address, "127.0.0.1");
  });

  it("a token with none of the platform's app roles is authenticated but forbidden (403)", async () => {
    // No roles claim at all, an empty one, and values that differ in case or belong to another app.
    for (const roles of [undefined, [], ["Platform.admin", "Other.Admin"]]) {
      const r = await me(await entraToken({ claims: { roles } }));
      assert.equal(r.status, 403, JSON.stringify(roles));
      assert.match(r.body.error.message, /none of this platform's app roles/);
    }
  });

  it("refuses a wrong audience, a wrong issuer, another tenant, an ID token and an expired token with 401", async () => {
    const otherTenant = randomUUID();
    const refused: Record<string, string> = {
      "wrong audience": await entraToken({ audience: randomUUID() }),
      "the v1 issuer (not configured)": await entraToken({ issuer: `https://sts.windows.net/${TENANT}/` }),
      "another tenant's issuer": await entraToken({
        issuer: `https://login.microsoftonline.com/${otherTenant}/v2.0`,
        claims: { tid: otherTenant },
      }),
      "another tenant id": await entraToken({ claims: { tid: otherTenant } }),
      "an ID token (no azp)": await entraToken({ claims: { azp: undefined } }),
      "no object id": await entraToken({ claims: { oid: undefined } }),
      expired: await entraToken({ issuedAt: -7200, expiresIn: 3600 }),
      "not yet valid": await entraToken({ issuedAt: 600 }),
    };
    for (const [what, token] of Object.entries(refused)) {
      const r = await me(token);
      assert.equal(r.status, 401, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, "UNAUTHORIZED");
    }
    assert.match((await me(refused.expired!)).body.error.message, /expired/);
    // What a misconfigured client needs to know.
    assert.match((await me(refused["wrong audience"]!)).body.error.message, /"aud" claim/);
    assert.match((await me(refused["the v1 issuer (not configured)"]!)).body.error.message, /"iss" claim/);
    assert.match((await me(refused["an ID token (no azp)"]!)).body.error.message, /not an access token/);
  });

  it("refuses a token signed by a key the tenant does not publish, without refetching the keys each time", async () => {
    const fetchesBefore = keyFetches;
    for (const kid of ["key-2", "key-1"]) {
      const r = await me(await entraToken({ key: stranger.privateKey, header: { kid } }));
      assert.equal(r.status, 401, kid);
    }
    const noKid = await me(await entraToken({ key: stranger.privateKey, header: { kid: undefined } }));
    assert.equal(noKid.status, 401);
    assert.equal(keyFetches, fetchesBefore);
  });

  it("refuses HS256 tokens dressed as Entra ID's: keyed with the public key, or with the platform's own key", async () => {
    const publicPem = new TextEncoder().encode(await exportSPKI(signing.publicKey));
    const publicJwk = new TextEncoder().encode(JSON.stringify(await exportJWK(signing.publicKey)));
    const platformKey = new TextEncoder().encode(readFileSync(join(host.dataDir, "jwt-signing-key"), "utf8").trim());
    for (const key of [publicPem, publicJwk, platformKey]) {
      const r = await me(await entraToken({ alg: "HS256", key, claims: { roles: ["Platform.Admin"] } }));
      assert.equal(r.status, 401, JSON.stringify(r.body));
    }
    const unsigned = (await entraToken()).split(".");
    const none = Buffer.from(JSON.stringify({ alg: "none", kid: "key-1" })).toString("base64url");
    assert.equal((await me(`${none}.${unsigned[1]}.`)).status, 401);
  });

  it("keeps local sign-in working beside it; sessions are local accounts' only", async () => {
    const local = await me(await loginAs(call));
    assert.equal(local.status, 200);
    assert.equal(local.body.data.provider, "local");
    assert.deepEqual(local.body.data.roles, ["admin"]);

    const logout = await call("POST", "/api/v1/auth/logout", { token: await entraToken() });
    assert.equal(logout.status, 400);
    assert.match(logout.body.error.message, /local accounts/);
  });
});
