import { z } from "zod";
import { int, optionalText, optionalUrl, timeZone, type SettingsCatalog } from "../../foundation/settings.js";

/** The daily ESG file: this slice of the settings catalog (the root composes every slice). */
export const ESG_SETTINGS = {
  ESG_TIME_ZONE: {
    scope: "platform",
    description:
      "IANA time zone of the daily ESG run's start and window (seed 001: Central Time). Timers fire in UTC; the code decides when it is the local start.",
    schema: timeZone("America/Chicago").default("America/Chicago"),
  },
  ESG_DAILY_START_TIME: {
    scope: "platform",
    description: "Local start time (HH:MM, in ESG_TIME_ZONE) of the daily ESG run.",
    schema: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM")
      .default("05:00"),
  },
  ESG_WINDOW_MINUTES: {
    scope: "platform",
    description:
      "The daily run's window: work unfinished this long after the start is stopped, the run is TIMED_OUT and the file is written with what finished (240 = 05:00 to 09:00).",
    schema: int(10, 1440).default(240),
  },
  ESG_START_GRACE_MINUTES: {
    scope: "platform",
    description:
      "The watchdog alerts when the daily run has not started this long after the start time (05:15 by default).",
    schema: int(1, 240).default(15),
  },
  ESG_DAILY_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that starts the daily ESG run; it must cover the local start in both UTC offsets (10:00 UTC in CDT, 11:00 UTC in CST). The run starts once per local day.",
    schema: z.string().min(1).default("0 */5 10,11 * * *"),
  },
  ESG_WATCHDOG_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the watchdog that alerts when the daily ESG run has not started by the grace time.",
    schema: z.string().min(1).default("0 */5 10-13 * * *"),
  },
  ESG_MONITOR_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the ESG run monitor: window timeouts, forecast and failure-rate alerts, re-sending steps a crash left unsent.",
    schema: z.string().min(1).default("0 * * * * *"),
  },
  ESG_RETENTION_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that removes ESG files and per-account results past their retention.",
    schema: z.string().min(1).default("0 45 3 * * *"),
  },
  ESG_FILE_RETENTION_DAYS: {
    scope: "platform",
    description:
      "Days an ESG file (with its error file and summary) is kept; the policy's minimum is 90 days, and a file is never removed sooner.",
    schema: int(90, 36_500).default(2555),
  },
  ESG_RESULT_RETENTION_DAYS: {
    scope: "platform",
    description: "Days the per-account results of a run are kept in SQL (run history and summaries stay).",
    schema: int(7, 36_500).default(90),
  },
  ESG_FILES_CONTAINER: {
    scope: "platform",
    description: "Blob container of the encrypted ESG files.",
    schema: z
      .string()
      .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "must be a valid container name")
      .default("esg-files"),
  },
  ESG_ACCOUNTS_API_URL: {
    scope: "platform",
    description:
      "Base URL of the Account Management System's REST API (GET /v1/accounts). Locally, when absent, the local host starts its simulator and sets it.",
    schema: optionalUrl,
  },
  ESG_RATINGS_API_URL: {
    scope: "platform",
    description:
      "Base URL of the ESG Portfolio Analysis API (GET /v1/accounts/{id}/esg-ratings). Locally, when absent, the local host starts its simulator and sets it.",
    schema: optionalUrl,
  },
  ESG_API_AUTH: {
    scope: "platform",
    description:
      "How both partner APIs authenticate the platform: api-key (secrets esg-accounts-api-key and esg-ratings-api-key in the ESG_API_KEY_HEADER header), oauth (client credentials: ESG_OAUTH_TOKEN_URL, secrets esg-oauth-client-id and esg-oauth-client-secret) or none.",
    schema: z.enum(["api-key", "oauth", "none"]).default("api-key"),
  },
  ESG_API_KEY_HEADER: {
    scope: "platform",
    description: "Header carrying the API key when ESG_API_AUTH is api-key.",
    schema: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/)
      .default("x-api-key"),
  },
  ESG_OAUTH_TOKEN_URL: {
    scope: "platform",
    description: "OAuth 2.0 token endpoint for the client-credentials grant when ESG_API_AUTH is oauth.",
    schema: optionalUrl,
  },
  ESG_OAUTH_SCOPE: {
    scope: "platform",
    description: "Scope requested with the OAuth client-credentials grant (optional).",
    schema: optionalText,
  },
  ESG_ACCOUNTS_PAGE_SIZE: {
    scope: "platform",
    description: "Accounts asked for per page of the Account Management System's list.",
    schema: int(1, 10_000).default(1000),
  },
  ESG_BATCH_SIZE: {
    scope: "platform",
    description: "Accounts per esg-batches message: one worker rates one batch.",
    schema: int(1, 5000).default(250),
  },
  ESG_API_RATE_LIMIT_PER_SECOND: {
    scope: "platform",
    description:
      "Ceiling of ESG API requests per second, shared by every worker of every instance (through Redis); the client lowers it when the API answers 429 and climbs back to it.",
    schema: int(1, 100_000).default(100),
  },
  ESG_API_CONCURRENCY: {
    scope: "platform",
    description: "ESG API calls in flight per batch worker (the host's Service Bus concurrency multiplies it).",
    schema: int(1, 256).default(16),
  },
  ESG_API_TIMEOUT_MS: {
    scope: "platform",
    description: "Timeout of one call to either partner API.",
    schema: int(100, 120_000).default(10_000),
  },
  ESG_API_MAX_ATTEMPTS: {
    scope: "platform",
    description:
      "Attempts per partner call (exponential backoff with jitter between them, Retry-After honoured) before the account is recorded Failed.",
    schema: int(1, 10).default(5),
  },
  ESG_FULL_REFRESH_HOURS: {
    scope: "platform",
    description:
      "Change tracking without an ETag: a rating fetched less than this many hours ago is reused without a call (0: always call). Ratings with an ETag are always checked with If-None-Match.",
    schema: int(0, 8760).default(0),
  },
  ESG_FAILURE_ALERT_PERCENT: {
    scope: "platform",
    description:
      "Alert when more than this percentage of a run's accounts failed (seed 001: 5): critical for the daily file's runs, a warning of its own (esg-manual-run) for a manual run of named accounts.",
    schema: z.coerce.number().min(0).max(100).default(5),
  },
  ESG_MANUAL_MAX_ACCOUNTS: {
    scope: "platform",
    description: "Most account ids one manual run (POST /api/v1/esg/runs) may name.",
    schema: int(1, 100_000).default(1000),
  },
  ESG_SIMULATOR_ACCOUNTS: {
    scope: "local",
    description: "Active accounts the local Account Management System simulator lists.",
    schema: int(0, 10_000_000).default(2000),
  },
  ESG_SIMULATOR_SEED: {
    scope: "local",
    description: "Seed of the ESG simulators' deterministic data.",
    schema: int(0, 2_147_483_647).default(1),
  },
  ESG_SIMULATOR_LATENCY_MS: {
    scope: "local",
    description: "Latency the ESG API simulator adds to every answer.",
    schema: int(0, 600_000).default(5),
  },
  ESG_SIMULATOR_ERROR_RATE: {
    scope: "local",
    description: "Share of accounts (0-1) whose ESG API calls always fail with 500, so they end Failed.",
    schema: z.coerce.number().min(0).max(1).default(0.01),
  },
  ESG_SIMULATOR_TRANSIENT_ERROR_RATE: {
    scope: "local",
    description: "Share of ESG API requests (0-1) that fail once with 500, which retries absorb.",
    schema: z.coerce.number().min(0).max(1).default(0.02),
  },
  ESG_SIMULATOR_PARTIAL_RATE: {
    scope: "local",
    description: "Share of accounts (0-1) whose answer lacks one of the E, S or G scores (Partial).",
    schema: z.coerce.number().min(0).max(1).default(0.02),
  },
  ESG_SIMULATOR_MALFORMED_RATE: {
    scope: "local",
    description: "Share of accounts (0-1) whose answer is malformed (not JSON, missing fields, out-of-range scores).",
    schema: z.coerce.number().min(0).max(1).default(0.005),
  },
  ESG_SIMULATOR_RATE_LIMIT_PER_SECOND: {
    scope: "local",
    description: "The ESG API simulator's own limit: requests above it get 429 with Retry-After.",
    schema: int(1, 1_000_000).default(100),
  },
  ESG_SIMULATOR_BURST_429_EVERY_SECONDS: {
    scope: "local",
    description: "Every this many seconds the ESG API simulator answers 429 to everything for one second (0: never).",
    schema: int(0, 86_400).default(0),
  },
  ESG_SIMULATOR_PAGE_ERROR_RATE: {
    scope: "local",
    description:
      "Share of account-list page requests (0-1) the Account Management System simulator fails with 503 (retried).",
    schema: z.coerce.number().min(0).max(1).default(0.05),
  },
  ESG_SIMULATOR_DUPLICATE_ACCOUNTS: {
    scope: "local",
    description: "Accounts the Account Management System simulator lists twice (on a later page too).",
    schema: int(0, 1000).default(2),
  },
  ESG_ACCOUNTS_API_KEY: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "ESG_API_AUTH=api-key (the default) and the partner URLs are set" },
    description:
      "Local fallback of the Key Vault secret esg-accounts-api-key; the local host generates one for its simulator when absent.",
    schema: optionalText,
  },
  ESG_RATINGS_API_KEY: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "ESG_API_AUTH=api-key (the default) and the partner URLs are set" },
    description:
      "Local fallback of the Key Vault secret esg-ratings-api-key; the local host generates one for its simulator when absent.",
    schema: optionalText,
  },
  ESG_OAUTH_CLIENT_ID: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "ESG_API_AUTH=oauth" },
    description: "Local fallback of the Key Vault secret esg-oauth-client-id.",
    schema: optionalText,
  },
  ESG_OAUTH_CLIENT_SECRET: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "ESG_API_AUTH=oauth" },
    description: "Local fallback of the Key Vault secret esg-oauth-client-secret.",
    schema: optionalText,
  },
  ESG_FILE_ENCRYPTION_PREVIOUS_KEYS: {
    scope: "local",
    secret: {
      setBy: "operator",
      neededWhen: "after a rotation of esg-file-encryption-key, until older files are past retention",
    },
    description:
      "Local fallback of the Key Vault secret esg-file-encryption-previous-keys: keys rotated out (comma-separated, base64), kept so older files still decrypt.",
    schema: optionalText,
  },
  ESG_FILE_ENCRYPTION_KEY: {
    scope: "local",
    secret: { setBy: "generated", neededWhen: "always (ESG files are encrypted with it)", randomBytes: 32 },
    description:
      "Local fallback of the Key Vault secret esg-file-encryption-key (32 random bytes, base64). When absent locally, one is generated once into DATA_DIR.",
    schema: optionalText,
  },
} as const satisfies SettingsCatalog;
