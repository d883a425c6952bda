// The root registry of functions: one line per system, each folder's index.ts lists its own.
import { SAP_SYSTEMS, SYSTEM_NAMES, type SystemName } from "../shared/index.js";
import { backupsFunctions } from "./backups/index.js";
import { billingFunctions } from "./billing/index.js";
import { analyticsFunctions } from "./analytics/index.js";
import { budgetsFunctions } from "./budgets/index.js";
import { esgFunctions } from "./esg/index.js";
import { gatewayFunctions } from "./gateway/index.js";
import { identityFunctions } from "./identity/index.js";
import { invoicesFunctions } from "./invoices/index.js";
import { platformFunctions, sapProbe } from "./platform/index.js";
import { reportsFunctions } from "./reports/index.js";
import type { FunctionDeclaration } from "./runtime/declarations.js";

/** Each system's functions (HTTP, queue and timer), by the names ENABLED_SYSTEMS takes. */
export const systemFunctions: Readonly<Record<SystemName, readonly FunctionDeclaration[]>> = {
  identity: identityFunctions,
  gateway: gatewayFunctions,
  billing: billingFunctions,
  reports: reportsFunctions,
  backups: backupsFunctions,
  esg: esgFunctions,
  invoices: invoicesFunctions,
  budgets: budgetsFunctions,
  analytics: analyticsFunctions,
};

/**
 * The functions of the enabled systems plus the platform's own (health, docs, metrics,
 * jobs; the SAP probe when a system calls SAP). Both hosts register exactly this list, so
 * a system switched off has no route, queue trigger or timer anywhere.
 */
export function functionsFor(enabled: readonly SystemName[]): readonly FunctionDeclaration[] {
  const list: readonly FunctionDeclaration[] = [
    ...SYSTEM_NAMES.filter((system) => enabled.includes(system)).flatMap((system) => systemFunctions[system]),
    ...(enabled.some((system) => SAP_SYSTEMS.includes(system)) ? [sapProbe] : []),
    ...platformFunctions(() => list),
  ];
  return list;
}

/** Every function of the app (all systems enabled), declared once. */
export const functions: readonly FunctionDeclaration[] = functionsFor(SYSTEM_NAMES);
