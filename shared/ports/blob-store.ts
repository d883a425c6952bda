import type { Readable } from "node:stream";

export interface BlobProperties {
  readonly contentLength: number;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
  readonly lastModified: Date;
}

/** Blob Storage (Azurite locally). Names are paths inside a container. */
export interface BlobStore {
  upload(
    container: string,
    name: string,
    content: Buffer | Readable,
    options?: { contentType?: string; metadata?: Record<string, string> },
  ): Promise<void>;
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
  /**
   * Gives a committed blob its final name: a server-side copy (content and metadata),
   * then the source is deleted. Readers of the final name see the old blob or the whole
   * new one, never a part.
   */
  move(container: string, from: string, to: string): Promise<void>;
  /** Deletes a blob; false when there was none. */
  delete(container: string, name: string): Promise<boolean>;
  /** Blobs under a prefix, in name order. */
  list(container: string, prefix: string): AsyncIterable<{ readonly name: string; readonly lastModified: Date }>;
  findProperties(container: string, name: string): Promise<BlobProperties | undefined>;
  ping(): Promise<void>;
}
