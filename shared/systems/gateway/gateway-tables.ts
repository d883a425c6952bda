/** Seed 000's extended project entity (SQL-only fields); `version` drives ETags. */
export interface ProjectsTable {
  project_id: string;
  sap_project_code: string;
  project_name: string | null;
  status: string | null;
  custom_field_1: string | null;
  custom_field_2: string | null;
  /** Minor units; SQL Server's bigint arrives as a string, SQLite's as a number. */
  total_cost_minor: string | number | bigint | null;
  cost_currency: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The tables this system owns, as Kysely sees them. */
export interface GatewayTables {
  projects: ProjectsTable;
}
