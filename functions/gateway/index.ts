import type { FunctionDeclaration } from "../runtime/declarations.js";
import { projectsGet, projectsList, projectsUpdate } from "./project-functions.js";
import { resourcesList } from "./resource-functions.js";
import { costCentersPlanning } from "./cost-center-functions.js";

/** The SAP + SQL gateway: projects, resources, cost-center planning. */
export const gatewayFunctions: readonly FunctionDeclaration[] = [
  projectsList,
  projectsGet,
  projectsUpdate,
  resourcesList,
  costCentersPlanning,
];
