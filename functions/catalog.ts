// The root registry of functions: one line per system, each folder's index.ts lists its own.
import { backupsFunctions } from "./backups/index.js";
import { billingFunctions } from "./billing/index.js";
import { esgFunctions } from "./esg/index.js";
import { gatewayFunctions } from "./gateway/index.js";
import { identityFunctions } from "./identity/index.js";
import { platformFunctions } from "./platform/index.js";
import { reportsFunctions } from "./reports/index.js";
import type { FunctionDeclaration } from "./runtime/declarations.js";

/** Every function of the app, declared once; both hosts register exactly this list. */
export const functions: readonly FunctionDeclaration[] = [
  ...identityFunctions,
  ...gatewayFunctions,
  ...billingFunctions,
  ...reportsFunctions,
  ...backupsFunctions,
  ...esgFunctions,
  ...platformFunctions(() => functions),
];
