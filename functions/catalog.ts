import { authLogin, authLogout, authMe, authRefresh, authRegister } from "./identity/auth-functions.js";
import { projectsBillingList, projectsBillingPost } from "./billing/billing-functions.js";
import { costCentersPlanning } from "./gateway/cost-center-functions.js";
import { sagaRecovery, sagasGet, sagasList } from "./billing/saga-functions.js";
import {
  billingReconciliation,
  reconciliationInconsistenciesApply,
  reconciliationInconsistenciesList,
  reconciliationInconsistenciesResolve,
  reconciliationRun,
  reconciliationRunsCreate,
  reconciliationRunsGet,
  reconciliationRunsList,
} from "./billing/reconciliation-functions.js";
import { projectsGet, projectsList, projectsUpdate } from "./gateway/project-functions.js";
import { resourcesList } from "./gateway/resource-functions.js";
import type { FunctionDeclaration } from "./runtime/declarations.js";
import {
  backupRun,
  backupVerifyMonthly,
  backupWeekly,
  backupsDownload,
  backupsGet,
  backupsList,
  backupsTrigger,
  backupsVerify,
} from "./backups/backup-functions.js";
import {
  reportGenerate,
  reportRequeue,
  reportsDownload,
  reportsGenerate,
  reportsGet,
  reportsList,
} from "./reports/report-functions.js";
import { esgFunctions } from "./esg/esg-functions.js";
import { apiDocsFunctions } from "./platform/api-docs-functions.js";
import { health, healthReady, metrics, routeNotFound } from "./platform/health-functions.js";
import { jobsSweep } from "./platform/job-functions.js";
import { purgeExpiredSessions } from "./identity/purge-expired-sessions.js";
import {
  auditLogList,
  usersCreate,
  usersDisable,
  usersEnable,
  usersGet,
  usersList,
  usersResetPassword,
  usersSetRoles,
} from "./identity/user-functions.js";

/** Every function of the app, declared once; both hosts register exactly this list. */
export const functions: readonly FunctionDeclaration[] = [
  authLogin,
  authRefresh,
  authLogout,
  authMe,
  authRegister,
  usersCreate,
  usersList,
  usersGet,
  usersDisable,
  usersEnable,
  usersResetPassword,
  usersSetRoles,
  auditLogList,
  projectsList,
  projectsGet,
  projectsUpdate,
  resourcesList,
  costCentersPlanning,
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
  reportsGenerate,
  reportsList,
  reportsGet,
  reportsDownload,
  reportGenerate,
  reportRequeue,
  backupsTrigger,
  backupsList,
  backupsGet,
  backupsVerify,
  backupsDownload,
  backupRun,
  backupWeekly,
  backupVerifyMonthly,
  ...esgFunctions,
  health,
  healthReady,
  metrics,
  ...apiDocsFunctions(() => functions),
  purgeExpiredSessions,
  jobsSweep,
  routeNotFound,
];
