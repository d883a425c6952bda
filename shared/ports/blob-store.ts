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
  download(container: string, name: string): Promise<Readable>;
  findProperties(container: string, name: string): Promise<BlobProperties | undefined>;
  ping(): Promise<void>;
}
