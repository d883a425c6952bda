import type { Readable } from "node:stream";

export interface BlobProperties {
  readonly contentLength: number;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
  readonly lastModified: Date;
}

/** Blob Storage (Azurite locally). Names are paths inside a container. */
export interface BlobStore {
  upload(container: string, name: string, content: Buffer | Readable, options?: { contentType?: string; metadata?: Record<string, string> }): Promise<void>;
  /**
   * Streams content into blocks and commits them once the stream ends, with metadata only
   * known then (counts, hashes). The blob appears whole or not at all, and its metadata is
   * set at creation: what an immutable (WORM) container needs, since it refuses later
   * metadata writes and overwrites. Memory stays at one block.
   */
  uploadCommitted(
    container: string,
    name: string,
    content: Readable,
    finalMetadata: () => Record<string, string>,
    options?: { contentType?: string; contentEncoding?: string },
  ): Promise<void>;
  download(container: string, name: string): Promise<Readable>;
  findProperties(container: string, name: string): Promise<BlobProperties | undefined>;
  ping(): Promise<void>;
}
