// The gateway system's public face: other systems, the root and functions/ reach it here only.
export { createGateway, type Gateway } from "./gateway-module.js";
export { GATEWAY_SETTINGS } from "./gateway-settings.js";
export type { GatewayTables } from "./gateway-tables.js";
export { gatewayMigrations } from "./gateway-migrations.js";
export type { ProjectService, ProjectFilter, ProjectListQuery, ProjectPage } from "./project-service.js";
export { ProjectRepository, type ProjectRecord, type ProjectRow } from "./project-repository.js";
export { PROJECT_STATUSES, type ProjectStatus } from "./project-status.js";
export type { MergedProject } from "./merge-project.js";
export type { ResourceService, Resource, ResourcePage, ResourceQuery } from "./resource-service.js";
export type { CostCenterPlanningService, CostCenterPlan, CostCenterPlanning } from "./cost-center-planning.js";
