import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

type Grants = { sqlRoles: string[]; sqlGrants: string[] };
type Hook = { appUserStatements: (identityName: string, grants: Grants) => string[] };
const hook = async () => (await import(new URL("../../../../scripts/postprovision.mjs", import.meta.url).href)) as Hook;
const roles = JSON.parse(readFileSync(new URL("../../../../infra/bicep/roles.json", import.meta.url), "utf8")) as {
  dataPlane: Partial<Grants>[];
};
const grants = roles.dataPlane.find((d) => d.sqlRoles) as Grants;

describe("the postprovision hook's database user for the app identity", () => {
  it("reads and writes data and executes procedures, and may not change the schema", async () => {
    const statements = (await hook()).appUserStatements("id-api-abc123", grants);
    assert.deepEqual(statements, [
      "IF DATABASE_PRINCIPAL_ID(N'id-api-abc123') IS NULL CREATE USER [id-api-abc123] FROM EXTERNAL PROVIDER",
      "ALTER ROLE db_datareader ADD MEMBER [id-api-abc123]",
      "ALTER ROLE db_datawriter ADD MEMBER [id-api-abc123]",
      "GRANT EXECUTE TO [id-api-abc123]",
      "IF IS_ROLEMEMBER(N'db_ddladmin', N'id-api-abc123') = 1 ALTER ROLE db_ddladmin DROP MEMBER [id-api-abc123]",
    ]);
  });

  it("refuses an identity name that could break out of the statement", async () => {
    const { appUserStatements } = await hook();
    assert.throws(() => appUserStatements("id]; DROP TABLE x; --", grants), /Unexpected identity name/);
  });
});
