/**
 * The shared domain package's public entry: `functions/` and the local host import from
 * here only (a dependency rule checks it).
 */
export { SETTINGS, ConfigurationError, loadSettings, type Settings, type SettingName, type SettingScope } from "./config/settings.js";
export * from "./domain/errors.js";
export * from "./domain/roles.js";
export { createPlatform, type Platform, type PlatformOptions } from "./platform.js";
export { createLogger, type Logger, type LogLevel, type LogSink } from "./observability/logger.js";
export { PlatformMetrics } from "./observability/metrics.js";
export { startTelemetry } from "./observability/telemetry.js";
export type { Actor, AuditEntry, AuditRecord } from "./audit/audit-log.js";
export type { Principal, TokenPair } from "./identity/identity-service.js";
export type { AccessTokenClaims } from "./identity/access-tokens.js";
export { usernameSchema, passwordSchema, rolesSchema, type User, type UserStatus, type Page } from "./identity/users.js";
export { QUEUES, QUEUE_DEFINITIONS, DEFAULT_QUEUE_DEFINITION, type QueueDefinition } from "./messaging/queues.js";
export { LocalMessageQueue, MessageLockLostError } from "./messaging/local-message-queue.js";
export type { MessageQueue, OutgoingMessage, ReceivedMessage, DeadLetteredMessage } from "./ports/message-queue.js";
export type { Cache } from "./ports/cache.js";
export type { RateLimiter, RateLimitDecision, RateLimitPolicy } from "./ports/rate-limiter.js";
export type { BlobStore, BlobProperties } from "./ports/blob-store.js";
export type { Alert, Alerter, AlertSeverity } from "./ports/alerter.js";
export type { SecretStore } from "./ports/secret-store.js";
export type { Clock } from "./ports/clock.js";
export type { ReadinessReport, DependencyReport } from "./health/readiness.js";
export { PROJECT_STATUSES, type ProjectStatus } from "./projects/project-status.js";
export type { MergedProject } from "./projects/merge-project.js";
export type { ProjectFilter, ProjectListQuery, ProjectPage } from "./projects/project-service.js";
export type { Resource, ResourcePage, ResourceQuery } from "./resources/resource-service.js";
export type { CostCenterPlan, CostCenterPlanning } from "./cost-centers/cost-center-planning.js";
export type { DataIssue } from "./sap/sap-normalize.js";
export { isKnownCurrency, parseMoney, type Money } from "./finance/money.js";
export type { BillingEntryInput, Saga, StoredResponse } from "./billing/billing-saga.js";
export type { Inconsistency, ReconciliationMode, ReconciliationRun } from "./billing/billing-reconciliation.js";
export { SapSimulator, type SapSimulatorControls, type RecordedRfcCall } from "./sap/sap-simulator.js";
export { REPORT_TYPES, type ReportRequest, type ReportType } from "./reports/report-content.js";
export type { Report } from "./reports/report-service.js";
export type { Backup } from "./backups/backup-service.js";
export { ACCOUNT_ID_PATTERN } from "./esg/esg-rating.js";
export type { EsgRun, EsgStep, EsgHistoryEntry } from "./esg/esg-run-service.js";
export type { EsgSummary } from "./esg/esg-summary.js";
export { ESG_FILE_COLUMNS } from "./esg/esg-files.js";
