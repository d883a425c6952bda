import { int, type SettingsCatalog } from "../../foundation/settings.js";

/** The gateway's project reads: this slice of the settings catalog (the root composes every slice). */
export const GATEWAY_SETTINGS = {
  PROJECT_CACHE_TTL_SECONDS: {
    scope: "platform",
    description: "Lifetime of a cached merged project (project:{id}); every write to the project removes it sooner.",
    schema: int(1, 86_400).default(300),
  },
} as const satisfies SettingsCatalog;
