import type { FunctionDeclaration } from "../runtime/declarations.js";
import {
  reportGenerate,
  reportRequeue,
  reportsDownload,
  reportsGenerate,
  reportsGet,
  reportsList,
} from "./report-functions.js";

/** Reports: request, follow and download Excel/PDF reports; the worker and its requeue timer. */
export const reportsFunctions: readonly FunctionDeclaration[] = [
  reportsGenerate,
  reportsList,
  reportsGet,
  reportsDownload,
  reportGenerate,
  reportRequeue,
];
