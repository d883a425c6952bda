import { z } from "zod";
import { isTimeZone } from "../kernel/zoned-time.js";

/**
 * Where a setting applies.
 * - `platform`: read in Azure and locally; it is an app setting in `infra/bicep/`.
 * - `local`: only meaningful on a laptop or in tests (embedded adapters, the local host,
 *   and local fallbacks for Key Vault secrets); Azure never reads it.
 */
export type SettingScope = "platform" | "local";

export interface SettingSpec {
  readonly scope: SettingScope;
  readonly description: string;
  readonly schema: z.ZodType;
  /**
   * How a `platform` setting gets its Azure value when not from its default:
   * `wired` — Bicep computes it from the resources it creates (`infra/bicep/app/api.bicep`);
   * `{ value }` — the value Azure needs where the default is for laptops.
   */
  readonly azure?: "wired" | { readonly value: string };
  /**
   * On a `local` setting that stands in for a Key Vault secret: the secret of the same name
   * in kebab case (JWT_SIGNING_KEY -> jwt-signing-key), which the code reads through the
   * SecretStore. docs/infrastructure.md and the postprovision hook list these.
   */
  readonly secret?: SecretSpec;
}

/** Who puts a Key Vault secret there, and when it is needed. */
export interface SecretSpec {
  /**
   * `generated`: the postprovision hook writes `randomBytes` random bytes, base64, when the
   * secret is absent; `operator`: set by hand when `neededWhen` applies.
   */
  readonly setBy: "generated" | "operator";
  readonly neededWhen: string;
  readonly randomBytes?: number;
}

/** The Key Vault secret a `local` fallback setting stands in for. */
export function secretNameOf(settingName: string): string {
  return settingName.toLowerCase().replace(/_/g, "-");
}

/** Every Key Vault secret the slices declare, with its owner and fallback setting. */
export function secretsOf(
  slices: Record<string, SettingsCatalog>,
): readonly { name: string; owner: string; setting: string; spec: SettingSpec & { secret: SecretSpec } }[] {
  return Object.entries(slices).flatMap(([owner, slice]) =>
    Object.entries(slice).flatMap(([setting, spec]) =>
      spec.secret ? [{ name: secretNameOf(setting), owner, setting, spec: { ...spec, secret: spec.secret } }] : [],
    ),
  );
}

/** Every setting a slice reads, by name. */
export type SettingsCatalog = Record<string, SettingSpec>;

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** Every slice's settings in one catalog, typed as all of them together. */
export function joinSlices<S extends Record<string, SettingsCatalog>>(slices: S): UnionToIntersection<S[keyof S]> {
  const joined: Record<string, SettingSpec> = {};
  for (const [owner, slice] of Object.entries(slices)) {
    for (const [name, spec] of Object.entries(slice)) {
      if (name in joined) throw new Error(`Setting ${name} is declared twice (again by ${owner})`);
      joined[name] = spec;
    }
  }
  return joined as UnionToIntersection<S[keyof S]>;
}

/** The parsed values of a catalog (a slice or all of them). */
export type SettingsOf<C extends SettingsCatalog> = { [K in keyof C]: z.output<C[K]["schema"]> };

export const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const optionalText = z.string().trim().min(1).optional();
export const optionalUrl = z.url().optional();
/** An IANA time zone Intl knows; `example` names one in the error. */
export const timeZone = (example: string) =>
  z.string().refine(isTimeZone, `must be an IANA time zone such as ${example} or UTC`);

export const rateLimitOverride = z.object({
  perMinute: z.number().int().min(1).max(1_000_000),
  burst: z.number().int().min(1).max(100_000),
});
/** Exact browser origins, comma-separated: each as `new URL(o).origin` writes it; no `*`. */
export const originList = z
  .string()
  .transform((text, ctx) => {
    const origins = text
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of origins) {
      let canonical: string | undefined;
      try {
        canonical = new URL(origin).origin;
      } catch {
        canonical = undefined;
      }
      if (origin === "*") ctx.addIssue({ code: "custom", message: "`*` is not allowed: list each origin" });
      else if (canonical !== origin || canonical === "null")
        ctx.addIssue({
          code: "custom",
          message: `'${origin}' is not an origin (scheme://host[:port], no path or trailing slash${canonical && canonical !== "null" ? `; did you mean ${canonical}?` : ""})`,
        });
    }
    return origins;
  })
  .optional();
export const jsonObject = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** The platform-wide settings: adapters, HTTP limits, observability and alert channels. */
export const FOUNDATION_SETTINGS = {
  LOG_LEVEL: {
    scope: "platform",
    description: "Lowest log level written: debug, info, warn or error.",
    schema: z.enum(["debug", "info", "warn", "error"]).default("info"),
  },
  KEY_VAULT_URL: {
    scope: "platform",
    azure: "wired",
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
    azure: "wired",
    description:
      "Azure SQL / SQL Server connection string (ADO style: Server, Database, Authentication, User Id, Password, Encrypt). When absent, an embedded SQLite file in DATA_DIR is used. Required in Azure.",
    schema: optionalText,
  },
  SQL_MIGRATE_ON_START: {
    scope: "platform",
    azure: { value: "false" },
    description:
      "Apply pending database migrations when the app starts. In Azure false: `npm run migrate` applies them at deploy time (the postprovision hook) as the deploying Entra user, so the app's identity needs no DDL right; the app then refuses to start while a migration is pending.",
    schema: bool.default(true),
  },
  BLOB_SERVICE_URL: {
    scope: "platform",
    azure: "wired",
    description:
      "Blob service endpoint (https://<account>.blob.core.windows.net), reached with DefaultAzureCredential. Required in Azure.",
    schema: optionalUrl,
  },
  ServiceBusConnection__fullyQualifiedNamespace: {
    scope: "platform",
    azure: "wired",
    description:
      "Service Bus namespace host (<name>.servicebus.windows.net), reached with managed identity; the same setting the Service Bus trigger uses. When absent (and ServiceBusConnection too), the durable local queue in the SQLite file is used. Required in Azure.",
    schema: optionalText,
  },
  REDIS_URL: {
    scope: "platform",
    azure: "wired",
    description:
      "Redis URL (rediss://host:10000) for the cache, rate limits, login throttling and the account-change broadcast (pub/sub); how it authenticates: REDIS_AUTH. When absent, in-process versions are used. Required in Azure.",
    schema: optionalText,
  },
  REDIS_AUTH: {
    scope: "platform",
    azure: { value: "entra" },
    description:
      "How the Redis client signs in: password (the secret redis-password, or none when it is absent) or entra (a Microsoft Entra token for the managed identity, AZURE_CLIENT_ID, user name = its object id, renewed before it expires; Azure Managed Redis with access keys disabled, as Bicep deploys it).",
    schema: z.enum(["password", "entra"]).default("password"),
  },
  REDIS_COMMAND_TIMEOUT_MS: {
    scope: "platform",
    description:
      "How long a Redis command may go unanswered before it fails; a connection silent that long while commands wait is dropped and reconnected. While Redis is hung or down, requests that need it answer 503 SERVICE_UNAVAILABLE with Retry-After within this time instead of waiting.",
    schema: int(100, 60_000).default(2000),
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
  MAX_BODY_BYTES: {
    scope: "platform",
    description: "Largest request body accepted; larger bodies get 413.",
    schema: int(1024, 100 * 1024 * 1024).default(1_048_576),
  },
  CORS_ALLOWED_ORIGINS: {
    scope: "platform",
    description:
      "Comma-separated browser origins (scheme://host[:port], exact) allowed to call the API cross-origin; `*` is refused. When absent: locally the local host's own origin (http://localhost:PORT and http://127.0.0.1:PORT), in Azure none. Preflights are answered by the API itself: leave the Function App's platform CORS empty.",
    schema: originList,
  },
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    scope: "platform",
    azure: "wired",
    description:
      "Application Insights connection string. When set, traces, logs (linked to each invocation's operation) and the platform's metrics go to Azure Monitor through the OpenTelemetry distro, started before the app loads; unset (locally), telemetry is off and logs are JSON lines on stdout.",
    schema: optionalText,
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
  ALERT_PAGERDUTY_EVENTS_URL: {
    scope: "platform",
    description:
      "PagerDuty Events API v2 endpoint; alerts go there as incidents when the Key Vault secret alert-pagerduty-routing-key is set.",
    schema: z.url().default("https://events.pagerduty.com/v2/enqueue"),
  },
  JOB_SWEEP_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the job protocol's sweeper: it sends the first message of any queued job (report, backup, reconciliation run, ESG run) whose send was lost.",
    schema: z.string().min(1).default("15 * * * * *"),
  },
  SWEEPS_QUIET_AFTER_SECONDS: {
    scope: "platform",
    description:
      "The every-minute sweeps (jobs-sweep, report-requeue, saga-recovery, esg-run-monitor) touch SQL only while there was a sign of work this recently: a write request, a queue message, a timer that queued a job, or a sweep that still saw unfinished work. A quiet system leaves SQL alone, so a serverless database can auto-pause.",
    schema: int(120, 86_400).default(600),
  },
  SWEEPS_FULL_INTERVAL_MINUTES: {
    scope: "platform",
    description:
      "Each every-minute sweep also runs once per this interval whatever the work marker says, so work whose marker was lost (cache flushed, a process that died first) is still found; each such run wakes a paused serverless database.",
    schema: int(5, 10_080).default(360),
  },
  PORT: {
    scope: "local",
    description: "Port of the local host (serves http://localhost:PORT/api/...).",
    schema: int(0, 65_535).default(7071),
  },
  DATA_DIR: {
    scope: "local",
    description: "Folder for embedded state: the SQLite file, Azurite's data and a generated JWT signing key.",
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
  METRICS_SCRAPE_TOKEN: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "a Prometheus scraper reads /api/metrics (optional)" },
    description:
      "Local fallback of the Key Vault secret metrics-scrape-token: a bearer token that may read /api/metrics (admin JWTs may too).",
    schema: z.string().min(16).optional(),
  },
  REDIS_PASSWORD: {
    scope: "local",
    secret: {
      setBy: "operator",
      neededWhen: "REDIS_AUTH=password (not with the Bicep-deployed Redis, which uses Entra ID)",
    },
    description: "Local fallback of the Key Vault secret redis-password.",
    schema: optionalText,
  },
  SMTP_PASSWORD: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "SMTP_USER is set" },
    description: "Local fallback of the Key Vault secret smtp-password.",
    schema: optionalText,
  },
  ALERT_SLACK_WEBHOOK_URL: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "alerts go to Slack (optional)" },
    description: "Local fallback of the Key Vault secret alert-slack-webhook-url (Slack-compatible incoming webhook).",
    schema: optionalUrl,
  },
  ALERT_WEBHOOK_URL: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "alerts go to a JSON webhook (optional)" },
    description: "Local fallback of the Key Vault secret alert-webhook-url (generic JSON webhook).",
    schema: optionalUrl,
  },
  ALERT_PAGERDUTY_ROUTING_KEY: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "alerts go to PagerDuty (optional)" },
    description:
      "Local fallback of the Key Vault secret alert-pagerduty-routing-key (an Events API v2 integration key).",
    schema: optionalText,
  },
} as const satisfies SettingsCatalog;

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigurationError";
  }
}

/** Settings that select an embedded default when absent; Azure must set them. */
const REQUIRED_IN_AZURE: readonly { name: keyof typeof FOUNDATION_SETTINGS; why: string }[] = [
  { name: "SQL_CONNECTION_STRING", why: "the embedded SQLite file is per instance" },
  { name: "BLOB_SERVICE_URL", why: "Azurite does not run in Azure" },
  {
    name: "ServiceBusConnection__fullyQualifiedNamespace",
    why: "the local queue is per instance and would lose messages on scale-in",
  },
  { name: "REDIS_URL", why: "an in-process cache or rate limit is wrong across instances" },
  { name: "KEY_VAULT_URL", why: "secrets must come from Key Vault, not app settings" },
];

/** What Azure refuses among the raw (unparsed) foundation settings. */
function foundationAzureProblems(raw: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  for (const { name, why } of REQUIRED_IN_AZURE) {
    if (raw[name] === undefined) problems.push(`${name}: required in Azure (${why})`);
  }
  for (const name of ["BLOB_CONNECTION_STRING", "ServiceBusConnection"] as const) {
    if (raw[name] !== undefined) problems.push(`${name}: not allowed in Azure; use identity-based settings`);
  }
  return problems;
}

/**
 * A rule across settings, given the parsed values and where the app runs (the SAP slice
 * refuses its simulator in Azure outside demo mode; the root checks the enabled systems).
 */
export type SettingsRule<C extends SettingsCatalog> = (
  settings: SettingsOf<C>,
  where: { readonly runningInAzure: boolean },
) => readonly string[];

/**
 * Parses the environment once against a catalog (the root passes every slice). Empty
 * strings count as absent, as the portal and local.settings.json often leave keys present
 * but blank. Fails with one error naming every missing or invalid setting.
 */
export function loadSettingsFrom<C extends SettingsCatalog>(
  catalog: C,
  rules: readonly SettingsRule<C>[],
  env: NodeJS.ProcessEnv,
): SettingsOf<C> & { readonly runningInAzure: boolean } {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(catalog)) {
    const value = env[name];
    raw[name] = value === undefined || value.trim() === "" ? undefined : value;
  }
  const schema = z.object(Object.fromEntries(Object.entries(catalog).map(([k, v]) => [k, v.schema])));
  const parsed = schema.safeParse(raw);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`);
  const runningInAzure = Boolean(env.WEBSITE_INSTANCE_ID);
  if (runningInAzure) problems.push(...foundationAzureProblems(raw));
  if (parsed.success)
    for (const rule of rules) problems.push(...rule(parsed.data as SettingsOf<C>, { runningInAzure }));
  if (problems.length > 0 || !parsed.success) throw new ConfigurationError(problems);
  return { ...(parsed.data as SettingsOf<C>), runningInAzure };
}
