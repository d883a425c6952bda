// Child process: the real local host with the budgets system and only what a budget check
// needs: a few customers with a handful of budget lines each (written through the domain,
// no import), a finance user bound to them, and lines with room for exactly 100 reservations
// of 1.00 for the parent's concurrency race. It also runs the bare baseline: the same
// domain call the route makes, without HTTP, auth or validation.
import { percentile } from "../lib/load.js";
import { runChild } from "../lib/child.js";
import { apiClient, loginAs, startTestHost, tokenFor } from "../../tests/support/test-host.js";

// (Nothing but types is exported: the parent must not load this module.)
const CHECK_CUSTOMER = "bench-0";
const CHECK_REQUEST = {
  customerId: CHECK_CUSTOMER,
  department: "Dept 7",
  subCategory: "Cat 7",
  fiscalPeriod: "2026-01",
  amount: "250.00",
  currency: "EUR",
} as const;

const CUSTOMERS = 5;
const LINES_PER_CUSTOMER = 20;
/** Lines besides the 20 under the checked customer: a lookup that scanned them would show. */
const BULK_LINES = 20_000;
/** Race lines: each has room for exactly 100 reservations of 1.00. */
const RACE_LINES = 3;

export interface BudgetCheckHostInfo {
  readonly url: string;
  readonly token: string;
  readonly customerId: string;
  /** Lines under the checked customer besides the 20 of every customer. */
  readonly bulkLines: number;
  /** The route's body, and what the bare baseline passes to the domain. */
  readonly checkRequest: typeof CHECK_REQUEST;
  /** Lines of 100.00 EUR each, one per race round. */
  readonly raceBudgetIds: readonly string[];
}

export interface BareFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly calls: number;
  readonly callsPerSecond: number;
}

runChild<BudgetCheckHostInfo>(async (args) => {
  const [durationSeconds = 10, warmupSeconds = 2] = args.map(Number);
  const host = await startTestHost(
    {
      ENABLED_SYSTEMS: "identity,budgets",
      LOG_LEVEL: "error",
      // Load from one address: the limiter would otherwise answer 429 (the settings' maxima).
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_BURST: "100000",
      ACCESS_TOKEN_TTL_SECONDS: "86400",
    },
    { timers: false },
  );
  const call = apiClient(host.url);
  const admin = await loginAs(call);
  const token = await tokenFor(call, admin, "bench-checker", ["finance"]);
  const me = (await call("GET", "/api/v1/auth/me", { token })).body.data;
  const userId = String(me.id ?? me.user_id);
  const budgets = host.platform.budgets;
  const actor = { userId: "bench" };
  for (let c = 0; c < CUSTOMERS; c++) {
    const customerId = `bench-${c}`;
    await budgets.createCustomer(customerId, `Bench ${c}`, actor);
    await budgets.bindUser(customerId, userId, actor);
    for (let i = 0; i < LINES_PER_CUSTOMER; i++)
      await budgets.addLine({
        customerId,
        department: `Dept ${i % 10}`,
        subCategory: `Cat ${i}`,
        fiscalPeriod: "2026-01",
        currency: "EUR",
        budgetedMinor: 5_000_000n,
      });
  }
  for (let i = 0; i < BULK_LINES; i++)
    await budgets.addLine({
      customerId: CHECK_CUSTOMER,
      department: `Dept ${i % 10}`,
      subCategory: `Cat ${i % 20}`,
      fiscalPeriod: `${2000 + Math.floor(i / 240)}-${String((i % 12) + 1).padStart(2, "0")}`,
      costCenter: `CC-${Math.floor(i / 12) % 20}`,
      currency: "EUR",
      budgetedMinor: 100_000n,
    });
  const raceBudgetIds: string[] = [];
  for (let r = 0; r < RACE_LINES; r++) {
    const view = await budgets.addLine({
      customerId: CHECK_CUSTOMER,
      department: "Race",
      subCategory: `Round ${r}`,
      fiscalPeriod: "2026-01",
      currency: "EUR",
      budgetedMinor: 10_000n,
    });
    raceBudgetIds.push(view.id);
  }
  const caller = { userId, roles: ["finance"] as const };

  /** One caller in a loop for the duration: the domain call's own latency, no queue. */
  async function bare(): Promise<BareFigures> {
    const loop = async (seconds: number, latencies: number[] | null) => {
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: 1 }, async () => {
          while (performance.now() < until) {
            const started = performance.now();
            await budgets.check(caller, CHECK_REQUEST);
            latencies?.push(performance.now() - started);
          }
        }),
      );
    };
    if (warmupSeconds > 0) await loop(warmupSeconds, null);
    const latencies: number[] = [];
    await loop(durationSeconds, latencies);
    latencies.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      calls: latencies.length,
      callsPerSecond: latencies.length / durationSeconds,
    };
  }

  return {
    info: {
      url: `http://127.0.0.1:${host.port}`,
      token,
      customerId: CHECK_CUSTOMER,
      bulkLines: BULK_LINES,
      checkRequest: CHECK_REQUEST,
      raceBudgetIds,
    },
    handlers: {
      bare,
      errorLogs: async () => host.logs.lines.filter((l) => l.includes('"level":"error"')).slice(0, 5),
    },
    stop: () => host.stop(),
  };
});
