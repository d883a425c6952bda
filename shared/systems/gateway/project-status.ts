/** The platform's workflow status of a project, kept in SQL (SAP's system status is separate). */
export const PROJECT_STATUSES = ["planning", "active", "on_hold", "completed", "cancelled"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
