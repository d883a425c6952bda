// Child process: the real local host with the budgets system, one customer whose budget was
// imported inline, and a finance user's token; the parent loads it over HTTP.
import { apiClient, loginAs, startTestHost, tokenFor } from "../../tests/support/test-host.js";
import { runChild } from "../lib/child.js";

export interface BudgetCheckHostInfo {
  readonly url: string;
  readonly token: string;
}

runChild<BudgetCheckHostInfo>(async () => {
  const host = await startTestHost(
    {
      ENABLED_SYSTEMS: "identity,budgets",
      LOG_LEVEL: "error",
      RATE_LIMIT_PER_MINUTE: "10000000",
      RATE_LIMIT_BURST: "1000000",
      ACCESS_TOKEN_TTL_SECONDS: "86400",
    },
    { timers: false },
  );
  const call = apiClient(host.url);
  const admin = await loginAs(call);
  const token = await tokenFor(call, admin, "bench-checker", ["finance"]);
  const me = (await call("GET", "/api/v1/auth/me", { token })).body.data;
  const db = host.platform.database.db;
  const now = new Date().toISOString();
  await db.insertInto("customers").values({ customer_id: "bench", name: "Bench", created_at: now }).execute();
  await db
    .insertInto("customer_users")
    .values({ customer_id: "bench", user_id: me.id ?? me.user_id, created_at: now })
    .execute();
  const header = ["Department", "Category", "Period", "Amount", "Currency"];
  const rows = Array.from({ length: 200 }, (_, i) => [`Dept ${i % 20}`, `Cat ${i}`, "2026-01", "50000.00", "EUR"]);
  const imported = await call("POST", "/api/v1/excel/import", {
    token,
    body: {
      customerId: "bench",
      rows: [header, ...rows],
      mappings: [
        { sourceColumn: "Department", targetField: "department" },
        { sourceColumn: "Category", targetField: "subCategory" },
        { sourceColumn: "Period", targetField: "fiscalPeriod" },
        { sourceColumn: "Amount", targetField: "budgetedAmount" },
        { sourceColumn: "Currency", targetField: "currency" },
      ],
    },
  });
  if (imported.body.data?.status !== "completed") throw new Error(`budget import: ${JSON.stringify(imported.body)}`);
  return {
    info: { url: `http://127.0.0.1:${host.port}`, token },
    handlers: {
      errorLogs: async () => host.logs.lines.filter((l) => l.includes('"level":"error"')).slice(0, 5),
    },
    stop: () => host.stop(),
  };
});
