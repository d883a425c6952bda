import { join } from "node:path";
import { AlertDispatcher } from "./foundation/alert-dispatcher.js";
import { AuditLog } from "./foundation/audit-log.js";
import { JobProtocol } from "./foundation/job-protocol.js";
import { AzureBlobStore } from "./adapters/azure/azure-blob-store.js";
import { ConfigurationError } from "./foundation/settings.js";
import { checkReadiness, type DependencyCheck, type ReadinessReport } from "./foundation/readiness.js";
import { InProcessCache, InProcessRateLimiter } from "./adapters/embedded/memory-cache.js";
import { InProcessBroadcast } from "./adapters/embedded/memory-broadcast.js";
import { RedisBroadcast } from "./adapters/redis/redis-broadcast.js";
import { RedisCache, RedisRateLimiter, connectRedis } from "./adapters/redis/redis-cache.js";
import { EnvSecretStore, KeyVaultSecretStore } from "./adapters/azure/secrets.js";
import { LocalMessageQueue } from "./adapters/embedded/local-message-queue.js";
import type { QueueDefinition } from "./foundation/queues.js";
import { createLogger, type Logger, type LogSink } from "./foundation/logger.js";
import { PlatformMetrics } from "./foundation/metrics.js";
import type { Alerter } from "./ports/alerter.js";
import type { BlobStore } from "./ports/blob-store.js";
import type { Broadcast } from "./ports/broadcast.js";
import type { Cache } from "./ports/cache.js";
import type { MessageQueue } from "./ports/message-queue.js";
import type { RateLimiter } from "./ports/rate-limiter.js";
import type { SecretStore } from "./ports/secret-store.js";
import { systemClock, type Clock } from "./ports/clock.js";
import { openMssqlDatabase, openSqliteDatabase, tablesOf, type Database } from "./foundation/sql/database.js";
import type { SapRfcClient } from "./ports/sap-rfc.js";
import { GuardedSapClient } from "./sap/guarded-sap-client.js";
import { NodeRfcSapClient, loadNodeRfc } from "./adapters/sap/node-rfc-client.js";
import { SapAvailability } from "./sap/sap-availability.js";
import { SapSimulator } from "./adapters/sap/sap-simulator.js";
import { MIGRATIONS, QUEUE_DEFINITIONS, type PlatformTables, type Settings } from "./catalog.js";
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
  type CostCenterPlanningService,
  type ProjectService,
  type ResourceService,
} from "./systems/gateway/index.js";
import { createIdentity, type IdentityService } from "./systems/identity/index.js";
import { createReports, type ReportService } from "./systems/reports/index.js";

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

  const secrets: SecretStore = settings.KEY_VAULT_URL
    ? new KeyVaultSecretStore(settings.KEY_VAULT_URL, settings.SECRET_CACHE_TTL_SECONDS)
    : new EnvSecretStore(env);

  const database = settings.SQL_CONNECTION_STRING
    ? await openMssqlDatabase<PlatformTables>(settings.SQL_CONNECTION_STRING, MIGRATIONS)
    : await openSqliteDatabase<PlatformTables>(join(settings.DATA_DIR, "platform.sqlite"), MIGRATIONS);
  closers.push(() => database.close());

  let cache: Cache;
  let rateLimiter: RateLimiter;
  let broadcast: Broadcast;
  if (settings.REDIS_URL) {
    const redis = await connectRedis(settings.REDIS_URL, await secrets.findSecret("redis-password"));
    cache = new RedisCache(redis);
    rateLimiter = new RedisRateLimiter(redis);
    broadcast = new RedisBroadcast(redis);
  } else {
    cache = new InProcessCache();
    rateLimiter = new InProcessRateLimiter();
    broadcast = new InProcessBroadcast();
  }
  // Closed in reverse: the broadcast's own connection before the shared client.
  closers.push(() => cache.close());
  closers.push(() => broadcast.close());

  const queueDefinitions = [...QUEUE_DEFINITIONS, ...(options.extraQueues ?? [])];
  const serviceBusNamespace = settings.ServiceBusConnection__fullyQualifiedNamespace;
  // The Service Bus SDK is loaded only when chosen, as tedious is: a laptop never holds it.
  const serviceBus = async () => (await import("./adapters/azure/service-bus-message-queue.js")).ServiceBusMessageQueue;
  const queue: MessageQueue = serviceBusNamespace
    ? await (await serviceBus()).connect({ fullyQualifiedNamespace: serviceBusNamespace })
    : settings.ServiceBusConnection
      ? await (await serviceBus()).connect({ connectionString: settings.ServiceBusConnection })
      : await LocalMessageQueue.open(database.db, queueDefinitions);
  closers.push(() => queue.close());
  metrics.onCollect(async () => {
    for (const q of queueDefinitions) {
      metrics.queueDepth.set({ queue: q.name }, await queue.countActive(q.name));
    }
  });

  const blobTarget = settings.BLOB_SERVICE_URL
    ? { serviceUrl: settings.BLOB_SERVICE_URL }
    : settings.BLOB_CONNECTION_STRING
      ? { connectionString: settings.BLOB_CONNECTION_STRING }
      : undefined;
  if (!blobTarget) {
    throw new ConfigurationError([
      "BLOB_SERVICE_URL or BLOB_CONNECTION_STRING: one is required (the local host starts Azurite and sets BLOB_CONNECTION_STRING itself)",
    ]);
  }
  const blobs = await AzureBlobStore.connect(blobTarget);

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

  const sapClient = await connectSap(settings, secrets, clock);
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
  sapAvailability.start();
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

  const adapters = {
    sql: database.dialect,
    cache: settings.REDIS_URL ? "redis" : "in-process",
    queue: serviceBusNamespace || settings.ServiceBusConnection ? "service-bus" : "local-sqlite",
    blob: settings.BLOB_SERVICE_URL ? "azure-blob" : "blob-connection-string",
    secrets: settings.KEY_VAULT_URL ? "key-vault" : "settings",
    sap: settings.SAP_ADAPTER,
  } as const;

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
    { name: "sap", adapter: adapters.sap, check: () => sap.ping() },
  ];

  logger.info("Platform started", { adapters, running_in_azure: settings.runningInAzure });
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
    simulators: sapClient instanceof SapSimulator ? { sap: sapClient } : {},
    adapters,
    readiness: () => checkReadiness(checks),
    close: async () => {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

/**
 * SAP over node-rfc (loaded lazily: the package and SAP's NW RFC SDK are optional, and
 * their absence stops the start with a message saying so) or the seeded simulator.
 */
async function connectSap(settings: Settings, secrets: SecretStore, clock: Clock): Promise<SapRfcClient> {
  if (settings.SAP_ADAPTER === "simulator") {
    return new SapSimulator({
      clock,
      seed: settings.SAP_SIMULATOR_SEED,
      projectCount: settings.SAP_SIMULATOR_PROJECTS,
      functionNames: {
        listProjects: settings.SAP_RFC_FUNCTION_LIST_PROJECTS,
        readProject: settings.SAP_RFC_FUNCTION_READ_PROJECT,
        readResources: settings.SAP_RFC_FUNCTION_READ_RESOURCES,
        readCostCenterPlan: settings.SAP_RFC_FUNCTION_READ_COST_CENTER_PLAN,
        updateProject: settings.SAP_RFC_FUNCTION_UPDATE_PROJECT,
        reverseBilling: settings.SAP_RFC_FUNCTION_REVERSE_BILLING,
        readBilling: settings.SAP_RFC_FUNCTION_READ_BILLING,
        listBillingChanges: settings.SAP_RFC_FUNCTION_LIST_BILLING_CHANGES,
        billingChecksums: settings.SAP_RFC_FUNCTION_BILLING_CHECKSUMS,
      },
      stateFile: join(settings.DATA_DIR, "sap-simulator-billing.jsonl"),
      controls: {
        down: settings.SAP_SIMULATOR_DOWN,
        latencyMs: settings.SAP_SIMULATOR_LATENCY_MS,
        errorRate: settings.SAP_SIMULATOR_ERROR_RATE,
        failFunctions: settings.SAP_SIMULATOR_FAIL_FUNCTIONS,
      },
    });
  }
  const names = ["sap-rfc-user", "sap-rfc-password", "sap-rfc-host", "sap-rfc-sysnr", "sap-rfc-client"] as const;
  const values = await Promise.all(names.map((n) => secrets.findSecret(n)));
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) {
    throw new ConfigurationError(
      missing.map(
        (n) =>
          `${n}: SAP_ADAPTER=node-rfc needs this secret (Key Vault, or ${n.toUpperCase().replace(/-/g, "_")} locally)`,
      ),
    );
  }
  const [user, passwd, ashost, sysnr, client] = values as string[];
  return NodeRfcSapClient.connect({
    module: await loadNodeRfc(),
    credentials: { user: user!, passwd: passwd!, ashost: ashost!, sysnr: sysnr!, client: client! },
    poolSize: settings.SAP_MAX_CONCURRENT_CALLS,
    timeoutMs: settings.SAP_RFC_TIMEOUT_MS,
  });
}
