import { int, optionalText, type SettingsCatalog } from "../../foundation/settings.js";

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
} as const satisfies SettingsCatalog;
