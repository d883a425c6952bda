import type { FunctionDeclaration } from "../runtime/declarations.js";
import {
  invoiceForward,
  invoiceJobGather,
  invoiceJobsGet,
  invoiceJobsList,
  invoicesConfiguration,
  invoicesDaily,
  invoicesGet,
  invoicesInbound,
  invoicesList,
  invoicesOriginal,
  invoicesProcess,
  invoicesReplay,
  invoicesRequeue,
  invoicesSchedulePause,
  invoicesScheduleResume,
} from "./invoice-functions.js";

/** Invoices: intake, manual and scheduled forwarding jobs, replay, and the workers and timers behind them. */
export const invoicesFunctions: readonly FunctionDeclaration[] = [
  invoicesProcess,
  invoiceJobsList,
  invoiceJobsGet,
  invoicesList,
  invoicesSchedulePause,
  invoicesScheduleResume,
  invoicesConfiguration,
  invoicesGet,
  invoicesOriginal,
  invoicesReplay,
  invoiceJobGather,
  invoiceForward,
  invoicesInbound,
  invoicesDaily,
  invoicesRequeue,
];
