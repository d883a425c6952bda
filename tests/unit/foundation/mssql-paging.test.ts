import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Kysely } from "kysely";
import { PagingMssqlDialect } from "../../../shared/foundation/sql/mssql-paging.js";
import type { PlatformTables } from "../../../shared/catalog.js";

// Compiles only: no connection is opened.
const db = new Kysely<PlatformTables>({
  dialect: new PagingMssqlDialect({
    tarn: { Pool: class {} as never, options: { min: 0, max: 1 } },
    tedious: {
      connectionFactory: () => {
        throw new Error("compile only");
      },
      ISOLATION_LEVEL: {},
      Request: class {} as never,
      TYPES: {} as never,
    },
  }),
});

describe("paging on SQL Server", () => {
  it("writes .limit() as OFFSET/FETCH, which T-SQL accepts", () => {
    const top = db.selectFrom("esg_runs").select("run_id").orderBy("created_at", "desc").limit(1).compile();
    assert.equal(
      top.sql,
      'select "run_id" from "esg_runs" order by "created_at" desc offset 0 rows fetch next @1 rows only',
    );
    assert.deepEqual(top.parameters, [1]);
    const page = db.selectFrom("esg_runs").selectAll().orderBy("created_at").limit(25).offset(50).compile();
    assert.match(page.sql, /order by "created_at" offset @1 rows fetch next @2 rows only$/);
    assert.deepEqual(page.parameters, [50, 25]);
  });

  it("adds the ORDER BY T-SQL requires when a limited query has none", () => {
    const q = db.selectFrom("report_requests").select("report_id").where("status", "=", "QUEUED").limit(100).compile();
    assert.match(q.sql, /where "status" = @1 order by \(select null\) offset 0 rows fetch next @2 rows only$/);
  });

  it("leaves queries without a limit alone", () => {
    assert.equal(db.selectFrom("esg_runs").select("run_id").compile().sql, 'select "run_id" from "esg_runs"');
  });
});
