export type BackupStatus = "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED";

export interface BackupsTable {
  backup_id: string;
  trigger_source: "manual" | "scheduled";
  requested_by: string | null;
  /** JSON array, null for all projects. */
  project_ids: string | null;
  status: BackupStatus;
  progress: number;
  attempts: number;
  error: string | null;
  blob_name: string | null;
  schema_hash: string | null;
  project_count: number | null;
  record_count: number | null;
  sha256: string | null;
  size_bytes: string | number | bigint | null;
  verified_at: string | null;
  verification_status: "PASSED" | "FAILED" | null;
  verification_error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** "fip-backup/2" (sectioned, with a manifest); null for backups written before it (one gzip CSV). */
  format: string | null;
  /** SQL rows created after this instant are not in the backup (null before the sections). */
  cutoff_at: string | null;
  /** JSON array: each part's section, description, restorable, rows, sha256, sizeBytes. */
  sections: string | null;
}

/** The tables this system owns, as Kysely sees them. */
export interface BackupsTables {
  backups: BackupsTable;
}
