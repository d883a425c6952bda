import { posix } from "node:path";
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  BudgetSourceUnavailableError,
  filePattern,
  type BudgetFileSource,
  type RemoteBudgetFile,
  type S3SourceConnection,
} from "../../ports/budget-file-source.js";

type S3Module = typeof import("@aws-sdk/client-s3");

/** Most objects listed per poll: a folder past it is a misconfigured source, not a budget drop. */
const MAX_OBJECTS = 10_000;

/**
 * A folder (prefix) of an S3 bucket: ListObjectsV2 pages, GetObject streams. `endpoint` (an
 * S3-compatible service, or a test's fake) switches to path-style addressing.
 */
export class S3BudgetFileSource implements BudgetFileSource {
  readonly #s3: S3Module;
  readonly #client: S3Client;
  readonly #connection: S3SourceConnection;

  private constructor(s3: S3Module, client: S3Client, connection: S3SourceConnection) {
    this.#s3 = s3;
    this.#client = client;
    this.#connection = connection;
  }

  static async open(connection: S3SourceConnection, endpoint?: string): Promise<S3BudgetFileSource> {
    // Loaded on first use: only a platform with an S3 source pays for the SDK.
    const s3 = await import("@aws-sdk/client-s3");
    const client = new s3.S3Client({
      region: connection.region,
      credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      maxAttempts: 3,
    });
    return new S3BudgetFileSource(s3, client, connection);
  }

  async list(): Promise<readonly RemoteBudgetFile[]> {
    const { bucket, folder, pattern } = this.#connection;
    const matches = filePattern(pattern);
    const prefix = folder === "" || folder.endsWith("/") ? folder : `${folder}/`;
    const files: RemoteBudgetFile[] = [];
    let token: string | undefined;
    let seen = 0;
    try {
      do {
        const page = await this.#client.send(
          new this.#s3.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            Delimiter: "/",
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const object of page.Contents ?? []) {
          seen++;
          if (!object.Key || !matches.test(posix.basename(object.Key))) continue;
          files.push({
            path: object.Key,
            sizeBytes: Number(object.Size ?? 0),
            modifiedAt: (object.LastModified ?? new Date(0)).toISOString(),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token && seen < MAX_OBJECTS);
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `S3 bucket ${bucket} could not be listed: ${(error as Error).message}`,
        "s3",
      );
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  async download(file: RemoteBudgetFile): Promise<Readable> {
    try {
      const object = await this.#client.send(
        new this.#s3.GetObjectCommand({ Bucket: this.#connection.bucket, Key: file.path }),
      );
      if (!(object.Body instanceof Readable)) throw new Error("the object has no body");
      return object.Body;
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `S3 object ${file.path} could not be read: ${(error as Error).message}`,
        "s3",
      );
    }
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}
