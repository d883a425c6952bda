import { join } from "node:path";
import { AzureBlobStore } from "./adapters/azure/azure-blob-store.js";
import { ConfigurationError } from "./foundation/settings.js";
import { InProcessCache, InProcessRateLimiter } from "./adapters/embedded/memory-cache.js";
import { InProcessBroadcast } from "./adapters/embedded/memory-broadcast.js";
import { RedisBroadcast } from "./adapters/redis/redis-broadcast.js";
import { RedisCache, RedisRateLimiter, connectRedis } from "./adapters/redis/redis-cache.js";
import { EnvSecretStore, KeyVaultSecretStore } from "./adapters/azure/secrets.js";
import { LocalMessageQueue } from "./adapters/embedded/local-message-queue.js";
import type { QueueDefinition } from "./foundation/queues.js";
import type { PlatformMetrics } from "./foundation/metrics.js";
import type { BlobStore } from "./ports/blob-store.js";
import type { Broadcast } from "./ports/broadcast.js";
import type { Cache } from "./ports/cache.js";
import type { MessageQueue } from "./ports/message-queue.js";
import type { RateLimiter } from "./ports/rate-limiter.js";
import type { SecretStore } from "./ports/secret-store.js";
import type { Clock } from "./ports/clock.js";
import { openMssqlDatabase, openSqliteDatabase, type Database } from "./foundation/sql/database.js";
import type { SapRfcClient } from "./ports/sap-rfc.js";
import { NodeRfcSapClient, loadNodeRfc } from "./adapters/sap/node-rfc-client.js";
import { SapSimulator } from "./adapters/sap/sap-simulator.js";
import { LazySapClient } from "./sap/lazy-sap-client.js";
import type { Logger } from "./foundation/logger.js";
import { PartnerCredentials } from "./foundation/partner-http.js";
import type { AccountingPlatform } from "./ports/accounting-platform.js";
import type { InvoiceSource } from "./ports/invoice-source.js";
import type { WebhookSender } from "./ports/webhook-sender.js";
import { HttpWebhookSender } from "./adapters/webhooks/http-webhook-sender.js";
import {
  InvoiceSourceClient,
  apiKeyFromSecrets,
  type InvoiceSourceClientOptions,
} from "./adapters/invoice-source/invoice-source-client.js";
import {
  ClearfactsClient,
  oidcClientCredentials,
  personalAccessToken,
  type ClearfactsClientOptions,
} from "./adapters/clearfacts/clearfacts-client.js";
import { OpenAiChatClient } from "./adapters/language-model/openai-chat-client.js";
import type { LanguageModel } from "./ports/language-model.js";
import { MIGRATIONS, QUEUE_DEFINITIONS, type PlatformTables, type Settings } from "./catalog.js";

/**
 * The outside systems the platform connects to, each through its port, the adapter chosen
 * here once from settings: Key Vault or settings for secrets, SQL Server or SQLite, Redis or
 * in-process cache, rate limits and broadcast, Service Bus or the local queue, Blob storage,
 * and SAP over node-rfc or the seeded simulator. Nothing downstream checks the environment.
 */
export interface Connections {
  readonly secrets: SecretStore;
  readonly database: Database<PlatformTables>;
  /** The separate analytics warehouse, when ANALYTICS_SQL_CONNECTION_STRING names one. */
  readonly analyticsDatabase: Database<unknown> | undefined;
  readonly cache: Cache;
  readonly rateLimiter: RateLimiter;
  readonly broadcast: Broadcast;
  readonly queue: MessageQueue;
  readonly blobs: BlobStore;
  /** Which adapter serves each port, for logs and readiness. */
  readonly adapters: Readonly<Record<"sql" | "cache" | "queue" | "blob" | "secrets" | "sap", string>>;
}

export interface ConnectOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly metrics: PlatformMetrics;
  /** Connection trouble that does not stop the start (Redis down) is logged here. */
  readonly logger: Logger;
  /** Each connection pushes its close here; the platform closes them in reverse. */
  readonly closers: (() => Promise<void>)[];
  /** Extra queues (tests) besides the catalog. */
  readonly extraQueues?: readonly QueueDefinition[];
}

export async function connect(settings: Settings, options: ConnectOptions): Promise<Connections> {
  const { env, metrics, logger, closers } = options;
  const secrets: SecretStore = settings.KEY_VAULT_URL
    ? new KeyVaultSecretStore(settings.KEY_VAULT_URL, settings.SECRET_CACHE_TTL_SECONDS)
    : new EnvSecretStore(env);

  const database = settings.SQL_CONNECTION_STRING
    ? await openMssqlDatabase<PlatformTables>(settings.SQL_CONNECTION_STRING, MIGRATIONS, {
        migrate: settings.SQL_MIGRATE_ON_START,
      })
    : await openSqliteDatabase<PlatformTables>(join(settings.DATA_DIR, "platform.sqlite"), MIGRATIONS);
  closers.push(() => database.close());
  // A larger install points analytics at a warehouse with a T-SQL endpoint; it holds
  // finance_expense itself, so no migrations run there.
  const analyticsConnection = await secrets.findSecret("analytics-sql-connection-string");
  const analyticsDatabase = analyticsConnection
    ? await openMssqlDatabase<unknown>(analyticsConnection, [], { migrate: false })
    : undefined;
  if (analyticsDatabase) closers.push(() => analyticsDatabase.close());

  let cache: Cache;
  let rateLimiter: RateLimiter;
  let broadcast: Broadcast;
  if (settings.REDIS_URL) {
    const auth =
      settings.REDIS_AUTH === "entra"
        ? ({ kind: "entra" } as const)
        : ({ kind: "password", password: await secrets.findSecret("redis-password") } as const);
    const onConnectionError = (connection: "commands" | "subscriber") => (error: Error) =>
      logger.warn("Redis connection error; cache-backed work answers 503 until it reconnects", { connection, error });
    const redis = await connectRedis(settings.REDIS_URL, auth, {
      commandTimeoutMs: settings.REDIS_COMMAND_TIMEOUT_MS,
      onConnectionError: onConnectionError("commands"),
    });
    cache = new RedisCache(redis);
    rateLimiter = new RedisRateLimiter(redis);
    // No interval in a serverless worker: requests drive the subscriber's heartbeat there.
    broadcast = new RedisBroadcast(redis, undefined, {
      heartbeat: settings.runningInAzure ? "on-demand" : "interval",
      onConnectionError: onConnectionError("subscriber"),
    });
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
    ? await (
        await serviceBus()
      ).connect({ fullyQualifiedNamespace: serviceBusNamespace, probeQueue: queueDefinitions[0]?.name })
    : settings.ServiceBusConnection
      ? await (await serviceBus()).connect({ connectionString: settings.ServiceBusConnection })
      : await LocalMessageQueue.open(database.db, queueDefinitions);
  closers.push(() => queue.close());
  // Scrapes only: in Azure, Service Bus reports its queues' depths to Azure Monitor itself.
  metrics.onCollect(
    async () => {
      for (const q of queueDefinitions) {
        metrics.queueDepth.set({ queue: q.name }, await queue.countActive(q.name));
      }
    },
    { exported: false },
  );

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

  const adapters = {
    sql: database.dialect,
    cache: settings.REDIS_URL ? "redis" : "in-process",
    queue: serviceBusNamespace || settings.ServiceBusConnection ? "service-bus" : "local-sqlite",
    blob: settings.BLOB_SERVICE_URL ? "azure-blob" : "blob-connection-string",
    secrets: settings.KEY_VAULT_URL ? "key-vault" : "settings",
    sap: settings.SAP_ADAPTER,
  } as const;
  return { secrets, database, analyticsDatabase, cache, rateLimiter, broadcast, queue, blobs, adapters };
}

/**
 * SAP over node-rfc or the seeded simulator. node-rfc connects lazily, on first use: the
 * package and SAP's NW RFC SDK are optional and the sap-rfc-* secrets may be absent, and
 * then only SAP-backed routes and jobs fail (503, the breaker marks SAP down, readiness
 * shows it) while everything else starts and serves.
 */
export function connectSap(settings: Settings, secrets: SecretStore, clock: Clock, logger: Logger): SapRfcClient {
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
      // In Azure (DEMO_MODE) postings stay in memory: the deployed package is read-only.
      ...(settings.runningInAzure ? {} : { stateFile: join(settings.DATA_DIR, "sap-simulator-billing.jsonl") }),
      controls: {
        down: settings.SAP_SIMULATOR_DOWN,
        latencyMs: settings.SAP_SIMULATOR_LATENCY_MS,
        errorRate: settings.SAP_SIMULATOR_ERROR_RATE,
        failFunctions: settings.SAP_SIMULATOR_FAIL_FUNCTIONS,
      },
    });
  }
  return new LazySapClient(
    () => connectNodeRfc(settings, secrets),
    (error) => logger.error("SAP connection could not be opened; SAP counts as down until it can", { error }),
  );
}

/** One node-rfc connection pool, from the sap-rfc-* secrets (read when SAP is first used). */
async function connectNodeRfc(settings: Settings, secrets: SecretStore): Promise<SapRfcClient> {
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

/**
 * Clearfacts, when CLEARFACTS_API_URL names it: a personal access token (the default) or
 * OIDC client credentials. `lookup` answers whether a lost upload arrived; only the local
 * simulator can (Clearfacts documents no such query), so in Azure a lost answer is held.
 */
export function connectClearfacts(
  settings: Settings,
  secrets: SecretStore,
  lookup?: ClearfactsClientOptions["lookup"],
): AccountingPlatform | undefined {
  if (!settings.CLEARFACTS_API_URL) return undefined;
  let authorization: () => Promise<string>;
  let onUnauthorized: (() => void) | undefined;
  if (settings.CLEARFACTS_AUTH === "oidc") {
    if (!settings.CLEARFACTS_OIDC_TOKEN_URL)
      throw new ConfigurationError(["CLEARFACTS_OIDC_TOKEN_URL: required with CLEARFACTS_AUTH=oidc"]);
    const credentials = new PartnerCredentials(
      {
        kind: "oauth-client-credentials",
        tokenUrl: settings.CLEARFACTS_OIDC_TOKEN_URL,
        clientIdSecret: "clearfacts-oidc-client-id",
        clientSecretSecret: "clearfacts-oidc-client-secret",
      },
      secrets,
    );
    authorization = oidcClientCredentials(credentials);
    onUnauthorized = () => credentials.invalidate();
  } else {
    authorization = personalAccessToken(secrets, "clearfacts-access-token");
  }
  return new ClearfactsClient({
    url: settings.CLEARFACTS_API_URL,
    timeoutMs: settings.CLEARFACTS_TIMEOUT_MS,
    authorization,
    ...(onUnauthorized ? { onUnauthorized } : {}),
    ...(lookup ? { lookup } : {}),
  });
}

/**
 * The adapter when INVOICE_SOURCE_API_URL names a source system, with its key from the
 * secret store; undefined without one (jobs then forward uploaded and queued invoices only).
 */
export function connectInvoiceSource(
  settings: Pick<Settings, "INVOICE_SOURCE_API_URL" | "INVOICE_SOURCE_TIMEOUT_MS">,
  secrets: SecretStore,
  onCall?: InvoiceSourceClientOptions["onCall"],
): InvoiceSource | undefined {
  if (!settings.INVOICE_SOURCE_API_URL) return undefined;
  return new InvoiceSourceClient({
    baseUrl: settings.INVOICE_SOURCE_API_URL,
    timeoutMs: settings.INVOICE_SOURCE_TIMEOUT_MS,
    apiKey: apiKeyFromSecrets(secrets),
    ...(onCall ? { onCall } : {}),
  });
}

/**
 * The one webhook sender (customers' receivers are outside systems too): every URL is held
 * to public addresses, except hosts BUDGETS_WEBHOOK_PRIVATE_HOSTS lists (the local receiver).
 */
export function connectWebhookSender(settings: Settings): WebhookSender {
  const allowed = new Set(settings.BUDGETS_WEBHOOK_PRIVATE_HOSTS);
  return new HttpWebhookSender({
    mayBePrivate: (url) => allowed.has(url.hostname.toLowerCase()) || allowed.has(url.host.toLowerCase()),
  });
}

/** The chat's optional language model; absent when ANALYTICS_LLM_URL is not set. */
export function connectLanguageModel(
  settings: Pick<Settings, "ANALYTICS_LLM_URL" | "ANALYTICS_LLM_MODEL" | "ANALYTICS_LLM_TIMEOUT_MS">,
  secrets: SecretStore,
): LanguageModel | undefined {
  if (!settings.ANALYTICS_LLM_URL) return undefined;
  return new OpenAiChatClient({
    url: settings.ANALYTICS_LLM_URL,
    ...(settings.ANALYTICS_LLM_MODEL ? { model: settings.ANALYTICS_LLM_MODEL } : {}),
    apiKey: () => secrets.findSecret("analytics-llm-api-key"),
    timeoutMs: settings.ANALYTICS_LLM_TIMEOUT_MS,
  });
}
