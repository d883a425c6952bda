import { z } from "zod";
import { int, type SettingsCatalog } from "../../foundation/settings.js";

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
  BUDGETS_FILES_CONTAINER: {
    scope: "platform",
    description:
      "Blob container of analyzed budget files, kept for their import; a file detected as payroll is never stored.",
    schema: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/)
      .default("budget-files"),
  },
} as const satisfies SettingsCatalog;
