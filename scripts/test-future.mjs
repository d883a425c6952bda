// Runs the suites whose outcome depends on the calendar with the system clock moved a
// year ahead (libfaketime, Debian's `faketime`), so a test that hard-codes a date it
// assumes is still to come fails here, today, not on the day it passes.
// FAKETIME_OFFSET overrides the shift (libfaketime's syntax, e.g. "+730d" or "-30d").
import { spawnSync } from "node:child_process";

const TIME_SENSITIVE = [
  "unit/",
  "contract/repositories",
  "contract/message-queue",
  "integration/esg/esg-runs",
  "integration/identity/identity-api",
  "integration/platform/readiness",
  "integration/billing/billing-saga.test",
  "integration/billing/billing-reconciliation",
  "integration/reports/reports",
  "integration/backups/backups",
];

const offset = process.env.FAKETIME_OFFSET ?? "+365d";
if (spawnSync("faketime", ["-f", offset, "true"]).status !== 0) {
  console.error("test:future needs libfaketime's `faketime` command (apt-get install faketime)");
  process.exit(1);
}
console.log(`Running the time-sensitive suites with the clock shifted ${offset}`);
const result = spawnSync("faketime", ["-f", offset, process.execPath, "scripts/run-tests.mjs", ...TIME_SENSITIVE], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
