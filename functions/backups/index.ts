import type { FunctionDeclaration } from "../runtime/declarations.js";
import {
  backupRun,
  backupVerifyMonthly,
  backupWeekly,
  backupsDownload,
  backupsGet,
  backupsList,
  backupsTrigger,
  backupsVerify,
} from "./backup-functions.js";

/** Backups: manual and weekly backups, verification, restore drills. */
export const backupsFunctions: readonly FunctionDeclaration[] = [
  backupsTrigger,
  backupsList,
  backupsGet,
  backupsVerify,
  backupsDownload,
  backupRun,
  backupWeekly,
  backupVerifyMonthly,
];
