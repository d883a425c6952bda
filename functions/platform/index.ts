import type { FunctionDeclaration } from "../runtime/declarations.js";
import { apiDocsFunctions } from "./api-docs-functions.js";
import { health, healthReady, metrics, routeNotFound } from "./health-functions.js";
import { jobsSweep } from "./job-functions.js";

export { sapProbe } from "./sap-probe-function.js";

/**
 * The platform's own functions: health, metrics, the API docs (of `all`, the whole catalog)
 * and the job sweeper; the not-found route comes last, after every other route.
 */
export function platformFunctions(all: () => readonly FunctionDeclaration[]): readonly FunctionDeclaration[] {
  return [health, healthReady, metrics, ...apiDocsFunctions(all), jobsSweep, routeNotFound];
}
