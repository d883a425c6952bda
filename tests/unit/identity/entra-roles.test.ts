import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ENTRA_APP_ROLES, rolesFromAppRoles } from "../../../shared/systems/identity/entra-roles.js";

describe("Entra ID app roles to platform roles", () => {
  it("maps each documented app role to its platform role", () => {
    assert.deepEqual(rolesFromAppRoles(["Platform.Admin"]), ["admin"]);
    assert.deepEqual(rolesFromAppRoles(["Platform.Finance"]), ["finance"]);
    assert.deepEqual(rolesFromAppRoles(["Platform.Analyst"]), ["analyst"]);
    assert.deepEqual(rolesFromAppRoles(["Platform.Viewer"]), ["viewer"]);
    assert.deepEqual(Object.keys(ENTRA_APP_ROLES).sort(), [
      "Platform.Admin",
      "Platform.Analyst",
      "Platform.Finance",
      "Platform.Viewer",
    ]);
  });

  it("keeps several roles once each, most powerful first", () => {
    assert.deepEqual(rolesFromAppRoles(["Platform.Viewer", "Platform.Admin", "Platform.Viewer", "Platform.Finance"]), [
      "admin",
      "finance",
      "viewer",
    ]);
  });

  it("grants nothing for other apps' roles, other spellings, platform role names or a malformed claim", () => {
    assert.deepEqual(
      rolesFromAppRoles(["Other.Admin", "platform.admin", "PLATFORM.ADMIN", "admin", " Platform.Admin"]),
      [],
    );
    assert.deepEqual(rolesFromAppRoles(["toString", "__proto__", "constructor"]), []);
    for (const claim of [undefined, null, "Platform.Admin", { 0: "Platform.Admin" }, [1, null, ["Platform.Admin"]]])
      assert.deepEqual(rolesFromAppRoles(claim), [], JSON.stringify(claim));
  });
});
