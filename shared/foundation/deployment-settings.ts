import { z } from "zod";
import { bool, type SettingsCatalog } from "./settings.js";

/** The business systems, by the names ENABLED_SYSTEMS takes (each is `shared/systems/<name>/`). */
export const SYSTEM_NAMES = [
  "identity",
  "gateway",
  "billing",
  "reports",
  "backups",
  "esg",
  "invoices",
  "budgets",
  "analytics",
] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

const systemList = z
  .string()
  .default(SYSTEM_NAMES.join(","))
  .transform((text, ctx) => {
    const names = [...new Set(text.split(",").map((s) => s.trim().toLowerCase()))].filter(Boolean);
    const unknown = names.filter((n) => !(SYSTEM_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `${unknown.length > 0 ? `unknown system ${unknown.map((n) => `'${n}'`).join(", ")}` : "no system named"}; allowed: ${SYSTEM_NAMES.join(", ")}`,
      });
      return z.NEVER;
    }
    // In catalog order, whatever order the setting lists them in.
    return SYSTEM_NAMES.filter((n) => names.includes(n));
  });

/** What this deployment runs: which systems, and whether it is a demo on seeded simulators. */
export const DEPLOYMENT_SETTINGS = {
  ENABLED_SYSTEMS: {
    scope: "platform",
    description: `Comma-separated systems this app runs: ${SYSTEM_NAMES.join(", ")} (default: all). A system left out registers no function (HTTP, queue or timer) in either host and its routes answer 404; health, readiness, metrics, docs and the job sweeper always run. Every system needs identity (sign-in); billing, reports and backups need gateway (its projects); analytics needs budgets (actual vs budget). A list that lacks a needed system, or names an unknown one, stops the start naming the problem.`,
    schema: systemList,
  },
  DEMO_MODE: {
    scope: "platform",
    description:
      "A trial deployment on the seeded simulators: allows SAP_ADAPTER=simulator in Azure (in memory there), shows `demo: true` in /api/health/ready and sends `X-Demo-Mode: true` on every response. Refused together with a real SAP (SAP_ADAPTER=node-rfc). Never for production data.",
    schema: bool.default(false),
  },
} as const satisfies SettingsCatalog;
