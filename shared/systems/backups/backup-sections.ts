import { createHash } from "node:crypto";
import type { MergedProject } from "../gateway/index.js";

/**
 * What a backup holds, section by section: each section is one part (one gzip CSV blob)
 * with a header row naming these columns, and the manifest repeats them with their types
 * and meanings, so a backup read in seven years still says what it holds.
 */
export const BACKUP_FORMAT = "fip-backup/2";
/** Backups written before the sections: one gzip CSV of the merged projects. */
export const LEGACY_FORMAT = "csv/1";

export type ColumnType = "string" | "decimal" | "date" | "timestamp" | "integer" | "minor_units" | "boolean" | "json";

export interface SectionColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

export type SectionName = "projects" | "wbs_elements" | "project_records" | "billing_entries" | "audit_log";

export interface SectionSpec {
  readonly name: SectionName;
  /** The part's file name, next to the manifest. */
  readonly file: string;
  readonly description: string;
  /** True for the SQL-owned sections a restore loads into their table (same name and columns). */
  readonly restorable: boolean;
  /** The table a restorable section is loaded into. */
  readonly table?: "projects" | "billing_entries" | "audit_log";
  readonly columns: readonly SectionColumn[];
}

type Value = string | number | boolean | null;

/** The merged projects: today's columns, written with the spreadsheet-safe csvField. */
export const PROJECT_COLUMNS: readonly (SectionColumn & { value: (p: MergedProject) => Value })[] = [
  { name: "project_id", type: "string", description: "Project id (SAP PSPID)", value: (p) => p.projectId },
  {
    name: "sap_internal_id",
    type: "string",
    description: "SAP's internal project number (PSPNR)",
    value: (p) => p.sapInternalId,
  },
  {
    name: "name",
    type: "string",
    description: "The SQL name when one was given, else SAP's description",
    value: (p) => p.name,
  },
  { name: "department", type: "string", description: "Department (SAP ABTEI)", value: (p) => p.department },
  { name: "company_code", type: "string", description: "Company code (SAP BUKRS)", value: (p) => p.companyCode },
  {
    name: "currency",
    type: "string",
    description: "Project currency (ISO 4217): the unit of every amount in the row",
    value: (p) => p.currency,
  },
  { name: "start_date", type: "date", description: "Planned start (SAP PLFAZ)", value: (p) => p.startDate },
  {
    name: "end_date",
    type: "date",
    description: "Planned finish (SAP PLSEZ), empty when open",
    value: (p) => p.endDate,
  },
  {
    name: "sap_status",
    type: "string",
    description: "SAP system status: created, released, technically_completed, closed",
    value: (p) => p.sapStatus,
  },
  { name: "status", type: "string", description: "The platform's workflow status (SQL)", value: (p) => p.status },
  {
    name: "contract_value",
    type: "decimal",
    description: "Contract value (SAP NETWR)",
    value: (p) => p.pricing.contractValue?.amount ?? null,
  },
  {
    name: "planned_cost",
    type: "decimal",
    description: "Planned cost (SAP PLKOST)",
    value: (p) => p.costs.planned?.amount ?? null,
  },
  {
    name: "actual_cost",
    type: "decimal",
    description: "Actual cost (SAP ISTKOST)",
    value: (p) => p.costs.actual?.amount ?? null,
  },
  {
    name: "billed_to_date",
    type: "decimal",
    description: "Billed to date (SAP FAKTWR)",
    value: (p) => p.billing.billedToDate?.amount ?? null,
  },
  {
    name: "recorded_billing_total",
    type: "decimal",
    description: "Sum of the ACTIVE billing entries SQL held at the cut-off, in the project currency",
    value: (p) => p.billing.recordedTotal?.amount ?? null,
  },
  {
    name: "recorded_billing_entries",
    type: "integer",
    description: "How many ACTIVE billing entries SQL held at the cut-off",
    value: (p) => p.billing.recordedEntries,
  },
  {
    name: "outsourced_cost",
    type: "decimal",
    description: "Outsourced cost (SAP OUTSRC)",
    value: (p) => p.outsourcing.outsourcedCost?.amount ?? null,
  },
  {
    name: "planned_hours",
    type: "decimal",
    description: "Planned hours over the resource plan",
    value: (p) => p.resourcePlanning.plannedHours,
  },
  {
    name: "actual_hours",
    type: "decimal",
    description: "Actual hours over the resource plan",
    value: (p) => p.resourcePlanning.actualHours,
  },
  {
    name: "custom_field_1",
    type: "string",
    description: "SQL custom field 1",
    value: (p) => p.metadata.customField1,
  },
  {
    name: "custom_field_2",
    type: "string",
    description: "SQL custom field 2",
    value: (p) => p.metadata.customField2,
  },
  {
    name: "sql_version",
    type: "integer",
    description: "The SQL record's version (0: no SQL record at the cut-off)",
    value: (p) => p.version,
  },
  {
    name: "consistent",
    type: "boolean",
    description: "True when SAP's values normalised cleanly and agree with SQL's",
    value: (p) => p.validation.consistent,
  },
];

const WBS_COLUMNS: readonly SectionColumn[] = [
  { name: "project_id", type: "string", description: "The project the element belongs to" },
  { name: "pep", type: "string", description: "WBS element id (SAP POSID), e.g. PRJ-000001.01" },
  { name: "description", type: "string", description: "WBS element description (SAP POST1)" },
  { name: "level", type: "integer", description: "Hierarchy level (SAP STUFE); 1 is the top" },
];

const at = (what: string) => `${what} (ISO-8601 UTC)`;

const PROJECT_RECORD_COLUMNS: readonly SectionColumn[] = [
  { name: "project_id", type: "string", description: "Project id (primary key)" },
  { name: "sap_project_code", type: "string", description: "The SAP project the record extends" },
  { name: "project_name", type: "string", description: "Name given in the platform (NULL: SAP's name applies)" },
  { name: "status", type: "string", description: "The platform's workflow status" },
  { name: "custom_field_1", type: "string", description: "Custom field 1" },
  { name: "custom_field_2", type: "string", description: "Custom field 2" },
  {
    name: "total_cost_minor",
    type: "minor_units",
    description: "The SQL-side cost total, in minor units of cost_currency",
  },
  { name: "cost_currency", type: "string", description: "Currency of total_cost_minor (ISO 4217)" },
  { name: "created_at", type: "timestamp", description: at("When the record was created") },
  { name: "updated_at", type: "timestamp", description: at("When the record last changed") },
  { name: "version", type: "integer", description: "Optimistic-concurrency version (the ETag)" },
];

const BILLING_COLUMNS: readonly SectionColumn[] = [
  { name: "entry_id", type: "string", description: "Billing entry id (primary key)" },
  { name: "project_id", type: "string", description: "The project billed" },
  { name: "saga_id", type: "string", description: "The saga that wrote it (NULL: seeded or repaired)" },
  { name: "kind", type: "string", description: "billing or allocation" },
  { name: "pep", type: "string", description: "WBS element billed, if any" },
  {
    name: "amount_minor",
    type: "minor_units",
    description: "Exact amount in minor units of currency (cents; JPY has none)",
  },
  { name: "currency", type: "string", description: "Currency of the amount (ISO 4217)" },
  { name: "billing_date", type: "date", description: "Billing date (YYYY-MM-DD)" },
  { name: "description", type: "string", description: "Text of the entry" },
  { name: "status", type: "string", description: "PENDING (its saga still runs) or ACTIVE (billing)" },
  { name: "created_at", type: "timestamp", description: at("When the entry was written") },
  { name: "updated_at", type: "timestamp", description: at("When the entry last changed") },
];

const AUDIT_COLUMNS: readonly SectionColumn[] = [
  { name: "id", type: "string", description: "Audit entry id (primary key)" },
  { name: "user_id", type: "string", description: "The acting user (NULL: the platform itself)" },
  { name: "action", type: "string", description: "What was done, e.g. billing.created, backup.requested" },
  { name: "resource_type", type: "string", description: "The kind of thing it was done to" },
  { name: "resource_id", type: "string", description: "The thing it was done to" },
  { name: "details", type: "json", description: "JSON object with the particulars" },
  { name: "ip_address", type: "string", description: "Client address of the request" },
  { name: "user_agent", type: "string", description: "Client of the request" },
  { name: "correlation_id", type: "string", description: "Correlation id of the request or message" },
  { name: "created_at", type: "timestamp", description: at("When it was recorded") },
];

/** Every section, in the order of the manifest (and of a download). */
export const SECTIONS: readonly SectionSpec[] = [
  {
    name: "projects",
    file: "projects.csv.gz",
    description:
      "The merged SAP + SQL projects, one row per project SAP knows (the read model the API serves); spreadsheet-safe text",
    restorable: false,
    columns: PROJECT_COLUMNS.map(({ name, type, description }) => ({ name, type, description })),
  },
  {
    name: "wbs_elements",
    file: "wbs_elements.csv.gz",
    description: "The WBS elements (PEP) SAP holds for each project of the projects section, in SAP's order",
    restorable: false,
    columns: WBS_COLUMNS,
  },
  {
    name: "project_records",
    file: "project_records.csv.gz",
    description:
      "The SQL projects table as stored (the SQL-only project fields), rows created at or before the cut-off",
    restorable: true,
    table: "projects",
    columns: PROJECT_RECORD_COLUMNS,
  },
  {
    name: "billing_entries",
    file: "billing_entries.csv.gz",
    description:
      "The SQL billing entries of every status, exact amounts in minor units with their currency, rows created at or before the cut-off",
    restorable: true,
    table: "billing_entries",
    columns: BILLING_COLUMNS,
  },
  {
    name: "audit_log",
    file: "audit_log.csv.gz",
    description: "The whole audit log, every row recorded at or before the cut-off, oldest first",
    restorable: true,
    table: "audit_log",
    columns: AUDIT_COLUMNS,
  },
];

export function sectionSpec(name: SectionName): SectionSpec {
  return SECTIONS.find((s) => s.name === name)!;
}

/** A section's schema hash: its columns with their types (the projects one is the legacy backups' hash). */
export function columnsHash(columns: readonly Pick<SectionColumn, "name" | "type">[]): string {
  return createHash("sha256")
    .update(columns.map((c) => `${c.name}:${c.type}`).join("\n"))
    .digest("hex");
}

/** A backup's schema hash: every section's name and columns, in order. */
export function schemaHashOf(sections: readonly { name: string; columns: readonly SectionColumn[] }[]): string {
  return createHash("sha256")
    .update(sections.map((s) => `${s.name}:${columnsHash(s.columns)}`).join("\n"))
    .digest("hex");
}

export const BACKUP_SCHEMA_HASH = schemaHashOf(SECTIONS);

/** The header row of a section's part. */
export const headerOf = (columns: readonly Pick<SectionColumn, "name">[]) => columns.map((c) => c.name).join(",");
