import { z } from "zod";

/**
 * Where a setting applies.
 * - `platform`: read in Azure and locally; it is an app setting in `infra/bicep/`.
 * - `local`: only meaningful on a laptop or in tests (embedded adapters, the local host,
 *   and local fallbacks for Key Vault secrets); Azure never reads it.
 */
export type SettingScope = "platform" | "local";

interface SettingSpec {
  readonly scope: SettingScope;
  readonly description: string;
  readonly schema: z.ZodType;
}

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z.string().trim().min(1).optional();
const optionalUrl = z.url().optional();

const rateLimitOverride = z.object({
  perMinute: z.number().int().min(1).max(1_000_000),
  burst: z.number().int().min(1).max(100_000),
});
const jsonObject = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  }).pipe(schema);

/**
 * Every setting the code reads, with its default. The README configuration table,
 * `local.settings.sample.json` and `infra/bicep/` are checked against this list by a test.
 */
export const SETTINGS = {
  LOG_LEVEL: {
    scope: "platform",
    description: "Lowest log level written: debug, info, warn or error.",
    schema: z.enum(["debug", "info", "warn", "error"]).default("info"),
  },
  KEY_VAULT_URL: {
    scope: "platform",
    description:
      "Key Vault URI. When set, secrets come from Key Vault through DefaultAzureCredential; otherwise from settings of the same name in UPPER_SNAKE case. Required in Azure.",
    schema: optionalUrl,
  },
  SECRET_CACHE_TTL_SECONDS: {
    scope: "platform",
    description: "How long a secret read from Key Vault is cached before it is read again.",
    schema: int(0, 86_400).default(300),
  },
  SQL_CONNECTION_STRING: {
    scope: "platform",
    description:
      "Azure SQL / SQL Server connection string (ADO style: Server, Database, Authentication, User Id, Password, Encrypt). When absent, an embedded SQLite file in DATA_DIR is used. Required in Azure.",
    schema: optionalText,
  },
  BLOB_SERVICE_URL: {
    scope: "platform",
    description:
      "Blob service endpoint (https://<account>.blob.core.windows.net), reached with DefaultAzureCredential. Required in Azure.",
    schema: optionalUrl,
  },
  ServiceBusConnection__fullyQualifiedNamespace: {
    scope: "platform",
    description:
      "Service Bus namespace host (<name>.servicebus.windows.net), reached with managed identity; the same setting the Service Bus trigger uses. When absent (and ServiceBusConnection too), the durable local queue in the SQLite file is used. Required in Azure.",
    schema: optionalText,
  },
  REDIS_URL: {
    scope: "platform",
    description:
      "Redis URL (rediss://host:10000) for the cache, rate limits, login throttling and the account-change broadcast (pub/sub); the password comes from the secret redis-password. When absent, in-process versions are used. Required in Azure.",
    schema: optionalText,
  },
  RATE_LIMIT_PER_MINUTE: {
    scope: "platform",
    description: "Token-bucket refill rate per user and endpoint (requests per minute).",
    schema: int(1, 1_000_000).default(100),
  },
  RATE_LIMIT_BURST: {
    scope: "platform",
    description: "Token-bucket capacity per user and endpoint (requests allowed at once).",
    schema: int(1, 100_000).default(20),
  },
  RATE_LIMIT_OVERRIDES: {
    scope: "platform",
    description:
      'Per-endpoint overrides as JSON keyed by function name, e.g. {"auth-login":{"perMinute":30,"burst":10}}.',
    schema: jsonObject(z.record(z.string(), rateLimitOverride)).default({}),
  },
  JWT_ISSUER: {
    scope: "platform",
    description: "Issuer (iss) written into and required of access tokens.",
    schema: z.string().min(1).default("finance-platform"),
  },
  JWT_AUDIENCE: {
    scope: "platform",
    description: "Audience (aud) written into and required of access tokens.",
    schema: z.string().min(1).default("finance-platform-api"),
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    scope: "platform",
    description: "Access token lifetime (15 minutes by default).",
    schema: int(60, 86_400).default(900),
  },
  REFRESH_TOKEN_TTL_SECONDS: {
    scope: "platform",
    description: "Refresh token lifetime (7 days by default).",
    schema: int(300, 90 * 86_400).default(604_800),
  },
  AUTH_SELF_REGISTRATION_ENABLED: {
    scope: "platform",
    description:
      "Allows POST /api/v1/auth/register (new users get the viewer role). Off by default: users are created by admins.",
    schema: bool.default(false),
  },
  LOGIN_MAX_FAILURES: {
    scope: "platform",
    description: "Failed logins allowed per username or client address before a lockout.",
    schema: int(1, 1000).default(5),
  },
  LOGIN_LOCKOUT_SECONDS: {
    scope: "platform",
    description: "How long a username or client address stays locked out after too many failures.",
    schema: int(1, 86_400).default(900),
  },
  MAX_BODY_BYTES: {
    scope: "platform",
    description: "Largest request body accepted; larger bodies get 413.",
    schema: int(1024, 100 * 1024 * 1024).default(1_048_576),
  },
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    scope: "platform",
    description:
      "Application Insights connection string. When set, traces, requests and metrics go to Azure Monitor through the OpenTelemetry distro.",
    schema: optionalText,
  },
  SESSION_PURGE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that deletes expired refresh tokens and stale login-throttle rows.",
    schema: z.string().min(1).default("0 30 3 * * *"),
  },
  SMTP_HOST: {
    scope: "platform",
    description: "SMTP server for e-mail alerts; e-mail alerts are off when absent.",
    schema: optionalText,
  },
  SMTP_PORT: {
    scope: "platform",
    description: "SMTP port.",
    schema: int(1, 65_535).default(587),
  },
  SMTP_SECURE: {
    scope: "platform",
    description: "Use implicit TLS (port 465) instead of STARTTLS.",
    schema: bool.default(false),
  },
  SMTP_USER: {
    scope: "platform",
    description: "SMTP user name; its password is the secret smtp-password.",
    schema: optionalText,
  },
  ALERT_EMAIL_FROM: {
    scope: "platform",
    description: "Sender address of alert e-mails.",
    schema: optionalText,
  },
  ALERT_EMAIL_TO: {
    scope: "platform",
    description: "Comma-separated recipients of alert e-mails.",
    schema: optionalText,
  },
  SAP_ADAPTER: {
    scope: "platform",
    description:
      "How SAP is reached: node-rfc (a real system over RFC; needs the node-rfc package and SAP's NW RFC SDK, credentials from the sap-rfc-* secrets) or simulator (the seeded embedded SAP). Must be node-rfc in Azure.",
    schema: z.enum(["simulator", "node-rfc"]).default("simulator"),
  },
  SAP_MAX_CONCURRENT_CALLS: {
    scope: "platform",
    description:
      "Most RFC calls one instance runs against SAP at once (also the RFC connection pool size). Further calls wait up to SAP_ADMISSION_TIMEOUT_MS, then get 503 SAP_BUSY. SAP sees at most this times the maximum instance count.",
    schema: int(1, 200).default(10),
  },
  SAP_ADMISSION_TIMEOUT_MS: {
    scope: "platform",
    description: "How long a call waits for a free RFC slot before it is refused with 503 SAP_BUSY.",
    schema: int(0, 60_000).default(3000),
  },
  SAP_RFC_TIMEOUT_MS: {
    scope: "platform",
    description: "Deadline of one RFC call; past it the call is cancelled and counts as an SAP outage.",
    schema: int(100, 300_000).default(15_000),
  },
  SAP_HEALTH_PROBE_INTERVAL_SECONDS: {
    scope: "platform",
    description:
      "How often RFC_PING probes SAP (one instance per interval, the state shared through the cache). SAP going down or coming back is noticed within about two intervals.",
    schema: int(1, 300).default(5),
  },
  SAP_CIRCUIT_FAILURE_THRESHOLD: {
    scope: "platform",
    description:
      "Consecutive failed RFC calls (communication, logon, timeout) that mark SAP down before the next probe does.",
    schema: int(1, 1000).default(3),
  },
  SAP_RFC_FUNCTION_LIST_PROJECTS: {
    scope: "platform",
    description: "Function module that lists project headers by filter (IV_FILTER PEP | DEPT | ALL, IV_VALUE).",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_LIST_PROJECTS"),
  },
  SAP_RFC_FUNCTION_READ_PROJECT: {
    scope: "platform",
    description: "Function module that reads one project with its WBS elements and resource plan (PROJECT_ID).",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_READ_PROJECT_DATA"),
  },
  SAP_RFC_FUNCTION_READ_RESOURCES: {
    scope: "platform",
    description: "Function module that reads people with hourly cost rates and capacity (IV_ABTEI optional).",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_READ_RESOURCES"),
  },
  SAP_RFC_FUNCTION_READ_COST_CENTER_PLAN: {
    scope: "platform",
    description: "Function module that reads cost-center plan and actuals for a fiscal year (IV_GJAHR, IV_ABTEI optional).",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_READ_COST_CENTER_PLAN"),
  },
  SAP_RFC_FUNCTION_UPDATE_PROJECT: {
    scope: "platform",
    description: "Function module that posts billing entries to a project (PROJECT_ID, IV_REFERENCE, IT_ENTRIES); the SAGA's SAP step. It must treat a repeated IV_REFERENCE as already posted.",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_UPDATE_PROJECT_DATA"),
  },
  SAP_RFC_FUNCTION_REVERSE_BILLING: {
    scope: "platform",
    description: "Function module that reverses the posting made under a reference (IV_REFERENCE); the SAGA's compensation. Reversing twice must be a no-op.",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_REVERSE_BILLING"),
  },
  SAP_RFC_FUNCTION_READ_BILLING: {
    scope: "platform",
    description: "Function module that reads a project's live billing entries (PROJECT_ID, IV_REFERENCE optional).",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_READ_BILLING_DATA"),
  },
  SAP_RFC_FUNCTION_LIST_BILLING_CHANGES: {
    scope: "platform",
    description: "Function module that lists projects whose billing changed in SAP since a timestamp (IV_SINCE), for incremental reconciliation.",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_LIST_BILLING_CHANGES"),
  },
  SAP_RFC_FUNCTION_BILLING_CHECKSUMS: {
    scope: "platform",
    description: "Function module that returns billing checksums for a range of projects (IV_FROM, IV_TO, IV_DETAIL) or a list (IT_PROJECTS).",
    schema: z.string().regex(/^[A-Z0-9_/]{1,30}$/).default("Z_BILLING_CHECKSUMS"),
  },
  SAGA_RECOVERY_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that finishes or compensates billing sagas left IN_PROGRESS by a crash and retries COMPENSATION_FAILED ones.",
    schema: z.string().min(1).default("0 * * * * *"),
  },
  SAGA_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "How long a saga may stay IN_PROGRESS before the recovery timer takes it over (longer than SAP_RFC_TIMEOUT_MS, so a live request is never raced).",
    schema: int(5, 86_400).default(120),
  },
  BILLING_RECONCILIATION_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the incremental SAP/SQL billing reconciliation (every 15 minutes by default).",
    schema: z.string().min(1).default("0 */15 * * * *"),
  },
  RECONCILIATION_RANGE_SIZE: {
    scope: "platform",
    description:
      "Projects per checksum call in a full reconciliation pass: each RFC call covers one range, so no call runs long in SAP.",
    schema: int(10, 10_000).default(100),
  },
  REPORT_MAX_ATTEMPTS: {
    scope: "platform",
    description: "Attempts at generating one report (retried with exponential backoff) before it ends FAILED.",
    schema: int(1, 20).default(4),
  },
  REPORT_REQUEUE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that re-sends reports left QUEUED without a message and takes over reports stuck PROCESSING.",
    schema: z.string().min(1).default("30 * * * * *"),
  },
  REPORT_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "A report QUEUED or PROCESSING this long without progress is re-sent (or FAILED after REPORT_MAX_ATTEMPTS); longer than the report-requests lock duration.",
    schema: int(30, 86_400).default(600),
  },
  REPORTS_CONTAINER: {
    scope: "platform",
    description: "Blob container for generated reports.",
    schema: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/).default("reports"),
  },
  BACKUP_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the weekly full backup (Sunday 02:00 by default).",
    schema: z.string().min(1).default("0 0 2 * * 0"),
  },
  BACKUP_VERIFY_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the monthly verification of recent backups (1st of the month, 04:00).",
    schema: z.string().min(1).default("0 0 4 1 * *"),
  },
  BACKUP_VERIFY_LOOKBACK_DAYS: {
    scope: "platform",
    description: "How far back the monthly verification re-reads completed backups.",
    schema: int(1, 3650).default(35),
  },
  BACKUPS_CONTAINER: {
    scope: "platform",
    description:
      "Blob container for backups; in Azure it has versioning and a 2,555-day (7-year) time-based immutability policy, and the code never deletes or overwrites a backup.",
    schema: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/).default("backups"),
  },
  PROJECT_CACHE_TTL_SECONDS: {
    scope: "platform",
    description: "Lifetime of a cached merged project (project:{id}); every write to the project removes it sooner.",
    schema: int(1, 86_400).default(300),
  },
  ALERT_PAGERDUTY_EVENTS_URL: {
    scope: "platform",
    description: "PagerDuty Events API v2 endpoint; alerts go there as incidents when the Key Vault secret alert-pagerduty-routing-key is set.",
    schema: z.url().default("https://events.pagerduty.com/v2/enqueue"),
  },
  ESG_TIME_ZONE: {
    scope: "platform",
    description: "IANA time zone of the daily ESG run's start and window (seed 001: Central Time). Timers fire in UTC; the code decides when it is the local start.",
    schema: z.string().refine((tz) => { try { new Intl.DateTimeFormat("en", { timeZone: tz }); return true; } catch { return false; } }, "must be an IANA time zone such as America/Chicago").default("America/Chicago"),
  },
  ESG_DAILY_START_TIME: {
    scope: "platform",
    description: "Local start time (HH:MM, in ESG_TIME_ZONE) of the daily ESG run.",
    schema: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM").default("05:00"),
  },
  ESG_WINDOW_MINUTES: {
    scope: "platform",
    description: "The daily run's window: work unfinished this long after the start is stopped, the run is TIMED_OUT and the file is written with what finished (240 = 05:00 to 09:00).",
    schema: int(10, 1440).default(240),
  },
  ESG_START_GRACE_MINUTES: {
    scope: "platform",
    description: "The watchdog alerts when the daily run has not started this long after the start time (05:15 by default).",
    schema: int(1, 240).default(15),
  },
  ESG_DAILY_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the timer that starts the daily ESG run; it must cover the local start in both UTC offsets (10:00 UTC in CDT, 11:00 UTC in CST). The run starts once per local day.",
    schema: z.string().min(1).default("0 */5 10,11 * * *"),
  },
  ESG_WATCHDOG_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the watchdog that alerts when the daily ESG run has not started by the grace time.",
    schema: z.string().min(1).default("0 */5 10-13 * * *"),
  },
  ESG_MONITOR_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the ESG run monitor: window timeouts, forecast and failure-rate alerts, re-sending steps a crash left unsent.",
    schema: z.string().min(1).default("0 * * * * *"),
  },
  ESG_RETENTION_SCHEDULE: {
    scope: "platform",
    description: "NCRONTAB schedule (UTC) of the timer that removes ESG files and per-account results past their retention.",
    schema: z.string().min(1).default("0 45 3 * * *"),
  },
  ESG_FILE_RETENTION_DAYS: {
    scope: "platform",
    description: "Days an ESG file (with its error file and summary) is kept; the policy's minimum is 90 days, and a file is never removed sooner.",
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
    schema: z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "must be a valid container name").default("esg-files"),
  },
  ESG_ACCOUNTS_API_URL: {
    scope: "platform",
    description: "Base URL of the Account Management System's REST API (GET /v1/accounts). Locally, when absent, the local host starts its simulator and sets it.",
    schema: optionalUrl,
  },
  ESG_RATINGS_API_URL: {
    scope: "platform",
    description: "Base URL of the ESG Portfolio Analysis API (GET /v1/accounts/{id}/esg-ratings). Locally, when absent, the local host starts its simulator and sets it.",
    schema: optionalUrl,
  },
  ESG_API_AUTH: {
    scope: "platform",
    description: "How both partner APIs authenticate the platform: api-key (secrets esg-accounts-api-key and esg-ratings-api-key in the ESG_API_KEY_HEADER header), oauth (client credentials: ESG_OAUTH_TOKEN_URL, secrets esg-oauth-client-id and esg-oauth-client-secret) or none.",
    schema: z.enum(["api-key", "oauth", "none"]).default("api-key"),
  },
  ESG_API_KEY_HEADER: {
    scope: "platform",
    description: "Header carrying the API key when ESG_API_AUTH is api-key.",
    schema: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default("x-api-key"),
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
    description: "Ceiling of ESG API requests per second, shared by every worker of every instance (through Redis); the client lowers it when the API answers 429 and climbs back to it.",
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
    description: "Attempts per partner call (exponential backoff with jitter between them, Retry-After honoured) before the account is recorded Failed.",
    schema: int(1, 10).default(5),
  },
  ESG_FULL_REFRESH_HOURS: {
    scope: "platform",
    description: "Change tracking without an ETag: a rating fetched less than this many hours ago is reused without a call (0: always call). Ratings with an ETag are always checked with If-None-Match.",
    schema: int(0, 8760).default(0),
  },
  ESG_FAILURE_ALERT_PERCENT: {
    scope: "platform",
    description: "Alert when more than this percentage of a run's accounts failed (seed 001: 5).",
    schema: z.coerce.number().min(0).max(100).default(5),
  },
  ESG_MANUAL_MAX_ACCOUNTS: {
    scope: "platform",
    description: "Most account ids one manual run (POST /api/v1/esg/runs) may name.",
    schema: int(1, 100_000).default(1000),
  },
  PORT: {
    scope: "local",
    description: "Port of the local host (serves http://localhost:PORT/api/...).",
    schema: int(0, 65_535).default(7071),
  },
  DATA_DIR: {
    scope: "local",
    description:
      "Folder for embedded state: the SQLite file, Azurite's data and a generated JWT signing key.",
    schema: z.string().min(1).default(".local"),
  },
  BLOB_CONNECTION_STRING: {
    scope: "local",
    description:
      "Blob connection string (for Azurite or a storage account with keys). Set by the local host to its Azurite; in Azure use BLOB_SERVICE_URL.",
    schema: optionalText,
  },
  ServiceBusConnection: {
    scope: "local",
    description:
      "Service Bus connection string with a SAS key, for pointing a laptop at a real namespace. In Azure use ServiceBusConnection__fullyQualifiedNamespace.",
    schema: optionalText,
  },
  LOCAL_ADMIN_USERNAME: {
    scope: "local",
    description: "Admin user the local host creates at start if missing. Refused in Azure.",
    schema: z.string().min(3).default("admin"),
  },
  LOCAL_ADMIN_PASSWORD: {
    scope: "local",
    description:
      "Password of that admin (documented default: local-admin-password). Refused in Azure.",
    schema: z.string().min(8).default("local-admin-password"),
  },
  SAP_SIMULATOR_SEED: {
    scope: "local",
    description: "Seed of the SAP simulator's data; the same seed gives the same projects, people and cost centers.",
    schema: int(0, 2_147_483_647).default(20_260_101),
  },
  SAP_SIMULATOR_PROJECTS: {
    scope: "local",
    description: "How many projects the SAP simulator holds (500 people and 200 cost centers come with them).",
    schema: int(1, 1_000_000).default(5000),
  },
  SAP_SIMULATOR_DOWN: {
    scope: "local",
    description: "Start the SAP simulator down (every call fails as if SAP were unreachable).",
    schema: bool.default(false),
  },
  SAP_SIMULATOR_LATENCY_MS: {
    scope: "local",
    description: "Latency the SAP simulator adds to every call.",
    schema: int(0, 600_000).default(0),
  },
  SAP_SIMULATOR_ERROR_RATE: {
    scope: "local",
    description: "Share of SAP simulator calls (0 to 1) that fail with a communication error.",
    schema: z.coerce.number().min(0).max(1).default(0),
  },
  SAP_SIMULATOR_FAIL_FUNCTIONS: {
    scope: "local",
    description: "Comma-separated function modules the SAP simulator fails with SYSTEM_FAILURE.",
    schema: z.string().default("").transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean)),
  },
  SAP_RFC_USER: {
    scope: "local",
    description: "Local fallback of the Key Vault secret sap-rfc-user (RFC logon user).",
    schema: optionalText,
  },
  SAP_RFC_PASSWORD: {
    scope: "local",
    description: "Local fallback of the Key Vault secret sap-rfc-password.",
    schema: optionalText,
  },
  SAP_RFC_HOST: {
    scope: "local",
    description: "Local fallback of the Key Vault secret sap-rfc-host (application server host, ashost).",
    schema: optionalText,
  },
  SAP_RFC_SYSNR: {
    scope: "local",
    description: "Local fallback of the Key Vault secret sap-rfc-sysnr (system number).",
    schema: optionalText,
  },
  SAP_RFC_CLIENT: {
    scope: "local",
    description: "Local fallback of the Key Vault secret sap-rfc-client (SAP client, e.g. 100).",
    schema: optionalText,
  },
  JWT_SIGNING_KEY: {
    scope: "local",
    description:
      "Local fallback of the Key Vault secret jwt-signing-key (HS256 key, at least 32 bytes). When absent locally, a random key is generated once into DATA_DIR.",
    schema: z.string().min(32).optional(),
  },
  METRICS_SCRAPE_TOKEN: {
    scope: "local",
    description:
      "Local fallback of the Key Vault secret metrics-scrape-token: a bearer token that may read /api/metrics (admin JWTs may too).",
    schema: z.string().min(16).optional(),
  },
  REDIS_PASSWORD: {
    scope: "local",
    description: "Local fallback of the Key Vault secret redis-password.",
    schema: optionalText,
  },
  SMTP_PASSWORD: {
    scope: "local",
    description: "Local fallback of the Key Vault secret smtp-password.",
    schema: optionalText,
  },
  ALERT_SLACK_WEBHOOK_URL: {
    scope: "local",
    description: "Local fallback of the Key Vault secret alert-slack-webhook-url (Slack-compatible incoming webhook).",
    schema: optionalUrl,
  },
  ALERT_WEBHOOK_URL: {
    scope: "local",
    description: "Local fallback of the Key Vault secret alert-webhook-url (generic JSON webhook).",
    schema: optionalUrl,
  },
  ALERT_PAGERDUTY_ROUTING_KEY: {
    scope: "local",
    description: "Local fallback of the Key Vault secret alert-pagerduty-routing-key (an Events API v2 integration key).",
    schema: optionalText,
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
    description: "Share of account-list page requests (0-1) the Account Management System simulator fails with 503 (retried).",
    schema: z.coerce.number().min(0).max(1).default(0.05),
  },
  ESG_SIMULATOR_DUPLICATE_ACCOUNTS: {
    scope: "local",
    description: "Accounts the Account Management System simulator lists twice (on a later page too).",
    schema: int(0, 1000).default(2),
  },
  ESG_ACCOUNTS_API_KEY: {
    scope: "local",
    description: "Local fallback of the Key Vault secret esg-accounts-api-key; the local host generates one for its simulator when absent.",
    schema: optionalText,
  },
  ESG_RATINGS_API_KEY: {
    scope: "local",
    description: "Local fallback of the Key Vault secret esg-ratings-api-key; the local host generates one for its simulator when absent.",
    schema: optionalText,
  },
  ESG_OAUTH_CLIENT_ID: {
    scope: "local",
    description: "Local fallback of the Key Vault secret esg-oauth-client-id.",
    schema: optionalText,
  },
  ESG_OAUTH_CLIENT_SECRET: {
    scope: "local",
    description: "Local fallback of the Key Vault secret esg-oauth-client-secret.",
    schema: optionalText,
  },
  ESG_FILE_ENCRYPTION_PREVIOUS_KEYS: {
    scope: "local",
    description: "Local fallback of the Key Vault secret esg-file-encryption-previous-keys: keys rotated out (comma-separated, base64), kept so older files still decrypt.",
    schema: optionalText,
  },
  ESG_FILE_ENCRYPTION_KEY: {
    scope: "local",
    description: "Local fallback of the Key Vault secret esg-file-encryption-key (32 random bytes, base64). When absent locally, one is generated once into DATA_DIR.",
    schema: optionalText,
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { [K in SettingName]: z.output<(typeof SETTINGS)[K]["schema"]> } & {
  /** True when running in Azure (the Functions host sets WEBSITE_INSTANCE_ID there). */
  readonly runningInAzure: boolean;
};

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigurationError";
  }
}

const settingsSchema = z.object(
  Object.fromEntries(Object.entries(SETTINGS).map(([k, v]) => [k, v.schema])) as {
    [K in SettingName]: (typeof SETTINGS)[K]["schema"];
  },
);

/** Settings that select an embedded default when absent; Azure must set them. */
const REQUIRED_IN_AZURE: readonly { name: SettingName; why: string }[] = [
  { name: "SQL_CONNECTION_STRING", why: "the embedded SQLite file is per instance" },
  { name: "BLOB_SERVICE_URL", why: "Azurite does not run in Azure" },
  {
    name: "ServiceBusConnection__fullyQualifiedNamespace",
    why: "the local queue is per instance and would lose messages on scale-in",
  },
  { name: "REDIS_URL", why: "an in-process cache or rate limit is wrong across instances" },
  { name: "KEY_VAULT_URL", why: "secrets must come from Key Vault, not app settings" },
];

/**
 * Parses the environment once. Empty strings count as absent, as the portal and
 * local.settings.json often leave keys present but blank. Fails with one error naming
 * every missing or invalid setting.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(SETTINGS)) {
    const value = env[name];
    raw[name] = value === undefined || value.trim() === "" ? undefined : value;
  }
  const parsed = settingsSchema.safeParse(raw);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`);
  const runningInAzure = Boolean(env.WEBSITE_INSTANCE_ID);
  if (runningInAzure) {
    for (const { name, why } of REQUIRED_IN_AZURE) {
      if (raw[name] === undefined) problems.push(`${name}: required in Azure (${why})`);
    }
    if (parsed.success && parsed.data.SAP_ADAPTER !== "node-rfc") {
      problems.push("SAP_ADAPTER: must be node-rfc in Azure (the simulator is for laptops and tests)");
    }
    for (const name of ["BLOB_CONNECTION_STRING", "ServiceBusConnection"] as const) {
      if (raw[name] !== undefined) problems.push(`${name}: not allowed in Azure; use identity-based settings`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigurationError(problems);
  return { ...(parsed.data as Omit<Settings, "runningInAzure">), runningInAzure };
}
