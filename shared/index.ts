/**
 * The shared domain package's public entry: `functions/` and the local host import from
 * here only (a dependency rule checks it).
 */
export { SETTINGS, ConfigurationError, loadSettings, type Settings, type SettingName, type SettingScope } from "./foundation/settings.js";
export * from "./kernel/errors.js";
export * from "./kernel/roles.js";
export { createPlatform, type Platform, type PlatformOptions } from "./platform.js";
export { createLogger, type Logger, type LogLevel, type LogSink } from "./foundation/logger.js";
export { PlatformMetrics } from "./foundation/metrics.js";
export { startTelemetry } from "./foundation/telemetry.js";
export type { Actor, AuditEntry, AuditRecord } from "./foundation/audit-log.js";
export type { Principal, TokenPair } from "./systems/identity/identity-service.js";
export type { AccessTokenClaims } from "./systems/identity/access-tokens.js";
export { usernameSchema, passwordSchema, rolesSchema, type User, type UserStatus, type Page } from "./systems/identity/user-repository.js";
export { QUEUES, QUEUE_DEFINITIONS, DEFAULT_QUEUE_DEFINITION, type QueueDefinition } from "./foundation/queues.js";
export { LocalMessageQueue, MessageLockLostError } from "./adapters/embedded/local-message-queue.js";
export type { MessageQueue, OutgoingMessage, ReceivedMessage, DeadLetteredMessage } from "./ports/message-queue.js";
export type { Cache } from "./ports/cache.js";
export type { RateLimiter, RateLimitDecision, RateLimitPolicy } from "./ports/rate-limiter.js";
export type { BlobStore, BlobProperties } from "./ports/blob-store.js";
export type { Alert, Alerter, AlertSeverity } from "./ports/alerter.js";
export type { SecretStore } from "./ports/secret-store.js";
export type { Clock } from "./ports/clock.js";
export type { ReadinessReport, DependencyReport } from "./foundation/readiness.js";
export { PROJECT_STATUSES, type ProjectStatus } from "./systems/gateway/project-status.js";
export type { MergedProject } from "./systems/gateway/merge-project.js";
export type { ProjectFilter, ProjectListQuery, ProjectPage } from "./systems/gateway/project-service.js";
export type { Resource, ResourcePage, ResourceQuery } from "./systems/gateway/resource-service.js";
export type { CostCenterPlan, CostCenterPlanning } from "./systems/gateway/cost-center-planning.js";
export type { DataIssue } from "./sap/sap-normalize.js";
export { isKnownCurrency, parseMoney, type Money } from "./kernel/money.js";
export type { BillingEntryInput, Saga, StoredResponse } from "./systems/billing/billing-saga.js";
export type { Inconsistency, ReconciliationMode, ReconciliationRun } from "./systems/billing/billing-reconciliation.js";
export { SapSimulator, type SapSimulatorControls, type RecordedRfcCall } from "./adapters/sap/sap-simulator.js";
export { REPORT_TYPES, type ReportRequest, type ReportType } from "./systems/reports/report-content.js";
export type { Report } from "./systems/reports/report-service.js";
export type { Backup } from "./systems/backups/backup-service.js";
export { ACCOUNT_ID_PATTERN } from "./systems/esg/esg-rating.js";
export type { EsgRun, EsgStep, EsgHistoryEntry } from "./systems/esg/esg-run-service.js";
export type { EsgSummary } from "./systems/esg/esg-summary.js";
export { ESG_FILE_COLUMNS } from "./systems/esg/esg-files.js";
