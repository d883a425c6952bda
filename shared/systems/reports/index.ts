// The reports system's public face: other systems, the root and functions/ reach it here only.
export { createReports } from "./reports-module.js";
export { REPORTS_SETTINGS } from "./reports-settings.js";
export { REPORTS_QUEUES } from "./reports-queues.js";
export type { ReportsTables } from "./reports-tables.js";
export { reportsMigrations } from "./reports-migrations.js";
export type { ReportService, Report } from "./report-service.js";
export { REPORT_TYPES, type ReportRequest, type ReportType } from "./report-content.js";
