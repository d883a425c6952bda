import { startTestHost, type TestHost } from "../../support/test-host.js";

/**
 * The local host with analytics on a 20,000-row seeded ledger: enough rows that a month of
 * one cost center or functional area sums many postings, so findings are not noise.
 */
export function startSeededAnalyticsHost(): Promise<TestHost> {
  return startTestHost(
    {
      ENABLED_SYSTEMS: "identity,budgets,analytics",
      ANALYTICS_SEED_ROWS: "20000",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
    },
    { timers: false },
  );
}
