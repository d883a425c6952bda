import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MIGRATIONS } from "../../../shared/catalog.js";
import { openSqliteDatabase } from "../../../shared/foundation/sql/database.js";

describe("SQL_MIGRATE_ON_START=false: migrations are a deploy-time step", () => {
  const dir = mkdtempSync(join(tmpdir(), "migrate-on-start-"));
  const file = join(dir, "platform.sqlite");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to open a database with pending migrations, naming them and the command that applies them", async () => {
    await assert.rejects(openSqliteDatabase(file, MIGRATIONS, { migrate: false }), (error: Error) => {
      assert.match(error.message, /database migration\(s\) pending \(0001/);
      assert.match(error.message, /npm run migrate/);
      return true;
    });
  });

  it("opens without touching the schema once the deploy step has applied them", async () => {
    const deployStep = await openSqliteDatabase(file, MIGRATIONS);
    await deployStep.close();
    const app = await openSqliteDatabase(file, MIGRATIONS, { migrate: false });
    await app.ping();
    await app.close();
  });
});
