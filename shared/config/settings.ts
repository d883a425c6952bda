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
      "Redis URL (rediss://host:10000) for the cache, rate limits and login throttling; the password comes from the secret redis-password. When absent, in-process versions are used. Required in Azure.",
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
