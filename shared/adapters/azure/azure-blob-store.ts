import type { Readable } from "node:stream";
import type { BlobServiceClient } from "@azure/storage-blob";
import type { BlobProperties, BlobStore } from "../../ports/blob-store.js";

/** Staged block size: the most one upload holds in memory. */
const BLOCK_BYTES = 4 * 1024 * 1024;

export type BlobTarget = { connectionString: string } | { serviceUrl: string };

/**
 * Blob Storage through @azure/storage-blob: Azure with DefaultAzureCredential, Azurite
 * (or any keyed account) by connection string. Containers are created on first use.
 */
export class AzureBlobStore implements BlobStore {
  readonly #service: BlobServiceClient;
  readonly #ensured = new Set<string>();

  private constructor(service: BlobServiceClient) {
    this.#service = service;
  }

  static async connect(target: BlobTarget): Promise<AzureBlobStore> {
    const { BlobServiceClient } = await import("@azure/storage-blob");
    if ("connectionString" in target)
      return new AzureBlobStore(BlobServiceClient.fromConnectionString(target.connectionString));
    const { DefaultAzureCredential } = await import("@azure/identity");
    return new AzureBlobStore(new BlobServiceClient(target.serviceUrl, new DefaultAzureCredential()));
  }

  get serviceClient(): BlobServiceClient {
    return this.#service;
  }

  async #container(name: string) {
    const container = this.#service.getContainerClient(name);
    if (!this.#ensured.has(name)) {
      await container.createIfNotExists();
      this.#ensured.add(name);
    }
    return container;
  }

  async upload(
    container: string,
    name: string,
    content: Buffer | Readable,
    options: { contentType?: string; metadata?: Record<string, string> } = {},
  ) {
    const blob = (await this.#container(container)).getBlockBlobClient(name);
    const headers = {
      blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : {},
      ...(options.metadata ? { metadata: options.metadata } : {}),
    };
    if (Buffer.isBuffer(content)) await blob.uploadData(content, headers);
    else await blob.uploadStream(content, 4 * 1024 * 1024, 4, headers);
  }

  async uploadCommitted(
    container: string,
    name: string,
    content: Readable,
    finalMetadata: () => Record<string, string>,
    options: { contentType?: string; contentEncoding?: string } = {},
  ): Promise<void> {
    const blob = (await this.#container(container)).getBlockBlobClient(name);
    const blockIds: string[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const stage = async () => {
      if (pendingBytes === 0) return;
      // Block ids must all have the same length within a blob.
      const id = Buffer.from(String(blockIds.length).padStart(8, "0")).toString("base64");
      const block = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      await blob.stageBlock(id, block, block.length);
      blockIds.push(id);
    };
    for await (const chunk of content) {
      pending.push(chunk as Buffer);
      pendingBytes += (chunk as Buffer).length;
      if (pendingBytes >= BLOCK_BYTES) await stage();
    }
    await stage();
    await blob.commitBlockList(blockIds, {
      metadata: finalMetadata(),
      blobHTTPHeaders: {
        ...(options.contentType ? { blobContentType: options.contentType } : {}),
        ...(options.contentEncoding ? { blobContentEncoding: options.contentEncoding } : {}),
      },
    });
  }

  async download(container: string, name: string): Promise<Readable> {
    const response = await (await this.#container(container)).getBlobClient(name).download();
    if (!response.readableStreamBody) throw new Error(`Blob '${container}/${name}' has no body`);
    return response.readableStreamBody as Readable;
  }

  async move(container: string, from: string, to: string): Promise<void> {
    const client = await this.#container(container);
    const source = client.getBlobClient(from);
    const poller = await client.getBlobClient(to).beginCopyFromURL(source.url);
    const result = await poller.pollUntilDone();
    if (result.copyStatus !== "success")
      throw new Error(`Copy of '${container}/${from}' ended ${result.copyStatus ?? "without a status"}`);
    await source.deleteIfExists();
  }

  async delete(container: string, name: string): Promise<boolean> {
    return (await (await this.#container(container)).getBlobClient(name).deleteIfExists()).succeeded;
  }

  async *list(container: string, prefix: string): AsyncIterable<{ name: string; lastModified: Date }> {
    for await (const blob of (await this.#container(container)).listBlobsFlat({ prefix })) {
      yield { name: blob.name, lastModified: blob.properties.lastModified };
    }
  }

  async findProperties(container: string, name: string): Promise<BlobProperties | undefined> {
    try {
      const p = await (await this.#container(container)).getBlobClient(name).getProperties();
      return {
        contentLength: p.contentLength ?? 0,
        ...(p.contentType ? { contentType: p.contentType } : {}),
        metadata: p.metadata ?? {},
        lastModified: p.lastModified ?? new Date(0),
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.#service.getProperties();
  }
}
