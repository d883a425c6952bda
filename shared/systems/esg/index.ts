// The ESG system's public face: other systems, the root and functions/ reach it here only.
export { createEsg, esgFileKeyring } from "./esg-module.js";
export { ESG_SETTINGS } from "./esg-settings.js";
export { ESG_QUEUES } from "./esg-queues.js";
export type { EsgTables } from "./esg-tables.js";
export { esgMigrations } from "./esg-migrations.js";
export type { EsgRunService, EsgRun, EsgStep, EsgHistoryEntry } from "./esg-run-service.js";
export type { EsgSummary } from "./esg-summary.js";
export { AMS_ACCOUNT_ID_PATTERN, notAnAccountId, repeatedAccountIds } from "./esg-partners.js";
export { ESG_FILE_COLUMNS } from "./esg-files.js";
