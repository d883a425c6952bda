import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import type { Cache } from "../../ports/cache.js";
import type { Clock } from "../../ports/clock.js";
import type { GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SAP_SETTINGS } from "../../sap/sap-settings.js";
import type { BillingRepository } from "../billing/index.js";
import { CostCenterPlanningService } from "./cost-center-planning.js";
import type { GATEWAY_SETTINGS } from "./gateway-settings.js";
import type { GatewayTables } from "./gateway-tables.js";
import { ProjectRepository } from "./project-repository.js";
import { ProjectService } from "./project-service.js";
import { ResourceService } from "./resource-service.js";

export interface GatewayModuleDeps {
  readonly settings: SettingsOf<typeof GATEWAY_SETTINGS> & SettingsOf<typeof SAP_SETTINGS>;
  readonly db: Kysely<GatewayTables>;
  readonly clock: Clock;
  readonly sap: GuardedSapClient;
  /** The billing ledger, whose active entries a merged project shows. */
  readonly billing: BillingRepository;
  readonly cache: Cache;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
}

export interface Gateway {
  readonly projects: ProjectService;
  readonly resources: ResourceService;
  readonly costCenters: CostCenterPlanningService;
}

/** The SAP + SQL gateway's reads and project updates, wired from the ports they need. */
export function createGateway(deps: GatewayModuleDeps): Gateway {
  const { settings, sap } = deps;
  return {
    projects: new ProjectService({
      sap,
      functions: {
        listProjects: settings.SAP_RFC_FUNCTION_LIST_PROJECTS,
        readProject: settings.SAP_RFC_FUNCTION_READ_PROJECT,
      },
      repository: new ProjectRepository(deps.db, deps.clock),
      billing: deps.billing,
      db: deps.db,
      cache: deps.cache,
      cacheTtlSeconds: settings.PROJECT_CACHE_TTL_SECONDS,
      audit: deps.audit,
      metrics: deps.metrics,
      logger: deps.logger,
    }),
    resources: new ResourceService(sap, settings.SAP_RFC_FUNCTION_READ_RESOURCES),
    costCenters: new CostCenterPlanningService(sap, settings.SAP_RFC_FUNCTION_READ_COST_CENTER_PLAN),
  };
}
