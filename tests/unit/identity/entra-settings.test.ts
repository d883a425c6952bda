import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigurationError } from "../../../shared/foundation/settings.js";
import { EntraTokens } from "../../../shared/systems/identity/entra-tokens.js";
import { entraTokensOf } from "../../../shared/systems/identity/identity-module.js";
import type { IdentityModuleDeps } from "../../../shared/systems/identity/identity-module.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const clock = { now: () => new Date(Date.UTC(2026, 10, 23)) };

function settings(entra: Record<string, unknown>): IdentityModuleDeps["settings"] {
  return {
    ENTRA_TENANT_ID: undefined,
    ENTRA_AUDIENCE: undefined,
    ENTRA_ISSUER: undefined,
    ENTRA_JWKS_URL: undefined,
    ...entra,
  } as IdentityModuleDeps["settings"];
}

function refusal(entra: Record<string, unknown>): string {
  try {
    entraTokensOf(settings(entra), clock);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.message;
  }
  assert.fail("the settings were accepted");
}

describe("Entra ID sign-in settings", () => {
  it("is off without a tenant, and on with a tenant and an audience", () => {
    assert.equal(entraTokensOf(settings({}), clock), undefined);
    assert.ok(
      entraTokensOf(settings({ ENTRA_TENANT_ID: TENANT, ENTRA_AUDIENCE: ["api-client-id"] }), clock) instanceof
        EntraTokens,
    );
  });

  it("refuses to start with a tenant but no audience, or an audience but no tenant", () => {
    assert.match(refusal({ ENTRA_TENANT_ID: TENANT }), /ENTRA_AUDIENCE: required with ENTRA_TENANT_ID/);
    assert.match(refusal({ ENTRA_TENANT_ID: TENANT, ENTRA_AUDIENCE: [] }), /ENTRA_AUDIENCE: required/);
    assert.match(refusal({ ENTRA_AUDIENCE: ["api-client-id"] }), /set ENTRA_TENANT_ID too/);
  });

  it("fetches keys over https only, except from a loopback test server", () => {
    const base = { ENTRA_TENANT_ID: TENANT, ENTRA_AUDIENCE: ["api-client-id"] };
    assert.match(refusal({ ...base, ENTRA_JWKS_URL: "http://keys.example/keys" }), /ENTRA_JWKS_URL: must be https/);
    for (const url of [
      "https://login.microsoftonline.us/t/discovery/v2.0/keys",
      "http://127.0.0.1:9/keys",
      "http://localhost:9/keys",
    ])
      assert.ok(entraTokensOf(settings({ ...base, ENTRA_JWKS_URL: url }), clock), url);
  });
});
