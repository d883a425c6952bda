import type { AuditLog } from "../../foundation/audit-log.js";
import type { AuditLogTable } from "../../foundation/sql/schema.js";
import type { BillingEntryRow, BillingRepository } from "../billing/index.js";
import type { ProjectRepository, ProjectRow } from "../gateway/index.js";
import type { SectionName } from "./backup-sections.js";

/**
 * The systems that own the SQL sections, read through their own repositories: a system
 * never queries another's tables.
 */
export interface SectionOwners {
  /** Gateway: the `projects` table. */
  readonly projects: ProjectRepository;
  /** Billing: the `billing_entries` table. */
  readonly billing: BillingRepository;
  /** Foundation: the `audit_log` table. */
  readonly audit: AuditLog;
}

export type SqlSectionName = Extract<SectionName, "project_records" | "billing_entries" | "audit_log">;
export type SectionRow = Readonly<Record<string, string | number | null>>;

/** Rows fetched per query: keyset pages, so memory stays at one page. */
const PAGE_ROWS = 1000;
/** Project ids per IN list (SQL Server allows 2,100 parameters). */
const IDS_PER_QUERY = 500;

/**
 * A SQL section's rows created at or before `upTo`, page by page, in a stable order: the
 * table's key (audit log: creation time, then id). `projectIds` narrows the project records
 * and billing entries to those projects; the audit log is always whole.
 */
export async function* sectionRows(
  owners: SectionOwners,
  section: SqlSectionName,
  upTo: string,
  projectIds: readonly string[] | null,
): AsyncGenerator<readonly SectionRow[]> {
  if (section === "audit_log") {
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      const rows: AuditLogTable[] = await owners.audit.rowsUpTo(upTo, after, PAGE_ROWS);
      if (rows.length > 0) yield asRows(rows);
      if (rows.length < PAGE_ROWS) return;
      const last: AuditLogTable = rows[rows.length - 1]!;
      after = { createdAt: last.created_at, id: last.id };
    }
  }
  const page =
    section === "project_records"
      ? (after: string | null, ids?: readonly string[]) => owners.projects.rowsUpTo(upTo, after, PAGE_ROWS, ids)
      : (after: string | null, ids?: readonly string[]) => owners.billing.rowsUpTo(upTo, after, PAGE_ROWS, ids);
  const keyOf = (row: ProjectRow | BillingEntryRow) => ("entry_id" in row ? row.entry_id : row.project_id);
  const groups: (readonly string[] | undefined)[] = [];
  if (projectIds === null) groups.push(undefined);
  else {
    const sorted = [...new Set(projectIds)].sort();
    for (let i = 0; i < sorted.length; i += IDS_PER_QUERY) groups.push(sorted.slice(i, i + IDS_PER_QUERY));
  }
  for (const ids of groups) {
    let after: string | null = null;
    for (;;) {
      const rows = await page(after, ids);
      if (rows.length > 0) yield asRows(rows);
      if (rows.length < PAGE_ROWS) break;
      after = keyOf(rows[rows.length - 1]!);
    }
  }
}

/** A table's rows by column name (an interface has no index signature to say so). */
const asRows = (rows: readonly object[]) => rows as readonly SectionRow[];
