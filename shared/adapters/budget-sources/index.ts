import type { BlobStore } from "../../ports/blob-store.js";
import { BudgetSourceUnavailableError, type OpenBudgetFileSource } from "../../ports/budget-file-source.js";
import { BlobBudgetFileSource } from "./blob-budget-file-source.js";
import { S3BudgetFileSource } from "./s3-budget-file-source.js";
import { SftpBudgetFileSource } from "./sftp-budget-file-source.js";
import { GoogleAccessTokens } from "./google-service-account.js";
import { SheetsBudgetFileSource } from "./sheets-budget-file-source.js";

export { sshFingerprint } from "./sftp-budget-file-source.js";
export { S3BudgetFileSource, SheetsBudgetFileSource, GoogleAccessTokens };

export interface BudgetFileSourceOptions {
  readonly blobs: BlobStore;
  /** An S3-compatible endpoint instead of AWS (empty: AWS by region). */
  readonly s3Endpoint?: string;
  readonly sheetsApiUrl?: string;
  /** Allows SFTP sources without a pinned host key (local only). */
  readonly allowUnpinnedSftp: boolean;
}

/** One opener for every kind of budget file source, by the connection's type. */
export function budgetFileSources(options: BudgetFileSourceOptions): OpenBudgetFileSource {
  // Service-account tokens outlive one poll: one cache per opener (the app's lifetime).
  const googleTokens = new GoogleAccessTokens();
  return async (connection) => {
    switch (connection.type) {
      case "sftp":
        if (connection.hostKeyFingerprint === null && !options.allowUnpinnedSftp)
          throw new BudgetSourceUnavailableError(
            `SFTP ${connection.host} has no pinned host key fingerprint; set hostKeyFingerprint on the source`,
            "sftp",
          );
        return SftpBudgetFileSource.open(connection);
      case "blob":
        return new BlobBudgetFileSource(options.blobs, connection);
      case "s3":
        return S3BudgetFileSource.open(connection, options.s3Endpoint || undefined);
      case "sheets":
        return new SheetsBudgetFileSource(connection, options.sheetsApiUrl, googleTokens);
    }
  };
}
