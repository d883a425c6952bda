import { int, type SettingsCatalog } from "../../foundation/settings.js";

/** Finance exploration and root-cause analysis: this slice of the settings catalog. */
export const ANALYTICS_SETTINGS = {
  ANALYTICS_SEED_ROWS: {
    scope: "platform",
    description:
      "Rows of the synthetic finance_expense dataset the local host seeds into an empty table at start (0: none). Never used in Azure.",
    schema: int(0, 2_000_000).default(200_000),
  },
} as const satisfies SettingsCatalog;
