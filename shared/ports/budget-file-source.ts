import type { Readable } from "node:stream";

/**
 * Where a customer drops its budget files (seed 004's BudgetDataSourceConfig): an SFTP
 * folder, a Blob container, an S3 bucket or a Google Sheet. The poll lists what is there
 * and downloads what it has not seen; it never writes, moves or deletes on the source.
 */

/** One file as the source lists it; path, size and modification time identify a version. */
export interface RemoteBudgetFile {
  /** The file's path on the source (folder included), as `download` takes it. */
  readonly path: string;
  readonly sizeBytes: number;
  /** ISO 8601, UTC; an empty string when the source keeps none (a sheet's values). */
  readonly modifiedAt: string;
}

export interface BudgetFileSource {
  /** Files under the source's folder whose name matches its pattern, in path order. */
  list(): Promise<readonly RemoteBudgetFile[]>;
  /** The file's bytes; the caller caps what it reads. */
  download(file: RemoteBudgetFile): Promise<Readable>;
  /** Ends the connection (SFTP); a no-op for the HTTP sources. */
  close(): Promise<void>;
}

/** An SFTP folder; the host key is pinned by its OpenSSH SHA256 fingerprint. */
export interface SftpSourceConnection {
  readonly type: "sftp";
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly folder: string;
  readonly pattern: string;
  /**
   * `SHA256:<base64>` as `ssh-keygen -lf` prints it. Null only where unpinned hosts are
   * allowed (BUDGETS_SFTP_ALLOW_UNPINNED, never in Azure): without it anyone on the path
   * could pose as the customer's server.
   */
  readonly hostKeyFingerprint: string | null;
  readonly password?: string;
  readonly privateKey?: string;
}

/** A folder (prefix) of a container in the platform's own Blob Storage. */
export interface BlobSourceConnection {
  readonly type: "blob";
  readonly container: string;
  readonly folder: string;
  readonly pattern: string;
}

export interface S3SourceConnection {
  readonly type: "s3";
  readonly bucket: string;
  readonly region: string;
  readonly folder: string;
  readonly pattern: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** One range of one spreadsheet, read as a CSV file (Sheets API v4 values.get). */
export interface SheetsSourceConnection {
  readonly type: "sheets";
  readonly spreadsheetId: string;
  /** A1 notation, e.g. `Budget!A1:F500`. */
  readonly range: string;
  /** One of the two: an API key (public or link-shared sheets) ... */
  readonly apiKey?: string;
  /** ... or a service account's JSON key (sheets shared with its client_email). */
  readonly serviceAccountKey?: string;
}

/** A source with its credentials already read from the secret store (never stored in SQL). */
export type BudgetSourceConnection =
  SftpSourceConnection | BlobSourceConnection | S3SourceConnection | SheetsSourceConnection;

/** Opens a source; connection problems surface as BudgetSourceUnavailableError. */
export type OpenBudgetFileSource = (connection: BudgetSourceConnection) => Promise<BudgetFileSource>;

/** The source could not be reached or refused us (network, auth, host key, 5xx): the poll counts a failure. */
export class BudgetSourceUnavailableError extends Error {
  constructor(
    message: string,
    readonly sourceType: BudgetSourceConnection["type"],
  ) {
    super(message);
    this.name = "BudgetSourceUnavailableError";
  }
}

/** `*.csv`, `budget-??.xlsx`: a file-name glob (`*` and `?`, case-insensitive) as a RegExp. */
export function filePattern(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}
