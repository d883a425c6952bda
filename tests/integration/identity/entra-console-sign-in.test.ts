import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ENTRA_PEOPLE } from "../../../local/simulators/entra-partner.js";
import { LOCAL_ENTRA } from "../../../local/simulators/entra.js";
import { apiClient, startTestHost, type TestHost } from "../../support/test-host.js";

/**
 * The console's "Sign in with Microsoft", as a single-page application drives it: the
 * anonymous config route, then the authorization code flow with PKCE against the local
 * Entra ID simulator, whose tokens the API verifies with its real Entra ID verifier.
 */
const ANA = ENTRA_PEOPLE.find((p) => p.name === "Ana Souza")!;
const NILS = ENTRA_PEOPLE.find((p) => p.roles.length === 0)!;

interface Config {
  authority: string;
  clientId: string;
  scope: string;
}

describe("Entra ID sign-in for the console, against the local simulator, through HTTP", () => {
  let host: TestHost;
  let call: ReturnType<typeof apiClient>;
  let entra: Config;
  before(async () => {
    host = await startTestHost();
    call = apiClient(host.url);
    const answer = await call("GET", "/api/v1/auth/config");
    assert.equal(answer.status, 200);
    entra = answer.body.data.entra;
  });
  after(async () => host?.stop());

  const redirectUri = () => `${host.url}/auth/callback`;

  /** The browser's part: the authorize request, the person picked, and the code sent back. */
  async function authorize(person: string, challenge: string, overrides: Record<string, string> = {}) {
    const form = new URLSearchParams({
      client_id: entra.clientId,
      response_type: "code",
      redirect_uri: redirectUri(),
      scope: entra.scope,
      state: "state-123",
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...overrides,
      person,
    });
    const page = await fetch(`${entra.authority}/oauth2/v2.0/authorize?${form}`);
    const response = await fetch(`${entra.authority}/oauth2/v2.0/authorize`, {
      method: "POST",
      body: form,
      redirect: "manual",
    });
    return { page, status: response.status, location: new URL(response.headers.get("location") ?? "http://none/") };
  }

  const token = (form: Record<string, string>) =>
    fetch(`${entra.authority}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { origin: host.url },
      body: new URLSearchParams({ client_id: entra.clientId, scope: entra.scope, ...form }),
    });

  function pkce() {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  }

  it("publishes the authority, the console's client ID and the API scope, nothing secret", () => {
    assert.equal(entra.clientId, LOCAL_ENTRA.consoleClientId);
    assert.match(entra.authority, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${LOCAL_ENTRA.tenantId}$`));
    assert.equal(entra.scope, `api://${LOCAL_ENTRA.apiClientId}/.default openid profile offline_access`);
  });

  it("lets the console's CSP reach the authority's token endpoint", async () => {
    const page = await fetch(`${host.url}/`);
    const csp = page.headers.get("content-security-policy") ?? "";
    // Without a console bundle the host answers 404 with no policy; the build is part of npm test.
    assert.match(csp, new RegExp(`connect-src 'self' ${new URL(entra.authority).origin} https://login`));
  });

  it("signs Ana in with the code flow and PKCE; the API knows her as an Entra ID finance user", async () => {
    const { verifier, challenge } = pkce();
    const { page, status, location } = await authorize(ANA.oid, challenge);
    assert.match(await page.text(), /Ana Souza/);
    assert.equal(status, 302);
    assert.equal(location.origin + location.pathname, redirectUri());
    assert.equal(location.searchParams.get("state"), "state-123");
    const code = location.searchParams.get("code")!;

    const answer = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("access-control-allow-origin"), host.url);
    const tokens = (await answer.json()) as { access_token: string; refresh_token: string; token_type: string };
    assert.equal(tokens.token_type, "Bearer");

    const me = await call("GET", "/api/v1/auth/me", { token: tokens.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.provider, "entra");
    assert.equal(me.body.data.username, ANA.username);
    assert.deepEqual(me.body.data.roles, ["finance"]);

    // The code serves once.
    const again = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    });
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, "invalid_grant");
  });

  it("refuses a code redeemed without its verifier, and a refresh token used twice", async () => {
    const first = pkce();
    const { location } = await authorize(ANA.oid, first.challenge);
    const wrong = await token({
      grant_type: "authorization_code",
      code: location.searchParams.get("code")!,
      redirect_uri: redirectUri(),
      code_verifier: pkce().verifier,
    });
    assert.equal(wrong.status, 400);
    assert.match(((await wrong.json()) as { error_description: string }).error_description, /code_verifier/);

    const second = pkce();
    const signedIn = await authorize(ANA.oid, second.challenge);
    const tokens = (await (
      await token({
        grant_type: "authorization_code",
        code: signedIn.location.searchParams.get("code")!,
        redirect_uri: redirectUri(),
        code_verifier: second.verifier,
      })
    ).json()) as { refresh_token: string };
    const renewed = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    assert.equal(renewed.status, 200);
    const fresh = (await renewed.json()) as { access_token: string; refresh_token: string };
    assert.notEqual(fresh.refresh_token, tokens.refresh_token);
    assert.equal((await call("GET", "/api/v1/auth/me", { token: fresh.access_token })).status, 200);
    const reused = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    assert.equal(reused.status, 400);
  });

  it("refuses a request without PKCE, and a redirect outside the console's callback", async () => {
    const noPkce = await authorize(ANA.oid, "", { code_challenge_method: "plain" });
    assert.equal(noPkce.status, 302);
    assert.equal(noPkce.location.searchParams.get("error"), "invalid_request");
    assert.equal(noPkce.location.searchParams.get("code"), null);
    const elsewhere = await authorize(ANA.oid, pkce().challenge, {
      redirect_uri: "https://evil.example/auth/callback",
    });
    assert.equal(elsewhere.status, 400);
  });

  it("lets a person without an app role sign in at Entra ID but not use the API", async () => {
    const { verifier, challenge } = pkce();
    const { location } = await authorize(NILS.oid, challenge);
    const tokens = (await (
      await token({
        grant_type: "authorization_code",
        code: location.searchParams.get("code")!,
        redirect_uri: redirectUri(),
        code_verifier: verifier,
      })
    ).json()) as { access_token: string };
    const me = await call("GET", "/api/v1/auth/me", { token: tokens.access_token });
    assert.equal(me.status, 403);
    assert.match(me.body.error.message, /none of this platform's app roles/);
  });
});

describe("Entra ID sign-in off", () => {
  it("offers the platform's login only when the simulator is off and no tenant is set", async () => {
    const host = await startTestHost({ LOCAL_ENTRA_SIMULATOR: "false" });
    try {
      const answer = await apiClient(host.url)("GET", "/api/v1/auth/config");
      assert.deepEqual(answer.body.data, { local: true, entra: null });
    } finally {
      await host.stop();
    }
  });
});
