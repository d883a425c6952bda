import { z } from "zod";
import { int, optionalText, optionalUrl, timeZone, type SettingsCatalog } from "../../foundation/settings.js";
import { ROLES, roleSchema } from "../../kernel/roles.js";

/** UBL invoice forwarding to Clearfacts: this slice of the settings catalog (the root composes every slice). */
export const INVOICES_SETTINGS = {
  INVOICES_TIME_ZONE: {
    scope: "platform",
    description:
      "IANA time zone of the daily forwarding job's start (Clearfacts is Belgian). Timers fire in UTC; the code decides when it is the local start, once per local day.",
    schema: timeZone("Europe/Brussels").default("Europe/Brussels"),
  },
  INVOICES_DAILY_START_TIME: {
    scope: "platform",
    description: "Local start time (HH:MM, in INVOICES_TIME_ZONE) of the daily scheduled forwarding job.",
    schema: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM")
      .default("02:00"),
  },
  INVOICES_DAILY_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that starts the daily forwarding job; it must cover the local start in both UTC offsets (00:00 UTC in CEST, 01:00 UTC in CET) and a few hours after, so a host that was down at the start still runs the day's job. The job starts once per local day, never before the start time.",
    schema: z.string().min(1).default("0 */5 0-5 * * *"),
  },
  INVOICES_DIGEST_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the daily digest sent through the alert channels (Slack): the last 24 hours' jobs and invoices by outcome, and the invoices waiting for a person.",
    schema: z.string().min(1).default("0 0 7 * * *"),
  },
  INVOICES_REQUEUE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the sweep that re-sends forwarding messages a crash left unsent and finishes jobs whose invoices are all done.",
    schema: z.string().min(1).default("20 * * * * *"),
  },
  INVOICES_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "An invoice of a running job with no progress this long has its forwarding message re-sent under the same message id (a message still queued is not doubled). Keep it longer than Service Bus' 10-minute duplicate detection window, or the re-send of a lost message is dropped too.",
    schema: int(60, 86_400).default(900),
  },
  INVOICES_MAX_ATTEMPTS: {
    scope: "platform",
    description:
      "Forwarding attempts of one invoice (Clearfacts 429/5xx/timeouts, retried with exponential backoff from INVOICES_RETRY_BASE_SECONDS, or Clearfacts' Retry-After when longer) before it ends failed.",
    schema: int(1, 20).default(6),
  },
  INVOICES_RETRY_BASE_SECONDS: {
    scope: "platform",
    description:
      "Delay before an invoice's second forwarding attempt; each further attempt waits twice as long, at most 30 minutes.",
    schema: int(1, 3600).default(30),
  },
  INVOICES_MAX_UBL_BYTES: {
    scope: "platform",
    description: "Largest UBL document accepted from any source (upload, queue, source system, /validate).",
    schema: int(1024, 50 * 1024 * 1024).default(10 * 1024 * 1024),
  },
  INVOICES_VALIDATE_ROLES: {
    scope: "platform",
    description: `Comma-separated roles that may call POST /api/v1/invoices/validate (of ${ROLES.join(", ")}); all by default.`,
    schema: z
      .string()
      .default(ROLES.join(","))
      .transform((text) => [...new Set(text.split(",").map((s) => s.trim().toLowerCase()))].filter(Boolean))
      .pipe(z.array(roleSchema).min(1)),
  },
  INVOICES_ARCHIVE_CONTAINER: {
    scope: "platform",
    description:
      "Blob container holding every received UBL original, written once and never changed (Bicep gives it a time-based immutability policy of INVOICES_ARCHIVE_RETENTION_DAYS).",
    schema: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
      .default("invoice-originals"),
  },
  INVOICES_ARCHIVE_RETENTION_DAYS: {
    scope: "platform",
    description:
      "Days an archived UBL original is kept immutable (10 years by default, the Belgian retention period for invoices).",
    schema: int(365, 36_500).default(3650),
  },
  INVOICES_DEFAULT_INVOICE_TYPE: {
    scope: "platform",
    description:
      "The Clearfacts book (PURCHASE or SALE) an invoice is filed in when its source does not say; the administration is the buyer's VAT number for PURCHASE and the seller's for SALE.",
    schema: z.enum(["PURCHASE", "SALE"]).default("PURCHASE"),
  },
  INVOICE_SOURCE_API_URL: {
    scope: "platform",
    description:
      "Base URL of the invoice source system (the seed's Java backend, GET /invoices since a watermark). The local host starts a simulator when it is not set; without it in Azure the scheduled job forwards only uploaded and queued invoices.",
    schema: optionalUrl,
  },
  INVOICE_SOURCE_TIMEOUT_MS: {
    scope: "platform",
    description: "Timeout of one call to the invoice source system.",
    schema: int(1000, 300_000).default(15_000),
  },
  INVOICE_SOURCE_PAGE_SIZE: {
    scope: "platform",
    description: "Invoices asked for per page of the invoice source system's list.",
    schema: int(1, 1000).default(100),
  },
  INVOICE_SOURCE_API_KEY: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "INVOICE_SOURCE_API_URL is set" },
    description:
      "Local fallback of the Key Vault secret invoice-source-api-key (bearer token of the invoice source system); the local host generates one for its simulator when absent.",
    schema: optionalText,
  },
  INVOICE_SOURCE_SIMULATOR_INVOICES: {
    scope: "local",
    description:
      "Invoices the local invoice source simulator seeds (at least 8: among them one invalid, one resend under a new id and one other document under a reused number).",
    schema: int(8, 100_000).default(25),
  },
  INVOICE_SOURCE_SIMULATOR_SEED: {
    scope: "local",
    description: "Seed of the local invoice source simulator's deterministic invoices.",
    schema: int(0, 2_147_483_647).default(1),
  },
  CLEARFACTS_API_URL: {
    scope: "platform",
    description:
      "Clearfacts' GraphQL endpoint (https://api.clearfacts.be/graphql in production). The local host starts a simulator speaking the same protocol when it is not set; without it in Azure invoices stay pending and nothing is sent.",
    schema: optionalUrl,
  },
  CLEARFACTS_TIMEOUT_MS: {
    scope: "platform",
    description:
      "Timeout of one Clearfacts upload; an upload without an answer in time is reconciled, never blindly re-sent.",
    schema: int(1000, 600_000).default(60_000),
  },
  CLEARFACTS_AUTH: {
    scope: "platform",
    description:
      "How the platform signs in to Clearfacts: token (a personal access token of 80 characters, the secret clearfacts-access-token) or oidc (client credentials at CLEARFACTS_OIDC_TOKEN_URL with the secrets clearfacts-oidc-client-id and clearfacts-oidc-client-secret).",
    schema: z.enum(["token", "oidc"]).default("token"),
  },
  CLEARFACTS_OIDC_TOKEN_URL: {
    scope: "platform",
    description: "OAuth 2.0 token endpoint for CLEARFACTS_AUTH=oidc (client credentials grant).",
    schema: optionalUrl,
  },
  CLEARFACTS_ACCESS_TOKEN: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "CLEARFACTS_AUTH=token (the default) and CLEARFACTS_API_URL is set" },
    description:
      "Local fallback of the Key Vault secret clearfacts-access-token (a Clearfacts personal access token, 80 characters); the local host generates one for its simulator when absent.",
    schema: optionalText,
  },
  CLEARFACTS_OIDC_CLIENT_ID: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "CLEARFACTS_AUTH=oidc" },
    description: "Local fallback of the Key Vault secret clearfacts-oidc-client-id.",
    schema: optionalText,
  },
  CLEARFACTS_OIDC_CLIENT_SECRET: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "CLEARFACTS_AUTH=oidc" },
    description: "Local fallback of the Key Vault secret clearfacts-oidc-client-secret.",
    schema: optionalText,
  },
} as const satisfies SettingsCatalog;
