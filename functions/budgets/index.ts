import type { FunctionDeclaration } from "../runtime/declarations.js";
import {
  excelAnalyze,
  excelImport,
  importCommit,
  importDiff,
  importGet,
  importsHistory,
} from "./budget-import-functions.js";

/** Budgets: analyze and import budget files, review a re-import's diff, commit, history. */
export const budgetsFunctions: readonly FunctionDeclaration[] = [
  excelAnalyze,
  excelImport,
  importsHistory,
  importDiff,
  importCommit,
  importGet,
];
