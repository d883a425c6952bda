import { z } from "zod";
import { int, optionalText, optionalUrl, type SettingsCatalog } from "../../foundation/settings.js";

/** Finance exploration and root-cause analysis: this slice of the settings catalog. */
export const ANALYTICS_SETTINGS = {
  ANALYTICS_SEED_ROWS: {
    scope: "platform",
    description:
      "Rows of the synthetic finance_expense dataset the local host seeds into an empty table at start (0: none). Never used in Azure.",
    schema: int(0, 2_000_000).default(200_000),
  },
  // h-analytics-data: the optional separate analytics connection.
  ANALYTICS_SQL_CONNECTION_STRING: {
    scope: "local",
    secret: {
      setBy: "operator",
      neededWhen:
        "analytics reads a separate warehouse with a T-SQL endpoint instead of the platform database (optional)",
    },
    description:
      "Local fallback of the Key Vault secret analytics-sql-connection-string: an ADO-style SQL Server connection string of a warehouse holding finance_expense, which every analytics query then reads (no migrations run there). When absent, analytics uses the platform database.",
    schema: optionalText,
  },
  ANALYTICS_LLM_URL: {
    scope: "platform",
    description:
      "Optional OpenAI-compatible chat completions endpoint (Azure OpenAI: https://<resource>.openai.azure.com/openai/deployments/<deployment>/chat/completions?api-version=...) the chat may ask to classify a question its rules cannot and to phrase answers; numbers always come from the calculation. Unset: the chat runs on its rules alone.",
    schema: optionalUrl,
  },
  ANALYTICS_LLM_MODEL: {
    scope: "platform",
    description:
      "Model name sent to ANALYTICS_LLM_URL (OpenAI-style endpoints need it; Azure OpenAI names the deployment in the URL).",
    schema: optionalText,
  },
  ANALYTICS_LLM_TIMEOUT_MS: {
    scope: "platform",
    description: "How long the chat waits for the language model before answering on its rules alone.",
    schema: int(500, 120_000).default(15_000),
  },
  ANALYTICS_LLM_API_KEY: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "ANALYTICS_LLM_URL is set" },
    description:
      "Local fallback of the Key Vault secret analytics-llm-api-key: the language model's API key (sent as api-key to Azure OpenAI, as a bearer token elsewhere).",
    schema: optionalText,
  },
  ANALYTICS_IMPORT_MAX_FILE_BYTES: {
    scope: "platform",
    description: "Largest expense file accepted by POST /api/v1/finance/expenses/imports (413 past it).",
    schema: int(1024, 500 * 1024 * 1024).default(200 * 1024 * 1024),
  },
  ANALYTICS_IMPORT_MAX_ROWS: {
    scope: "platform",
    description: "Most data rows an expense file may have (the import fails past it, naming the limit).",
    schema: int(1, 5_000_000).default(2_000_000),
  },
  ANALYTICS_IMPORT_STALE_AFTER_SECONDS: {
    scope: "platform",
    description:
      "An expense import queued or processing this long without progress is sent again by the expense-imports-requeue timer (or failed after the queue's delivery count); longer than the expense-imports lock duration.",
    schema: int(60, 86_400).default(900),
  },
  ANALYTICS_IMPORT_REQUEUE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that takes over expense imports left queued or processing without progress.",
    schema: z.string().min(1).default("0 */5 * * * *"),
  },
  ANALYTICS_IMPORTS_CONTAINER: {
    scope: "platform",
    description: "Blob container of uploaded expense files, kept for their queued import.",
    schema: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
      .default("expense-imports"),
  },
} as const satisfies SettingsCatalog;
