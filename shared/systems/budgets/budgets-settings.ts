import { z } from "zod";
import { bool, int, optionalUrl, type SettingsCatalog } from "../../foundation/settings.js";
import { BUDGET_WEBHOOK_SETTINGS } from "./budget-webhook-settings.js";

/** Budget sync: this slice of the settings catalog (the root composes every slice). */
export const BUDGETS_SETTINGS = {
  ...BUDGET_WEBHOOK_SETTINGS,
  BUDGETS_DEFAULT_CURRENCY: {
    scope: "platform",
    description:
      "ISO 4217 currency of a budget line whose file has no currency column, and of a budget check that names none.",
    schema: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code")
      .default("EUR"),
  },
  BUDGETS_MAX_FILE_BYTES: {
    scope: "platform",
    description: "Largest budget file accepted by POST /api/v1/excel/analyze (413 past it).",
    schema: int(1024, 200 * 1024 * 1024).default(50 * 1024 * 1024),
  },
  BUDGETS_MAX_ROWS: {
    scope: "platform",
    description: "Most data rows a budget file may have (413 past it).",
    schema: int(1, 1_000_000).default(200_000),
  },
  BUDGETS_QUEUED_IMPORT_MIN_BYTES: {
    scope: "platform",
    description:
      "Budget files of at least this many bytes import as a queued job (POST /api/v1/excel/import answers 202 with the import's status link, GET /api/v1/imports/{importId} shows its progress); smaller ones import within the request.",
    schema: int(1, 200 * 1024 * 1024).default(1024 * 1024),
  },
  BUDGETS_IMPORT_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "A queued budget import still processing this long without progress lost its worker on the job's last delivery (no retry follows): the budget-imports-sweep timer ends it failed. Longer than the budget-imports lock duration times its delivery count (5 x 300 s).",
    schema: int(60, 86_400).default(1_800),
  },
  BUDGETS_IMPORT_SWEEP_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that ends budget imports left processing by a dead last delivery.",
    schema: z.string().min(1).default("0 */5 * * * *"),
  },
  BUDGETS_INLINE_MAX_ROWS: {
    scope: "platform",
    description:
      "Most rows POST /api/v1/excel/import accepts inline in its body (`rows`, the header row first); more answer 413: upload the file through /api/v1/excel/analyze instead.",
    schema: int(1, 10_000).default(1_000),
  },
  BUDGETS_FILES_CONTAINER: {
    scope: "platform",
    description:
      "Blob container of analyzed budget files, kept for their import; a file detected as payroll is never stored.",
    schema: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
      .default("budget-files"),
  },
  BUDGETS_AUTO_APPROVAL_THRESHOLD: {
    scope: "platform",
    description:
      "Largest purchase (a decimal amount in the budget line's own currency) a budget check auto-approves when no approval rule of the customer matches.",
    schema: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,3})?$/, "must be a plain decimal amount such as 1000 or 2500.50")
      .default("1000"),
  },
  BUDGETS_OVER_BUDGET: {
    scope: "platform",
    description:
      "What a request over the remaining budget does when no approval rule matches: stop (refuse), warn (allow, never auto-approve, say so) or ignore.",
    schema: z.enum(["stop", "warn", "ignore"]).default("stop"),
  },
  BUDGETS_WARN_PERCENT: {
    scope: "platform",
    description:
      "Utilization (percent of the budgeted amount, this request included) from which a budget check carries a warning, when no approval rule matches.",
    schema: z.coerce.number().int().min(1).max(1000).default(80),
  },
  BUDGETS_SPLIT_WINDOW_HOURS: {
    scope: "platform",
    description:
      "Split-purchase window: one requester's reservations for the same supplier or department within these hours are added up against the auto-approval threshold.",
    schema: z.coerce.number().int().min(1).max(8760).default(72),
  },
  BUDGETS_SOURCE_POLL_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that polls customers' budget data sources (SFTP, Blob, S3, Sheets) whose own cron schedule is due.",
    schema: z.string().min(1).default("0 */5 * * * *"),
  },
  BUDGETS_SOURCE_LEASE_SECONDS: {
    scope: "platform",
    description:
      "How long one instance holds a budget data source while polling it; another instance takes it over only after this (a crashed poll).",
    schema: int(60, 3600).default(900),
  },
  BUDGETS_S3_ENDPOINT: {
    scope: "platform",
    description:
      "An S3-compatible endpoint URL for S3 budget sources (path-style); unset uses AWS S3 in each source's region.",
    schema: optionalUrl,
  },
  BUDGETS_SHEETS_API_URL: {
    scope: "platform",
    description: "Base URL of the Google Sheets API v4 read by Sheets budget sources.",
    schema: z.url().default("https://sheets.googleapis.com"),
  },
  BUDGETS_SFTP_ALLOW_UNPINNED: {
    scope: "local",
    description:
      "Local only: lets an SFTP budget source connect without a pinned host key fingerprint. Never honoured in Azure, where every SFTP source must pin its host key.",
    schema: bool.default(false),
  },
  BUDGETS_SFTP_SIMULATOR_ROOT: {
    scope: "local",
    description:
      "Folder the local SFTP simulator serves to budget sources (user `budgets`); empty: a new temporary folder per run.",
    schema: z.string().default(""),
  },
  BUDGETS_SFTP_SIMULATOR_PASSWORD: {
    scope: "local",
    description:
      "Local only: password of the SFTP simulator's user `budgets`; a local SFTP source names it as the secret budgets-sftp-simulator-password. Generated per run when empty.",
    schema: z.string().default(""),
  },
} as const satisfies SettingsCatalog;
