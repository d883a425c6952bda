/**
 * The shared domain package's public entry: `functions/` and the local host import from
 * here only (a dependency rule checks it).
 */
export {
  SETTINGS,
  loadSettings,
  QUEUES,
  QUEUE_DEFINITIONS,
  SYSTEM_NEEDS,
  SAP_SYSTEMS,
  type Settings,
  type SettingName,
} from "./catalog.js";
export { SYSTEM_NAMES, type SystemName } from "./foundation/deployment-settings.js";
export { ConfigurationError, type SettingScope } from "./foundation/settings.js";
export * from "./kernel/errors.js";
export * from "./kernel/roles.js";
export { describeForbiddenCharacter, findForbiddenCharacter, type ForbiddenCharacter } from "./kernel/text.js";
export { createPlatform, type Platform, type PlatformOptions } from "./platform.js";
export { createLogger, withLogFields, type Logger, type LogLevel, type LogSink } from "./foundation/logger.js";
export { PlatformMetrics } from "./foundation/metrics.js";
export { WorkSignal } from "./foundation/work-signal.js";
export type { Actor, AuditEntry, AuditRecord } from "./foundation/audit-log.js";
export { DEFAULT_QUEUE_DEFINITION, type QueueDefinition } from "./foundation/queues.js";
export { LocalMessageQueue, MessageLockLostError } from "./adapters/embedded/local-message-queue.js";
export {
  messageList,
  type MessageQueue,
  type OutgoingMessage,
  type ReceivedMessage,
  type DeadLetteredMessage,
} from "./ports/message-queue.js";
export type { Cache } from "./ports/cache.js";
export type { RateLimiter, RateLimitDecision, RateLimitPolicy } from "./ports/rate-limiter.js";
export type { BlobStore, BlobProperties } from "./ports/blob-store.js";
export type { Alert, Alerter, AlertSeverity } from "./ports/alerter.js";
export type { UploadLookup } from "./ports/accounting-platform.js";
export type { SecretStore } from "./ports/secret-store.js";
export type { Clock } from "./ports/clock.js";
export type { ReadinessReport, DependencyReport } from "./foundation/readiness.js";
export type { DataIssue } from "./sap/sap-normalize.js";
export { SapSimulator, type SapSimulatorControls, type RecordedRfcCall } from "./adapters/sap/sap-simulator.js";
export { isKnownCurrency, parseMoney, type Money } from "./kernel/money.js";
export {
  usernameSchema,
  passwordSchema,
  rolesSchema,
  type Principal,
  type TokenPair,
  type AccessTokenClaims,
  type User,
  type UserStatus,
  type Page,
} from "./systems/identity/index.js";
export {
  PROJECT_STATUSES,
  type ProjectStatus,
  type MergedProject,
  type ProjectFilter,
  type ProjectListQuery,
  type ProjectPage,
  type Resource,
  type ResourcePage,
  type ResourceQuery,
  type CostCenterPlan,
  type CostCenterPlanning,
} from "./systems/gateway/index.js";
export type {
  BillingEntryInput,
  Saga,
  StoredResponse,
  Inconsistency,
  ReconciliationMode,
  ReconciliationRun,
} from "./systems/billing/index.js";
export { REPORT_TYPES, type ReportRequest, type ReportType, type Report } from "./systems/reports/index.js";
export type { Backup } from "./systems/backups/index.js";
export {
  AMS_ACCOUNT_ID_PATTERN,
  ESG_FILE_COLUMNS,
  notAnAccountId,
  repeatedAccountIds,
  type EsgRun,
  type EsgStep,
  type EsgHistoryEntry,
  type EsgSummary,
} from "./systems/esg/index.js";
export {
  LANGUAGES,
  forwardMessageId,
  type ForwardMessage,
  type InvoiceDetail,
  type InvoiceView,
  type JobSends,
  type JobView,
  type Language,
} from "./systems/invoices/index.js";
export { sshFingerprint } from "./adapters/budget-sources/index.js";
export type {
  BudgetCaller,
  BudgetService,
  BudgetView,
  CheckAnswer,
  CustomerView,
  LineRef,
  ReservationAnswer,
  ReservationView,
  RuleView,
  SourceInput,
} from "./systems/budgets/index.js";
export {
  DIMENSIONS,
  isDimension,
  type AnalyticsService,
  type ChatCaller,
  type Dimension,
  type ExpenseFilter,
} from "./systems/analytics/index.js";
export { BUDGET_WEBHOOK_EVENTS, type DeliveryView, type WebhookView } from "./systems/budgets/index.js";
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from "./kernel/webhook-signature.js";
// Analytics data and exploration (h-analytics-data).
export {
  ANALYTICS_IMPORTERS,
  ANALYTICS_READERS,
  GRANULARITIES,
  PLANTED,
  type Granularity,
} from "./systems/analytics/index.js";
// anomalies (h-analytics-anomalies)
export {
  ANOMALY_DEFAULTS,
  ML_FEATURES,
  type Anomaly,
  type AnomalyDirection,
  type AnomalyPage,
  type AnomalyScope,
  type AnomalyService,
} from "./systems/analytics/index.js";
// ---- analytics rca ----
export {
  BUDGET_DIMENSIONS,
  RCA_MAX_DEPTH,
  RCA_MAX_DIMENSIONS,
  rcaView,
  rcaWaterfall,
  rcaWaterfallSteps,
  type CurrencyRca,
  type ExplainedSegment,
  type RcaRequest,
  type RcaResult,
  type RcaView,
  type RcaWaterfall,
} from "./systems/analytics/index.js";
// charts (h-analytics-charts)
export { CHARTS, CHART_LIMITS, waterfallFigure, waterfallSpec, type DashboardView } from "./systems/analytics/index.js";
export {
  ChartTooLargeError,
  SVG_SIZE_LIMITS,
  type ChartSpec,
  type PlotlyFigure,
  type WaterfallStep,
} from "./foundation/charts/index.js";
