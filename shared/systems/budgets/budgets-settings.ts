import { z } from "zod";
import type { SettingsCatalog } from "../../foundation/settings.js";

/** Budget sync: this slice of the settings catalog (the root composes every slice). */
export const BUDGETS_SETTINGS = {
  BUDGETS_DEFAULT_CURRENCY: {
    scope: "platform",
    description:
      "ISO 4217 currency of a budget line whose file has no currency column, and of a budget check that names none.",
    schema: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code")
      .default("EUR"),
  },
} as const satisfies SettingsCatalog;
