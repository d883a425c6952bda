import type { Transaction } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { AuditLogTable } from "../../foundation/sql/schema.js";
import { tablesOf } from "../../foundation/sql/database.js";
import type { BillingEntryRow, BillingRepository } from "../billing/index.js";
import type { ProjectRepository, ProjectRow } from "../gateway/index.js";
import type { CsvRecord } from "./backup-csv.js";
import type { SectionColumn, SectionName } from "./backup-sections.js";

/**
 * The systems that own the SQL sections, read through their own repositories (a backup)
 * and written through them (a restore): a system never queries another's tables.
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

/** A parsed CSV record as the section's table row: integers as numbers, the rest as text. */
export function rowOf(columns: readonly SectionColumn[], record: CsvRecord): SectionRow {
  if (record.length !== columns.length)
    throw new Error(`A record has ${record.length} fields, the section has ${columns.length} columns`);
  const row: Record<string, string | number | null> = {};
  for (let i = 0; i < columns.length; i++) {
    const value = record[i]!;
    const column = columns[i]!;
    if (value !== null && column.type === "integer") {
      if (!/^-?\d+$/.test(value)) throw new Error(`${column.name} holds '${value}', not an integer`);
      row[column.name] = Number(value);
    } else row[column.name] = value;
  }
  return row;
}

/** Loads rows into a section's table through its owner, inside the restore's transaction. */
export async function insertSectionRows<T>(
  owners: SectionOwners,
  section: SqlSectionName,
  rows: readonly SectionRow[],
  trx: Transaction<T>,
): Promise<void> {
  // The rows were checked against the section's columns (rowOf), which are the table's.
  if (section === "project_records")
    await owners.projects.insertRows(rows as unknown as readonly ProjectRow[], tablesOf(trx));
  else if (section === "billing_entries")
    await owners.billing.insertRows(rows as unknown as readonly BillingEntryRow[], tablesOf(trx));
  else await owners.audit.insertRows(rows as unknown as readonly AuditLogTable[], trx);
}

/** How many rows a section's table holds (a restore needs them empty). */
export async function countSectionRows<T>(
  owners: SectionOwners,
  section: SqlSectionName,
  trx: Transaction<T>,
): Promise<number> {
  if (section === "project_records") return owners.projects.count(tablesOf(trx));
  if (section === "billing_entries") return owners.billing.countRows(tablesOf(trx));
  return owners.audit.count(trx);
}
