import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Alerter } from "../../ports/alerter.js";
import type { Clock } from "../../ports/clock.js";
import type { GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SAP_SETTINGS } from "../../sap/sap-settings.js";
import { BillingReconciliation } from "./billing-reconciliation.js";
import type { BillingRepository } from "./billing-repository.js";
import { BillingSagaService, type ProjectLookup } from "./billing-saga.js";
import type { BILLING_SETTINGS } from "./billing-settings.js";
import type { BillingTables } from "./billing-tables.js";
import { InconsistencyRepository } from "./inconsistency-repository.js";
import { ReconciliationRepository } from "./reconciliation-repository.js";
import { SagaRepository } from "./saga-repository.js";

export interface BillingModuleDeps {
  readonly settings: SettingsOf<typeof BILLING_SETTINGS> & SettingsOf<typeof SAP_SETTINGS>;
  readonly db: Kysely<BillingTables>;
  readonly clock: Clock;
  readonly sap: GuardedSapClient;
  /** The ledger (built first: the gateway reads it too). */
  readonly ledger: BillingRepository;
  readonly projects: ProjectLookup;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

export interface Billing {
  readonly saga: BillingSagaService;
  readonly reconciliation: BillingReconciliation;
}

/** Billing writes (the SAGA) and the SAP-SQL reconciliation, wired from the ports they need. */
export function createBilling(deps: BillingModuleDeps): Billing {
  const { settings, db, clock, sap } = deps;
  // One repository per table group; the saga and reconciliation share the ledger and the findings.
  const inconsistencies = new InconsistencyRepository(db, clock);
  const saga = new BillingSagaService({
    clock,
    db,
    sagas: new SagaRepository(db, clock),
    billing: deps.ledger,
    inconsistencies,
    sap,
    functions: {
      update: settings.SAP_RFC_FUNCTION_UPDATE_PROJECT,
      reverse: settings.SAP_RFC_FUNCTION_REVERSE_BILLING,
      read: settings.SAP_RFC_FUNCTION_READ_BILLING,
    },
    projects: deps.projects,
    audit: deps.audit,
    alerts: deps.alerts,
    logger: deps.logger,
    staleAfterSeconds: settings.SAGA_STALE_AFTER_SECONDS,
  });
  const reconciliation = new BillingReconciliation({
    clock,
    db,
    runs: new ReconciliationRepository(db, clock),
    inconsistencies,
    sap,
    functions: {
      listProjects: settings.SAP_RFC_FUNCTION_LIST_PROJECTS,
      listChanges: settings.SAP_RFC_FUNCTION_LIST_BILLING_CHANGES,
      checksums: settings.SAP_RFC_FUNCTION_BILLING_CHECKSUMS,
      readBilling: settings.SAP_RFC_FUNCTION_READ_BILLING,
    },
    saga,
    billing: deps.ledger,
    audit: deps.audit,
    alerts: deps.alerts,
    logger: deps.logger,
    rangeSize: settings.RECONCILIATION_RANGE_SIZE,
    jobs: deps.jobs,
  });
  return { saga, reconciliation };
}
