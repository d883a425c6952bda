import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AlertDispatcher } from "./alerts/alert-dispatcher.js";
import { AuditLog } from "./audit/audit-log.js";
import { AzureBlobStore } from "./blob/azure-blob-store.js";
import { ConfigurationError, type Settings } from "./config/settings.js";
import { checkReadiness, type DependencyCheck, type ReadinessReport } from "./health/readiness.js";
import { AccessTokens } from "./identity/access-tokens.js";
import { IdentityService } from "./identity/identity-service.js";
import { LoginThrottle } from "./identity/login-throttle.js";
import { RefreshTokenStore } from "./identity/refresh-tokens.js";
import { UserRepository } from "./identity/users.js";
import { InProcessCache, InProcessRateLimiter } from "./infra/memory-cache.js";
import { RedisCache, RedisRateLimiter, connectRedis } from "./infra/redis-cache.js";
import { EnvSecretStore, KeyVaultSecretStore } from "./infra/secrets.js";
import { LocalMessageQueue } from "./messaging/local-message-queue.js";
import { QUEUE_DEFINITIONS, type QueueDefinition } from "./messaging/queues.js";
import { ServiceBusMessageQueue } from "./messaging/service-bus-message-queue.js";
import { createLogger, type Logger, type LogSink } from "./observability/logger.js";
import { PlatformMetrics } from "./observability/metrics.js";
import type { Alerter } from "./ports/alerter.js";
import type { BlobStore } from "./ports/blob-store.js";
import type { Cache } from "./ports/cache.js";
import type { MessageQueue } from "./ports/message-queue.js";
import type { RateLimiter } from "./ports/rate-limiter.js";
import type { SecretStore } from "./ports/secret-store.js";
import { openMssqlDatabase, openSqliteDatabase, type Database } from "./sql/database.js";

/** Everything the functions need, built once per process from settings. */
export interface Platform {
  readonly settings: Settings;
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
  /** Which adapter serves each port, for logs and readiness. */
  readonly adapters: Readonly<Record<"sql" | "cache" | "queue" | "blob" | "secrets", string>>;
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Environment for local secret fallbacks; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logSink?: LogSink;
  /** Extra queues (tests) besides the catalog. */
  readonly extraQueues?: readonly QueueDefinition[];
}

/**
 * The composition root: config → clients → adapters → services, in that order. Adapters
 * are chosen here, once, from settings; nothing downstream checks the environment.
 */
export async function createPlatform(settings: Settings, options: PlatformOptions = {}): Promise<Platform> {
  const env = options.env ?? process.env;
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
  if (settings.REDIS_URL) {
    const redis = await connectRedis(settings.REDIS_URL, await secrets.findSecret("redis-password"));
    cache = new RedisCache(redis);
    rateLimiter = new RedisRateLimiter(redis);
  } else {
    cache = new InProcessCache();
    rateLimiter = new InProcessRateLimiter();
  }
  closers.push(() => cache.close());

  const queueDefinitions = [...QUEUE_DEFINITIONS, ...(options.extraQueues ?? [])];
  const serviceBusNamespace = settings.ServiceBusConnection__fullyQualifiedNamespace;
  const queue: MessageQueue = serviceBusNamespace
    ? await ServiceBusMessageQueue.connect({ fullyQualifiedNamespace: serviceBusNamespace })
    : settings.ServiceBusConnection
      ? await ServiceBusMessageQueue.connect({ connectionString: settings.ServiceBusConnection })
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
  });
  const audit = new AuditLog(database.db);
  const identity = new IdentityService({
    users: new UserRepository(database.db),
    refreshTokens: new RefreshTokenStore(database.db),
    accessTokens,
    throttle: new LoginThrottle(cache, { maxFailures: settings.LOGIN_MAX_FAILURES, lockoutSeconds: settings.LOGIN_LOCKOUT_SECONDS }),
    audit,
    refreshTokenTtlSeconds: settings.REFRESH_TOKEN_TTL_SECONDS,
    selfRegistrationEnabled: settings.AUTH_SELF_REGISTRATION_ENABLED,
    metrics,
  });

  const alerts = new AlertDispatcher({
    logger,
    metrics,
    secrets,
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

  const adapters = {
    sql: database.dialect,
    cache: settings.REDIS_URL ? "redis" : "in-process",
    queue: serviceBusNamespace || settings.ServiceBusConnection ? "service-bus" : "local-sqlite",
    blob: settings.BLOB_SERVICE_URL ? "azure-blob" : "blob-connection-string",
    secrets: settings.KEY_VAULT_URL ? "key-vault" : "settings",
  } as const;

  const checks: DependencyCheck[] = [
    { name: "sql", adapter: adapters.sql, check: () => database.ping() },
    { name: "cache", adapter: adapters.cache, check: () => cache.ping() },
    { name: "queue", adapter: adapters.queue, check: () => queue.ping() },
    { name: "blob", adapter: adapters.blob, check: () => blobs.ping() },
    { name: "secrets", adapter: adapters.secrets, check: async () => void (await secrets.findSecret("jwt-signing-key")) },
  ];

  logger.info("Platform started", { adapters, running_in_azure: settings.runningInAzure });
  return {
    settings,
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
  const fromStore = async () => {
    const value = await secrets.findSecret("jwt-signing-key");
    return value === undefined ? undefined : new TextEncoder().encode(value);
  };
  const initial = await fromStore();
  if (initial) {
    if (initial.length < 32) throw new ConfigurationError(["jwt-signing-key: must be at least 32 bytes"]);
    return async () => (await fromStore()) ?? initial;
  }
  if (settings.runningInAzure || settings.KEY_VAULT_URL) {
    throw new ConfigurationError(["jwt-signing-key: the Key Vault secret is missing; set it (at least 32 random bytes)"]);
  }
  const file = join(settings.DATA_DIR, "jwt-signing-key");
  if (!existsSync(file)) {
    mkdirSync(settings.DATA_DIR, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const key = new TextEncoder().encode(readFileSync(file, "utf8").trim());
  return async () => key;
}
