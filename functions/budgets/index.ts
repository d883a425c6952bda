import type { FunctionDeclaration } from "../runtime/declarations.js";
import {
  budgetCheck,
  budgetReservationsActual,
  budgetReservationsCommit,
  budgetReservationsCreate,
  budgetReservationsGet,
  budgetReservationsRelease,
  budgetRulesCreate,
  budgetRulesDelete,
  budgetRulesList,
  budgetRulesUpdate,
  budgetsBalance,
  budgetsGet,
  budgetsList,
} from "./budget-check-functions.js";
import {
  budgetImportRun,
  budgetImportsSweep,
  excelAnalyze,
  excelImport,
  importCommit,
  importDiff,
  importGet,
  importsHistory,
} from "./budget-import-functions.js";
import {
  budgetWebhookDeliver,
  webhookDeliveriesList,
  webhooksCreate,
  webhooksDelete,
  webhooksList,
} from "./budget-webhook-functions.js";
import {
  budgetSourceFiles,
  budgetSourcesCreate,
  budgetSourcesDelete,
  budgetSourcesGet,
  budgetSourcesList,
  budgetSourcesPoll,
  budgetSourcesUpdate,
} from "./budget-source-functions.js";
import {
  customersCreate,
  customersGet,
  customersList,
  customerUsersBind,
  customerUsersUnbind,
} from "./customer-functions.js";

/**
 * Budgets: customers and isolation; budget files analyzed, imported, diffed and committed;
 * budget lines, checks, approval rules and reservations; signed webhooks of import outcomes;
 * data sources and their poll.
 */
export const budgetsFunctions: readonly FunctionDeclaration[] = [
  customersCreate,
  customersList,
  customersGet,
  customerUsersBind,
  customerUsersUnbind,
  excelAnalyze,
  excelImport,
  budgetImportRun,
  budgetImportsSweep,
  importsHistory,
  importDiff,
  importCommit,
  importGet,
  budgetCheck,
  budgetsList,
  budgetsGet,
  budgetsBalance,
  budgetRulesList,
  budgetRulesCreate,
  budgetRulesUpdate,
  budgetRulesDelete,
  budgetReservationsCreate,
  budgetReservationsGet,
  budgetReservationsRelease,
  budgetReservationsCommit,
  budgetReservationsActual,
  webhooksCreate,
  webhooksList,
  webhookDeliveriesList,
  webhooksDelete,
  budgetWebhookDeliver,
  budgetSourcesList,
  budgetSourcesCreate,
  budgetSourcesGet,
  budgetSourcesUpdate,
  budgetSourcesDelete,
  budgetSourceFiles,
  budgetSourcesPoll,
];
