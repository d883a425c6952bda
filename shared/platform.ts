import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AlertDispatcher } from "./foundation/alert-dispatcher.js";
import { AuditLog } from "./foundation/audit-log.js";
import { AzureBlobStore } from "./adapters/azure/azure-blob-store.js";
import { ConfigurationError, type Settings } from "./foundation/settings.js";
import { checkReadiness, type DependencyCheck, type ReadinessReport } from "./foundation/readiness.js";
import { AccessTokens } from "./systems/identity/access-tokens.js";
import { AccountStates } from "./systems/identity/account-states.js";
import { IdentityService } from "./systems/identity/identity-service.js";
import { LoginThrottle } from "./systems/identity/login-throttle.js";
import { RefreshTokenStore } from "./systems/identity/refresh-token-repository.js";
import { UserRepository } from "./systems/identity/user-repository.js";
import { InProcessCache, InProcessRateLimiter } from "./adapters/embedded/memory-cache.js";
import { InProcessBroadcast } from "./adapters/embedded/memory-broadcast.js";
import { RedisBroadcast } from "./adapters/redis/redis-broadcast.js";
import { RedisCache, RedisRateLimiter, connectRedis } from "./adapters/redis/redis-cache.js";
import { EnvSecretStore, KeyVaultSecretStore } from "./adapters/azure/secrets.js";
import { LocalMessageQueue } from "./adapters/embedded/local-message-queue.js";
import { QUEUE_DEFINITIONS, QUEUES, type QueueDefinition } from "./foundation/queues.js";
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
import { openMssqlDatabase, openSqliteDatabase, type Database } from "./foundation/sql/database.js";
import type { SapRfcClient } from "./ports/sap-rfc.js";
import { CostCenterPlanningService } from "./systems/gateway/cost-center-planning.js";
import { ProjectRepository } from "./systems/gateway/project-repository.js";
import { ProjectService } from "./systems/gateway/project-service.js";
import { ResourceService } from "./systems/gateway/resource-service.js";
import { GuardedSapClient } from "./sap/guarded-sap-client.js";
import { BillingSagaService } from "./systems/billing/billing-saga.js";
import { BillingRepository } from "./systems/billing/billing-repository.js";
import { BillingReconciliation } from "./systems/billing/billing-reconciliation.js";
import { ReportService } from "./systems/reports/report-service.js";
import { BackupService } from "./systems/backups/backup-service.js";
import { NodeRfcSapClient, loadNodeRfc } from "./adapters/sap/node-rfc-client.js";
import { SapAvailability } from "./sap/sap-availability.js";
import { SapSimulator } from "./adapters/sap/sap-simulator.js";
import { AdaptiveRate } from "./systems/esg/adaptive-rate.js";
import { AccountDirectory, EsgRatingsClient } from "./systems/esg/esg-partners.js";
import { EsgRunService, type EsgRunServiceOptions } from "./systems/esg/esg-run-service.js";
import { fileKeyFrom, type FileKeyring } from "./kernel/file-encryption.js";
import { PartnerCredentials, type PartnerAuth } from "./foundation/partner-http.js";

/** Everything the functions need, built once per process from settings. */
export interface Platform {
  readonly settings: Settings;
  /** The one clock every service decides by; timers take their firing time from it. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly database: Database;
  readonly secrets: SecretStore;
  readonly cache: Cache;
  readonly rateLimiter: RateLimiter;
  readonly queue: MessageQueue;
  readonly blobs: BlobStore;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
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
    ? await openMssqlDatabase(settings.SQL_CONNECTION_STRING)
    : await openSqliteDatabase(join(settings.DATA_DIR, "platform.sqlite"));
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

  const signingKey = await loadSigningKey(settings, secrets);
  const accessTokens = new AccessTokens({
    key: signingKey,
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    ttlSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
    clock,
  });
  const audit = new AuditLog(database.db, clock);
  const users = new UserRepository(database.db, clock);
  const identity = new IdentityService({
    users,
    accountStates: await AccountStates.open({ users, cache, broadcast, metrics }),
    refreshTokens: new RefreshTokenStore(database.db, clock),
    accessTokens,
    throttle: new LoginThrottle(cache, { maxFailures: settings.LOGIN_MAX_FAILURES, lockoutSeconds: settings.LOGIN_LOCKOUT_SECONDS }),
    audit,
    refreshTokenTtlSeconds: settings.REFRESH_TOKEN_TTL_SECONDS,
    selfRegistrationEnabled: settings.AUTH_SELF_REGISTRATION_ENABLED,
    metrics,
    clock,
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
            to: settings.ALERT_EMAIL_TO.split(",").map((s) => s.trim()).filter(Boolean),
          },
        }
      : {}),
  });

  const sapClient = await connectSap(settings, secrets, clock);
  closers.push(() => sapClient.close());
  metrics.onCollect(async () => metrics.sapConnectionPoolSize.set(sapClient.openConnections()));
  // The probe pings through the guarded client, which in turn consults the availability.
  let sap: GuardedSapClient | undefined;
  const sapAvailability = new SapAvailability({
    clock,
    cache,
    alerts,
    metrics,
    logger,
    ping: () => sap!.ping(),
    probeIntervalSeconds: settings.SAP_HEALTH_PROBE_INTERVAL_SECONDS,
    failureThreshold: settings.SAP_CIRCUIT_FAILURE_THRESHOLD,
  });
  sap = new GuardedSapClient({
    client: sapClient,
    availability: sapAvailability,
    metrics,
    maxConcurrentCalls: settings.SAP_MAX_CONCURRENT_CALLS,
    admissionTimeoutMs: settings.SAP_ADMISSION_TIMEOUT_MS,
    callTimeoutMs: settings.SAP_RFC_TIMEOUT_MS,
    pingTimeoutMs: Math.min(settings.SAP_RFC_TIMEOUT_MS, Math.max(1000, settings.SAP_HEALTH_PROBE_INTERVAL_SECONDS * 500)),
  });
  sapAvailability.start();
  closers.push(async () => sapAvailability.stop());
  const projects = new ProjectService({
    sap,
    functions: { listProjects: settings.SAP_RFC_FUNCTION_LIST_PROJECTS, readProject: settings.SAP_RFC_FUNCTION_READ_PROJECT },
    repository: new ProjectRepository(database.db, clock),
    billing: new BillingRepository(database.db, clock),
    db: database.db,
    cache,
    cacheTtlSeconds: settings.PROJECT_CACHE_TTL_SECONDS,
    audit,
    metrics,
    logger,
  });

  const billing = new BillingSagaService({
    clock,
    db: database.db,
    sap,
    functions: { update: settings.SAP_RFC_FUNCTION_UPDATE_PROJECT, reverse: settings.SAP_RFC_FUNCTION_REVERSE_BILLING, read: settings.SAP_RFC_FUNCTION_READ_BILLING },
    projects,
    audit,
    alerts,
    logger,
    staleAfterSeconds: settings.SAGA_STALE_AFTER_SECONDS,
  });

  const esgRate = new AdaptiveRate({
    cache,
    limiter: rateLimiter,
    key: "esg-ratings-api",
    maxPerSecond: settings.ESG_API_RATE_LIMIT_PER_SECOND,
    minPerSecond: Math.max(1, settings.ESG_API_RATE_LIMIT_PER_SECOND / 20),
  });
  metrics.onCollect(async () => metrics.esgApiRate.set(esgRate.current));
  const esg = new EsgRunService({
    clock,
    db: database.db,
    blobs,
    container: settings.ESG_FILES_CONTAINER,
    alerts,
    audit,
    metrics,
    logger,
    partners: connectEsgPartners(settings, secrets, esgRate),
    fileKeys: esgFileKeyring(settings, secrets),
    window: { timeZone: settings.ESG_TIME_ZONE, startTime: settings.ESG_DAILY_START_TIME, windowMinutes: settings.ESG_WINDOW_MINUTES, graceMinutes: settings.ESG_START_GRACE_MINUTES },
    batchSize: settings.ESG_BATCH_SIZE,
    concurrency: settings.ESG_API_CONCURRENCY,
    batchLeaseMs: QUEUES.esgBatches.lockDurationSeconds * 1000,
    fullRefreshHours: settings.ESG_FULL_REFRESH_HOURS,
    failureAlertPercent: settings.ESG_FAILURE_ALERT_PERCENT,
    fileRetentionDays: settings.ESG_FILE_RETENTION_DAYS,
    resultRetentionDays: settings.ESG_RESULT_RETENTION_DAYS,
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
    { name: "secrets", adapter: adapters.secrets, check: async () => void (await secrets.findSecret("jwt-signing-key")) },
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
    identity,
    sap,
    projects,
    resources: new ResourceService(sap, settings.SAP_RFC_FUNCTION_READ_RESOURCES),
    costCenters: new CostCenterPlanningService(sap, settings.SAP_RFC_FUNCTION_READ_COST_CENTER_PLAN),
    billing,
    reports: new ReportService({
      clock,
      db: database.db,
      projects,
      billing: new BillingRepository(database.db, clock),
      blobs,
      container: settings.REPORTS_CONTAINER,
      audit,
      metrics,
      logger,
      maxAttempts: settings.REPORT_MAX_ATTEMPTS,
      staleAfterSeconds: settings.REPORT_STALE_AFTER_SECONDS,
    }),
    backups: new BackupService({ clock, db: database.db, projects, blobs, container: settings.BACKUPS_CONTAINER, audit, alerts, metrics, logger }),
    reconciliation: new BillingReconciliation({
      clock,
      db: database.db,
      sap,
      functions: {
        listProjects: settings.SAP_RFC_FUNCTION_LIST_PROJECTS,
        listChanges: settings.SAP_RFC_FUNCTION_LIST_BILLING_CHANGES,
        checksums: settings.SAP_RFC_FUNCTION_BILLING_CHECKSUMS,
        readBilling: settings.SAP_RFC_FUNCTION_READ_BILLING,
      },
      saga: billing,
      billing: new BillingRepository(database.db, clock),
      audit,
      alerts,
      logger,
      rangeSize: settings.RECONCILIATION_RANGE_SIZE,
    }),
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
 * The HS256 key: the secret `jwt-signing-key`. On a laptop without one, a random key is
 * generated once into DATA_DIR, so tokens survive restarts and nothing sits in a sample
 * file. In Azure a missing key stops the start with a clear message.
 */
async function loadSigningKey(settings: Settings, secrets: SecretStore): Promise<() => Promise<Uint8Array>> {
  // The same bytes (the same array) until the secret changes: AccessTokens keeps its key object while it gets the same array.
  let last: { text: string; bytes: Uint8Array } | undefined;
  const fromStore = async () => {
    const value = await secrets.findSecret("jwt-signing-key");
    if (value === undefined) return undefined;
    if (last?.text !== value) last = { text: value, bytes: new TextEncoder().encode(value) };
    return last.bytes;
  };
  const initial = await fromStore();
  if (initial) {
    if (initial.length < 32) throw new ConfigurationError(["jwt-signing-key: must be at least 32 bytes"]);
    return async () => (await fromStore()) ?? initial;
  }
  if (settings.runningInAzure || settings.KEY_VAULT_URL) {
    throw new ConfigurationError(["jwt-signing-key: the Key Vault secret is missing; set it (at least 32 random bytes)"]);
  }
  const key = new TextEncoder().encode(localGeneratedSecret(settings, "jwt-signing-key", () => randomBytes(48).toString("base64url")));
  return async () => key;
}

/**
 * A secret generated once into DATA_DIR on a laptop without one, so it survives restarts
 * and nothing sits in a sample file. Never used in Azure.
 */
function localGeneratedSecret(settings: Settings, name: string, generate: () => string): string {
  const file = join(settings.DATA_DIR, name);
  if (!existsSync(file)) {
    mkdirSync(settings.DATA_DIR, { recursive: true });
    try {
      writeFileSync(file, generate(), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The ESG file keys: new files use the secret esg-file-encryption-key (read per use, so a
 * rotation applies to the next file); files encrypted before a rotation are read with the
 * key their metadata names, found among the current key and esg-file-encryption-previous-keys
 * (comma-separated). Locally, without the secret, a key generated once into DATA_DIR.
 */
export function esgFileKeyring(settings: Settings, secrets: SecretStore): FileKeyring {
  const name = "esg-file-encryption-key";
  const current = async () => {
    const value = await secrets.findSecret(name);
    if (value) return fileKeyFrom(name, value);
    if (settings.runningInAzure || settings.KEY_VAULT_URL) throw new ConfigurationError([`${name}: the Key Vault secret is missing; set it (32 random bytes, base64)`]);
    return fileKeyFrom(name, localGeneratedSecret(settings, name, () => randomBytes(32).toString("base64")));
  };
  return {
    current,
    find: async (id) => {
      const previous = ((await secrets.findSecret("esg-file-encryption-previous-keys")) ?? "").split(",").map((k) => k.trim()).filter(Boolean);
      const keys = [await current(), ...previous.map((k) => fileKeyFrom(name, k))];
      return keys.find((k) => k.id === id);
    },
  };
}

/** Both ESG partners' clients, or undefined when their URLs are not set (runs then fail saying so). */
function connectEsgPartners(settings: Settings, secrets: SecretStore, rate: AdaptiveRate): EsgRunServiceOptions["partners"] {
  if (!settings.ESG_ACCOUNTS_API_URL || !settings.ESG_RATINGS_API_URL) return undefined;
  const auth = (apiKeySecret: string): PartnerAuth => {
    if (settings.ESG_API_AUTH === "none") return { kind: "none" };
    if (settings.ESG_API_AUTH === "api-key") return { kind: "api-key", header: settings.ESG_API_KEY_HEADER, secretName: apiKeySecret };
    if (!settings.ESG_OAUTH_TOKEN_URL) throw new ConfigurationError(["ESG_OAUTH_TOKEN_URL: required when ESG_API_AUTH is oauth"]);
    return { kind: "oauth-client-credentials", tokenUrl: settings.ESG_OAUTH_TOKEN_URL, ...(settings.ESG_OAUTH_SCOPE ? { scope: settings.ESG_OAUTH_SCOPE } : {}), clientIdSecret: "esg-oauth-client-id", clientSecretSecret: "esg-oauth-client-secret" };
  };
  const policy = { timeoutMs: settings.ESG_API_TIMEOUT_MS, maxAttempts: settings.ESG_API_MAX_ATTEMPTS, baseDelayMs: 200, maxDelayMs: 10_000 };
  return {
    accounts: new AccountDirectory({ baseUrl: settings.ESG_ACCOUNTS_API_URL, credentials: new PartnerCredentials(auth("esg-accounts-api-key"), secrets), policy, pageSize: settings.ESG_ACCOUNTS_PAGE_SIZE }),
    ratings: new EsgRatingsClient({ baseUrl: settings.ESG_RATINGS_API_URL, credentials: new PartnerCredentials(auth("esg-ratings-api-key"), secrets), policy, rate }),
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
    throw new ConfigurationError(missing.map((n) => `${n}: SAP_ADAPTER=node-rfc needs this secret (Key Vault, or ${n.toUpperCase().replace(/-/g, "_")} locally)`));
  }
  const [user, passwd, ashost, sysnr, client] = values as string[];
  return NodeRfcSapClient.connect({
    module: await loadNodeRfc(),
    credentials: { user: user!, passwd: passwd!, ashost: ashost!, sysnr: sysnr!, client: client! },
    poolSize: settings.SAP_MAX_CONCURRENT_CALLS,
    timeoutMs: settings.SAP_RFC_TIMEOUT_MS,
  });
}
