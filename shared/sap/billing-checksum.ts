import { createHash } from "node:crypto";

/** The fields of a billing entry both sides agree on; what reconciliation compares. */
export interface ChecksumEntry {
  readonly entryId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  /** ISO date. */
  readonly billingDate: string;
  readonly description?: string;
}

/**
 * A project's billing checksum: SHA-256 over its live entries in entry-id order. SAP and
 * SQL compute it the same way, so equal checksums mean equal billing without moving rows.
 */
export function billingChecksum(entries: readonly ChecksumEntry[]): string {
  const hash = createHash("sha256");
  for (const e of [...entries].sort((a, b) => (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0))) {
    hash.update(`${e.entryId}|${e.amountMinor}|${e.currency}|${e.billingDate}\n`);
  }
  return hash.digest("hex").slice(0, 32);
}

/** A range's checksum: over its projects' checksums in project-id order. */
export function rangeChecksum(projects: readonly { projectId: string; checksum: string }[]): string {
  const hash = createHash("sha256");
  for (const p of [...projects].sort((a, b) => (a.projectId < b.projectId ? -1 : 1)))
    hash.update(`${p.projectId}|${p.checksum}\n`);
  return hash.digest("hex").slice(0, 32);
}
