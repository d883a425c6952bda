import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigurationError } from "../../../shared/foundation/settings.js";
import { signInOptionsOf } from "../../../shared/systems/identity/console-sign-in.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CONSOLE = "0b9d2a58-3c1e-4f7a-9d2b-6a1e5c3f8b10";

type Settings = Parameters<typeof signInOptionsOf>[0];
const settings = (values: Record<string, unknown>) => values as unknown as Settings;

describe("the console's sign-in options", () => {
  it("offers the platform's login only without a console client ID", () => {
    assert.deepEqual(signInOptionsOf(settings({ ENTRA_TENANT_ID: TENANT })), { local: true, entra: null });
  });

  it("offers Entra ID at the tenant's public-cloud authority, asking for the API's scope and a refresh token", () => {
    const options = signInOptionsOf(
      settings({ ENTRA_TENANT_ID: TENANT, ENTRA_AUDIENCE: ["api-app-id"], ENTRA_CONSOLE_CLIENT_ID: CONSOLE }),
    );
    assert.deepEqual(options.entra, {
      authority: `https://login.microsoftonline.com/${TENANT}`,
      clientId: CONSOLE,
      scope: "api://api-app-id/.default openid profile offline_access",
    });
  });

  it("takes a sovereign cloud's authority and a named scope", () => {
    const options = signInOptionsOf(
      settings({
        ENTRA_TENANT_ID: TENANT,
        ENTRA_AUDIENCE: ["api-app-id"],
        ENTRA_CONSOLE_CLIENT_ID: CONSOLE,
        ENTRA_AUTHORITY: `https://login.microsoftonline.us/${TENANT}/`,
        ENTRA_CONSOLE_SCOPE: "api://finance/access_as_user",
      }),
    );
    assert.equal(options.entra?.authority, `https://login.microsoftonline.us/${TENANT}`);
    assert.equal(options.entra?.scope, "api://finance/access_as_user openid profile offline_access");
  });

  it("refuses a console client ID without a tenant, and an authority in clear text off the machine", () => {
    assert.throws(
      () => signInOptionsOf(settings({ ENTRA_CONSOLE_CLIENT_ID: CONSOLE })),
      (error: unknown) => error instanceof ConfigurationError && /set ENTRA_TENANT_ID too/.test(error.message),
    );
    assert.throws(
      () =>
        signInOptionsOf(
          settings({
            ENTRA_TENANT_ID: TENANT,
            ENTRA_CONSOLE_CLIENT_ID: CONSOLE,
            ENTRA_AUTHORITY: "http://login.example/t",
          }),
        ),
      /ENTRA_AUTHORITY: must be https/,
    );
  });
});
