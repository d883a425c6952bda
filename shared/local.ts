// The second entry of the shared package: what only the local host uses (seeding the
// simulated SAP's SQL side). The Azure entry (functions/, through shared/index.ts) never
// imports it.
import { ConfigurationError } from "./foundation/settings.js";
import { tablesOf } from "./foundation/sql/database.js";
import type { Platform } from "./platform.js";
import { projectIdOf } from "./adapters/sap/sap-simulator.js";
import { sapAmountMinor, sapCurrency, sapId } from "./sap/sap-normalize.js";
import { BillingRepository } from "./systems/billing/index.js";
import { ProjectRepository, type ProjectRecord } from "./systems/gateway/index.js";
import { seedExpenses, type AnalyticsTables } from "./systems/analytics/index.js";
import type { PlatformTables } from "./catalog.js";

/**
 * Local only: gives the simulated SAP projects their SQL side, once (an empty table), so a
 * laptop shows merged projects and billing that agrees with SAP's. One in twenty has no SQL record yet and one in 250 records
 * a cost total that disagrees with SAP, so consistency reporting has something to show.
 */
export async function seedSimulatedProjectRecords(platform: Platform): Promise<number> {
  const simulator = platform.simulators.sap;
  if (!simulator || platform.settings.runningInAzure) {
    throw new ConfigurationError([
      "SAP_ADAPTER: project records are seeded from the SAP simulator only, never in Azure",
    ]);
  }
  const repository = new ProjectRepository(tablesOf(platform.database.db), platform.clock);
  if ((await repository.count()) > 0) return 0;
  const billingRepository = new BillingRepository(tablesOf(platform.database.db), platform.clock);
  let seeded = 0;
  // In chunks, so a million simulated projects seed in bounded memory.
  for (let first = 1; first <= simulator.projectCount; first += SEED_CHUNK) {
    const records: Omit<ProjectRecord, "createdAt" | "updatedAt" | "version">[] = [];
    const billing: Parameters<BillingRepository["insertActive"]>[0][number][] = [];
    for (let index = first; index < first + SEED_CHUNK && index <= simulator.projectCount; index++) {
      const projectId = projectIdOf(index);
      // SAP's billing as SQL mirrors it, so reconciliation starts from agreement.
      for (const e of simulator.baseBilling(projectId)) {
        billing.push({
          entryId: e.entryId,
          projectId,
          kind: "billing",
          pep: null,
          amountMinor: e.amountMinor,
          currency: e.currency,
          billingDate: e.billingDate,
          description: e.description ?? "",
        });
      }
      if (index % 20 === 0) continue;
      const header = simulator.projectHeader(projectId)!;
      let total: bigint | null = null;
      let currency: string | null = null;
      try {
        currency = sapCurrency("WAERS", header.WAERS);
        total = sapAmountMinor("ISTKOST", header.ISTKOST) + (index % 250 === 0 ? 1234n : 0n);
      } catch {
        // A malformed SAP value: leave the SQL total empty, as an import would.
      }
      records.push({
        projectId,
        sapProjectCode: sapId("PSPID", header.PSPID),
        name: null,
        status: index % 7 === 0 ? "on_hold" : "active",
        customField1: `Portfolio ${1 + (index % 12)}`,
        customField2: null,
        totalCostMinor: total,
        costCurrency: currency,
      });
    }
    await repository.insertMissing(records);
    await billingRepository.insertActive(billing);
    seeded += records.length;
  }
  return seeded;
}

const SEED_CHUNK = 5000;

/**
 * Local only: the synthetic finance_expense dataset (ANALYTICS_SEED_ROWS rows, planted
 * anomalies and driver included) into an empty table, so exploration has data at once.
 */
export async function seedSyntheticExpenses(platform: Platform): Promise<number> {
  if (platform.settings.runningInAzure) {
    throw new ConfigurationError(["ANALYTICS_SEED_ROWS: the synthetic dataset is seeded on the local host only"]);
  }
  return seedExpenses(tablesOf<AnalyticsTables, PlatformTables>(platform.database.db), {
    rows: platform.settings.ANALYTICS_SEED_ROWS,
    loadedAt: platform.clock.now().toISOString(),
    dialect: platform.database.dialect,
  });
}
