import type { FunctionDeclaration } from "../runtime/declarations.js";
import { projectsBillingList, projectsBillingPost } from "./billing-functions.js";
import { sagaRecovery, sagasGet, sagasList } from "./saga-functions.js";
import {
  billingReconciliation,
  reconciliationInconsistenciesApply,
  reconciliationInconsistenciesList,
  reconciliationInconsistenciesResolve,
  reconciliationRun,
  reconciliationRunsCreate,
  reconciliationRunsGet,
  reconciliationRunsList,
} from "./reconciliation-functions.js";

/** Billing: SAGA writes and the SAP-SQL reconciliation. */
export const billingFunctions: readonly FunctionDeclaration[] = [
  projectsBillingPost,
  projectsBillingList,
  sagasList,
  sagasGet,
  sagaRecovery,
  reconciliationRunsCreate,
  reconciliationRunsList,
  reconciliationRunsGet,
  reconciliationInconsistenciesList,
  reconciliationInconsistenciesResolve,
  reconciliationInconsistenciesApply,
  reconciliationRun,
  billingReconciliation,
];
