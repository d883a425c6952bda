import { AlertDispatcher } from "./foundation/alert-dispatcher.js";
import { AuditLog } from "./foundation/audit-log.js";
import { JobProtocol } from "./foundation/job-protocol.js";
import { checkReadiness, type DependencyCheck, type ReadinessReport } from "./foundation/readiness.js";
import type { QueueDefinition } from "./foundation/queues.js";
import { createLogger, type Logger, type LogSink } from "./foundation/logger.js";
import { PlatformMetrics } from "./foundation/metrics.js";
import type { Alerter } from "./ports/alerter.js";
import type { BlobStore } from "./ports/blob-store.js";
import type { Cache } from "./ports/cache.js";
import type { MessageQueue } from "./ports/message-queue.js";
import type { RateLimiter } from "./ports/rate-limiter.js";
import type { SecretStore } from "./ports/secret-store.js";
import { systemClock, type Clock } from "./ports/clock.js";
import { tablesOf, type Database } from "./foundation/sql/database.js";
import { GuardedSapClient } from "./sap/guarded-sap-client.js";
import { SapAvailability } from "./sap/sap-availability.js";
import { SapSimulator } from "./adapters/sap/sap-simulator.js";
import { SAP_SYSTEMS, type PlatformTables, type Settings } from "./catalog.js";
import { createBackups, type BackupService } from "./systems/backups/index.js";
import {
  BillingRepository,
  createBilling,
  type BillingReconciliation,
  type BillingSagaService,
} from "./systems/billing/index.js";
import { createEsg, type EsgRunService } from "./systems/esg/index.js";
import {
  createGateway,
  ProjectRepository,
  type CostCenterPlanningService,
  type ProjectService,
  type ResourceService,
} from "./systems/gateway/index.js";
import { createIdentity, type IdentityService } from "./systems/identity/index.js";
import { createReports, type ReportService } from "./systems/reports/index.js";
import { createInvoices, type InvoiceService } from "./systems/invoices/index.js";
import { createAnalytics, type AnalyticsService, type AnalyticsTables } from "./systems/analytics/index.js";
import { createBudgetImports, type BudgetImports } from "./systems/budgets/index.js";
import { createBudgets, type BudgetService } from "./systems/budgets/index.js";
import { createBudgetWebhooks, type BudgetWebhooks } from "./systems/budgets/index.js";
import { createBudgetSources, type BudgetSources } from "./systems/budgets/index.js";
import { budgetFileSources } from "./adapters/budget-sources/index.js";
import type { UploadLookup } from "./ports/accounting-platform.js";
import {
  connect,
  connectClearfacts,
  connectInvoiceSource,
  connectLanguageModel,
  connectSap,
  connectWebhookSender,
} from "./connections.js";

/** Everything the functions need, built once per process from settings. */
export interface Platform {
  readonly settings: Settings;
  /** The one clock every service decides by; timers take their firing time from it. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly database: Database<PlatformTables>;
  readonly secrets: SecretStore;
  readonly cache: Cache;
  readonly rateLimiter: RateLimiter;
  readonly queue: MessageQueue;
  readonly blobs: BlobStore;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  /** The job protocol every queued job starts through; its sweeper runs on a timer. */
  readonly jobs: JobProtocol;
  readonly identity: IdentityService;
  readonly sap: GuardedSapClient;
  readonly projects: ProjectService;
  readonly resources: ResourceService;
  readonly costCenters: CostCenterPlanningService;
  readonly billing: BillingSagaService;
  readonly reconciliation: BillingReconciliation;
  readonly reports: ReportService;
  readonly backups: BackupService;
  readonly esg: EsgRunService;
  readonly invoices: InvoiceService;
  readonly budgetImports: BudgetImports;
  readonly budgets: BudgetService;
  readonly analytics: AnalyticsService;
  readonly budgetWebhooks: BudgetWebhooks;
  readonly budgetSources: BudgetSources;
  /** The embedded simulators, when chosen (the local host steers them at run time). */
  readonly simulators: { readonly sap?: SapSimulator };
  /** Which adapter serves each port, for logs and readiness. */
  readonly adapters: Readonly<Record<"sql" | "cache" | "queue" | "blob" | "secrets" | "sap", string>>;
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Environment for local secret fallbacks; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logSink?: LogSink;
  /** Extra queues (tests) besides the catalog. */
  readonly extraQueues?: readonly QueueDefinition[];
  /** The time services decide by; the system clock unless a test or replay moves it. */
  readonly clock?: Clock;
  /** Whether a lost Clearfacts upload arrived: the local host asks its simulator (Clearfacts itself cannot be asked). */
  readonly clearfactsLookup?: (ref: { vatNumber: string; fileName: string }) => Promise<UploadLookup>;
}

/**
 * The composition root: config → clients → adapters → services, in that order. Adapters
 * are chosen here, once, from settings; nothing downstream checks the environment.
 */
export async function createPlatform(settings: Settings, options: PlatformOptions = {}): Promise<Platform> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = createLogger(settings.LOG_LEVEL, { service: "finance-platform" }, options.logSink);
  const metrics = new PlatformMetrics();
  const closers: (() => Promise<void>)[] = [];

  const { secrets, database, analyticsDatabase, cache, rateLimiter, broadcast, queue, blobs, adapters } = await connect(
    settings,
    {
      env,
      metrics,
      logger,
      closers,
      ...(options.extraQueues ? { extraQueues: options.extraQueues } : {}),
    },
  );

  const db = database.db;
  const audit = new AuditLog(tablesOf(db), clock);
  const jobs = new JobProtocol({ db: tablesOf(db), queue, clock, logger });
  const identity = await createIdentity({
    settings,
    db: tablesOf(db),
    clock,
    cache,
    broadcast,
    secrets,
    audit,
    metrics,
  });

  const alerts = new AlertDispatcher({
    clock,
    logger,
    metrics,
    secrets,
    pagerDutyEventsUrl: settings.ALERT_PAGERDUTY_EVENTS_URL,
    ...(settings.SMTP_HOST && settings.ALERT_EMAIL_FROM && settings.ALERT_EMAIL_TO
      ? {
          email: {
            host: settings.SMTP_HOST,
            port: settings.SMTP_PORT,
            secure: settings.SMTP_SECURE,
            ...(settings.SMTP_USER ? { user: settings.SMTP_USER } : {}),
            from: settings.ALERT_EMAIL_FROM,
            to: settings.ALERT_EMAIL_TO.split(",")
              .map((s) => s.trim())
              .filter(Boolean),
          },
        }
      : {}),
  });

  // Connected on first use: SAP absent or unreachable affects only what needs it.
  const sapClient = connectSap(settings, secrets, clock, logger);
  closers.push(() => sapClient.close());
  metrics.onCollect(async () => metrics.sapConnectionPoolSize.set(sapClient.openConnections()));
  // The probe pings through the guarded client, which in turn consults the availability.
  const sapAvailability = new SapAvailability({
    clock,
    cache,
    alerts,
    metrics,
    logger,
    ping: () => sap.ping(),
    probeIntervalSeconds: settings.SAP_HEALTH_PROBE_INTERVAL_SECONDS,
    failureThreshold: settings.SAP_CIRCUIT_FAILURE_THRESHOLD,
    // No interval in a serverless worker: calls and the sap-probe timer drive it there.
    drive: settings.runningInAzure ? "on-demand" : "interval",
  });
  const sap: GuardedSapClient = new GuardedSapClient({
    client: sapClient,
    availability: sapAvailability,
    metrics,
    maxConcurrentCalls: settings.SAP_MAX_CONCURRENT_CALLS,
    admissionTimeoutMs: settings.SAP_ADMISSION_TIMEOUT_MS,
    callTimeoutMs: settings.SAP_RFC_TIMEOUT_MS,
    pingTimeoutMs: Math.min(
      settings.SAP_RFC_TIMEOUT_MS,
      Math.max(1000, settings.SAP_HEALTH_PROBE_INTERVAL_SECONDS * 500),
    ),
  });
  // Probed only when an enabled system calls SAP.
  const sapInUse = settings.ENABLED_SYSTEMS.some((system) => SAP_SYSTEMS.includes(system));
  if (sapInUse) sapAvailability.start();
  closers.push(async () => sapAvailability.stop());
  // Billing's ledger first: the gateway shows its entries, and billing's saga asks the
  // gateway's projects (through its own ProjectLookup), so neither system imports the other's internals both ways.
  const billingLedger = new BillingRepository(tablesOf(db), clock);
  const gateway = createGateway({
    settings,
    db: tablesOf(db),
    clock,
    sap,
    billing: billingLedger,
    cache,
    audit,
    metrics,
    logger,
  });
  const billing = createBilling({
    settings,
    db: tablesOf(db),
    clock,
    sap,
    ledger: billingLedger,
    projects: gateway.projects,
    audit,
    alerts,
    logger,
    jobs,
  });
  const reports = createReports({
    settings,
    db: tablesOf(db),
    clock,
    projects: gateway.projects,
    resources: gateway.resources,
    billing: billingLedger,
    blobs,
    audit,
    metrics,
    logger,
    jobs,
  });
  const backups = createBackups({
    settings,
    db: tablesOf(db),
    clock,
    projects: gateway.projects,
    projectRecords: new ProjectRepository(tablesOf(db), clock),
    billing: billingLedger,
    blobs,
    audit,
    alerts,
    metrics,
    logger,
    jobs,
  });
  const esg = createEsg({
    settings,
    db: tablesOf(db),
    clock,
    blobs,
    cache,
    rateLimiter,
    secrets,
    alerts,
    audit,
    metrics,
    logger,
    jobs,
  });

  const invoices = createInvoices({
    settings,
    db: tablesOf(db),
    clock,
    blobs,
    accounting: connectClearfacts(settings, secrets, options.clearfactsLookup),
    source: connectInvoiceSource(settings, secrets, (status, seconds) => {
      metrics.externalApiCalls.inc({ api: "invoice-source", status });
      metrics.externalApiCallDuration.observe({ api: "invoice-source" }, seconds);
    }),
    audit,
    alerts,
    metrics,
    logger,
    jobs,
  });

  const budgets = createBudgets({
    settings,
    db: tablesOf(db),
    dialect: database.dialect,
    clock,
    audit,
    metrics,
    logger,
  });
  const budgetWebhooks = createBudgetWebhooks({
    settings,
    db: tablesOf(db),
    clock,
    secrets,
    sender: connectWebhookSender(settings),
    jobs,
    alerts,
    audit,
    logger,
    metrics,
    access: budgets.customerAccess,
  });
  const budgetImports = createBudgetImports({
    settings,
    db: tablesOf(db),
    clock,
    blobs,
    audit,
    logger,
    metrics,
    access: budgets.customerAccess,
    onFinished: (trx, importId) => budgetWebhooks.importFinishedIn(trx, importId),
    jobs,
  });
  const analyticsDb = analyticsDatabase
    ? tablesOf<AnalyticsTables, unknown>(analyticsDatabase.db)
    : tablesOf<AnalyticsTables, PlatformTables>(db);
  const analytics = createAnalytics({
    settings,
    db: analyticsDb,
    dialect: (analyticsDatabase ?? database).dialect,
    platformDb: tablesOf(db),
    clock,
    blobs,
    jobs,
    audit,
    metrics,
    logger,
    budgets,
    model: connectLanguageModel(settings, secrets),
  });
  const budgetSources = createBudgetSources({
    settings,
    db: tablesOf(db),
    clock,
    secrets,
    alerts,
    audit,
    logger,
    access: budgets.customerAccess,
    imports: budgetImports,
    open: budgetFileSources({
      blobs,
      ...(settings.BUDGETS_S3_ENDPOINT ? { s3Endpoint: settings.BUDGETS_S3_ENDPOINT } : {}),
      sheetsApiUrl: settings.BUDGETS_SHEETS_API_URL,
      allowUnpinnedSftp: !settings.runningInAzure && settings.BUDGETS_SFTP_ALLOW_UNPINNED,
    }),
  });

  const checks: DependencyCheck[] = [
    { name: "sql", adapter: adapters.sql, check: () => database.ping() },
    { name: "cache", adapter: adapters.cache, check: () => cache.ping() },
    { name: "queue", adapter: adapters.queue, check: () => queue.ping() },
    { name: "blob", adapter: adapters.blob, check: () => blobs.ping() },
    {
      name: "secrets",
      adapter: adapters.secrets,
      check: async () => void (await secrets.findSecret("jwt-signing-key")),
    },
    // Not essential: while SAP is down its routes answer 503 and everything else serves.
    ...(sapInUse ? [{ name: "sap", adapter: adapters.sap, check: () => sap.ping(), essential: false }] : []),
  ];

  logger.info("Platform started", {
    adapters,
    running_in_azure: settings.runningInAzure,
    enabled_systems: settings.ENABLED_SYSTEMS,
    ...(settings.DEMO_MODE ? { demo: true } : {}),
  });
  return {
    settings,
    clock,
    logger,
    metrics,
    database,
    secrets,
    cache,
    rateLimiter,
    queue,
    blobs,
    alerts,
    audit,
    jobs,
    identity,
    sap,
    projects: gateway.projects,
    resources: gateway.resources,
    costCenters: gateway.costCenters,
    billing: billing.saga,
    reports,
    backups,
    reconciliation: billing.reconciliation,
    esg,
    invoices,
    budgetImports,
    budgets,
    analytics,
    budgetWebhooks,
    budgetSources,
    simulators: sapClient instanceof SapSimulator ? { sap: sapClient } : {},
    adapters,
    readiness: () => checkReadiness(checks),
    close: async () => {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}
