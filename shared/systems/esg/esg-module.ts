import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import { localGeneratedSecret } from "../../foundation/local-secrets.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import { PartnerCredentials, type PartnerAuth } from "../../foundation/partner-http.js";
import { ConfigurationError, type SettingsOf } from "../../foundation/settings.js";
import { fileKeyFrom, type FileKeyring } from "../../kernel/file-encryption.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Cache } from "../../ports/cache.js";
import type { Clock } from "../../ports/clock.js";
import type { RateLimiter } from "../../ports/rate-limiter.js";
import type { SecretStore } from "../../ports/secret-store.js";
import { AdaptiveRate } from "./adaptive-rate.js";
import { EsgAlertRepository } from "./esg-alert-repository.js";
import { EsgBatchRepository } from "./esg-batch-repository.js";
import { AccountDirectory, EsgRatingsClient } from "./esg-partners.js";
import { ESG_QUEUES } from "./esg-queues.js";
import { EsgRatingRepository } from "./esg-rating-repository.js";
import { EsgResultRepository } from "./esg-result-repository.js";
import { EsgRunRepository } from "./esg-run-repository.js";
import { EsgRunService, type EsgRunServiceOptions } from "./esg-run-service.js";
import type { ESG_SETTINGS } from "./esg-settings.js";
import type { EsgTables } from "./esg-tables.js";

/** The ESG settings plus the platform facts its local key fallback needs. */
export type EsgModuleSettings = SettingsOf<typeof ESG_SETTINGS> & {
  readonly DATA_DIR: string;
  readonly KEY_VAULT_URL?: string | undefined;
  readonly runningInAzure: boolean;
};

export interface EsgModuleDeps {
  readonly settings: EsgModuleSettings;
  readonly db: Kysely<EsgTables>;
  readonly clock: Clock;
  readonly blobs: BlobStore;
  readonly cache: Cache;
  readonly rateLimiter: RateLimiter;
  readonly secrets: SecretStore;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  readonly jobs: JobProtocol;
}

/** The daily ESG file, wired from the ports it needs (partners, file keys, adaptive rate). */
export function createEsg(deps: EsgModuleDeps): EsgRunService {
  const { settings, secrets, metrics } = deps;
  const rate = new AdaptiveRate({
    cache: deps.cache,
    limiter: deps.rateLimiter,
    key: "esg-ratings-api",
    maxPerSecond: settings.ESG_API_RATE_LIMIT_PER_SECOND,
    minPerSecond: Math.max(1, settings.ESG_API_RATE_LIMIT_PER_SECOND / 20),
  });
  metrics.onCollect(async () => metrics.esgApiRate.set(rate.current));
  return new EsgRunService({
    clock: deps.clock,
    db: deps.db,
    runs: new EsgRunRepository(deps.db),
    batches: new EsgBatchRepository(deps.db),
    results: new EsgResultRepository(deps.db),
    ratings: new EsgRatingRepository(deps.db),
    raisedAlerts: new EsgAlertRepository(deps.db),
    blobs: deps.blobs,
    container: settings.ESG_FILES_CONTAINER,
    alerts: deps.alerts,
    audit: deps.audit,
    metrics,
    logger: deps.logger,
    partners: connectEsgPartners(settings, secrets, rate),
    fileKeys: esgFileKeyring(settings, secrets),
    window: {
      timeZone: settings.ESG_TIME_ZONE,
      startTime: settings.ESG_DAILY_START_TIME,
      windowMinutes: settings.ESG_WINDOW_MINUTES,
      graceMinutes: settings.ESG_START_GRACE_MINUTES,
    },
    batchSize: settings.ESG_BATCH_SIZE,
    concurrency: settings.ESG_API_CONCURRENCY,
    batchLeaseMs: ESG_QUEUES.esgBatches.lockDurationSeconds * 1000,
    fullRefreshHours: settings.ESG_FULL_REFRESH_HOURS,
    failureAlertPercent: settings.ESG_FAILURE_ALERT_PERCENT,
    fileRetentionDays: settings.ESG_FILE_RETENTION_DAYS,
    resultRetentionDays: settings.ESG_RESULT_RETENTION_DAYS,
    jobs: deps.jobs,
  });
}

/**
 * The ESG file keys: new files use the secret esg-file-encryption-key (read per use, so a
 * rotation applies to the next file); files encrypted before a rotation are read with the
 * key their metadata names, found among the current key and esg-file-encryption-previous-keys
 * (comma-separated). Locally, without the secret, a key generated once into DATA_DIR.
 */
export function esgFileKeyring(settings: EsgModuleSettings, secrets: SecretStore): FileKeyring {
  const name = "esg-file-encryption-key";
  const current = async () => {
    const value = await secrets.findSecret(name);
    if (value) return fileKeyFrom(name, value);
    if (settings.runningInAzure || settings.KEY_VAULT_URL)
      throw new ConfigurationError([`${name}: the Key Vault secret is missing; set it (32 random bytes, base64)`]);
    return fileKeyFrom(
      name,
      localGeneratedSecret(settings.DATA_DIR, name, () => randomBytes(32).toString("base64")),
    );
  };
  return {
    current,
    find: async (id) => {
      const previous = ((await secrets.findSecret("esg-file-encryption-previous-keys")) ?? "")
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean);
      const keys = [await current(), ...previous.map((k) => fileKeyFrom(name, k))];
      return keys.find((k) => k.id === id);
    },
  };
}

/** Both ESG partners' clients, or undefined when their URLs are not set (runs then fail saying so). */
function connectEsgPartners(
  settings: EsgModuleSettings,
  secrets: SecretStore,
  rate: AdaptiveRate,
): EsgRunServiceOptions["partners"] {
  if (!settings.ESG_ACCOUNTS_API_URL || !settings.ESG_RATINGS_API_URL) return undefined;
  const auth = (apiKeySecret: string): PartnerAuth => {
    if (settings.ESG_API_AUTH === "none") return { kind: "none" };
    if (settings.ESG_API_AUTH === "api-key")
      return { kind: "api-key", header: settings.ESG_API_KEY_HEADER, secretName: apiKeySecret };
    if (!settings.ESG_OAUTH_TOKEN_URL)
      throw new ConfigurationError(["ESG_OAUTH_TOKEN_URL: required when ESG_API_AUTH is oauth"]);
    return {
      kind: "oauth-client-credentials",
      tokenUrl: settings.ESG_OAUTH_TOKEN_URL,
      ...(settings.ESG_OAUTH_SCOPE ? { scope: settings.ESG_OAUTH_SCOPE } : {}),
      clientIdSecret: "esg-oauth-client-id",
      clientSecretSecret: "esg-oauth-client-secret",
    };
  };
  const policy = {
    timeoutMs: settings.ESG_API_TIMEOUT_MS,
    maxAttempts: settings.ESG_API_MAX_ATTEMPTS,
    baseDelayMs: 200,
    maxDelayMs: 10_000,
  };
  return {
    accounts: new AccountDirectory({
      baseUrl: settings.ESG_ACCOUNTS_API_URL,
      credentials: new PartnerCredentials(auth("esg-accounts-api-key"), secrets),
      policy,
      pageSize: settings.ESG_ACCOUNTS_PAGE_SIZE,
    }),
    ratings: new EsgRatingsClient({
      baseUrl: settings.ESG_RATINGS_API_URL,
      credentials: new PartnerCredentials(auth("esg-ratings-api-key"), secrets),
      policy,
      rate,
    }),
  };
}
