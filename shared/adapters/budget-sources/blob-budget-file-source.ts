import type { Readable } from "node:stream";
import type { BlobStore } from "../../ports/blob-store.js";
import {
  BudgetSourceUnavailableError,
  filePattern,
  type BlobSourceConnection,
  type BudgetFileSource,
  type RemoteBudgetFile,
} from "../../ports/budget-file-source.js";

/** A folder of a container in the platform's own Blob Storage (a customer uploads with a SAS). */
export class BlobBudgetFileSource implements BudgetFileSource {
  readonly #blobs: BlobStore;
  readonly #connection: BlobSourceConnection;

  constructor(blobs: BlobStore, connection: BlobSourceConnection) {
    this.#blobs = blobs;
    this.#connection = connection;
  }

  async list(): Promise<readonly RemoteBudgetFile[]> {
    const { container, folder, pattern } = this.#connection;
    const matches = filePattern(pattern);
    const prefix = folder === "" || folder.endsWith("/") ? folder : `${folder}/`;
    const files: RemoteBudgetFile[] = [];
    try {
      for await (const blob of this.#blobs.list(container, prefix)) {
        const name = blob.name.slice(prefix.length);
        if (name.includes("/") || !matches.test(name)) continue;
        const properties = await this.#blobs.findProperties(container, blob.name);
        if (!properties) continue;
        files.push({
          path: blob.name,
          sizeBytes: properties.contentLength,
          modifiedAt: properties.lastModified.toISOString(),
        });
      }
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `Blob container ${container} could not be listed: ${(error as Error).message}`,
        "blob",
      );
    }
    return files;
  }

  async download(file: RemoteBudgetFile): Promise<Readable> {
    return this.#blobs.download(this.#connection.container, file.path);
  }

  async close(): Promise<void> {}
}
