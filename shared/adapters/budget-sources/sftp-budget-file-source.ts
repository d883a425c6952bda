import { createHash, timingSafeEqual } from "node:crypto";
import { posix } from "node:path";
import { Readable } from "node:stream";
import type SftpClient from "ssh2-sftp-client";
import {
  BudgetSourceUnavailableError,
  filePattern,
  type BudgetFileSource,
  type RemoteBudgetFile,
  type SftpSourceConnection,
} from "../../ports/budget-file-source.js";

/** `SHA256:<base64, no padding>` of an SSH public key blob, as `ssh-keygen -lf` prints it. */
export function sshFingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(publicKeyBlob).digest("base64").replace(/=+$/, "")}`;
}

const CONNECT_TIMEOUT_MS = 20_000;

/**
 * A customer's SFTP folder over ssh2-sftp-client. The host key is checked against the pinned
 * fingerprint before any credential is sent; a mismatch refuses the connection.
 */
export class SftpBudgetFileSource implements BudgetFileSource {
  readonly #client: SftpClient;
  readonly #connection: SftpSourceConnection;

  private constructor(client: SftpClient, connection: SftpSourceConnection) {
    this.#client = client;
    this.#connection = connection;
  }

  static async open(connection: SftpSourceConnection): Promise<SftpBudgetFileSource> {
    // Loaded on first use: only a platform with an SFTP source pays for ssh2.
    const { default: Client } = await import("ssh2-sftp-client");
    const client = new Client("budget-source");
    const pinned = connection.hostKeyFingerprint;
    let hostKeyMismatch = false;
    try {
      await client.connect({
        host: connection.host,
        port: connection.port,
        username: connection.username,
        ...(connection.password !== undefined ? { password: connection.password } : {}),
        ...(connection.privateKey !== undefined ? { privateKey: connection.privateKey } : {}),
        readyTimeout: CONNECT_TIMEOUT_MS,
        hostVerifier: (key: Buffer) => {
          if (pinned === null) return true;
          const seen = Buffer.from(sshFingerprint(key));
          const ok = seen.length === Buffer.byteLength(pinned) && timingSafeEqual(seen, Buffer.from(pinned));
          hostKeyMismatch = !ok;
          return ok;
        },
      });
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new BudgetSourceUnavailableError(
        hostKeyMismatch
          ? `SFTP ${connection.host}:${connection.port} presented a host key other than the pinned ${pinned}; not connected`
          : `SFTP ${connection.host}:${connection.port} could not be reached: ${(error as Error).message}`,
        "sftp",
      );
    }
    return new SftpBudgetFileSource(client, connection);
  }

  async list(): Promise<readonly RemoteBudgetFile[]> {
    const { folder, pattern } = this.#connection;
    const matches = filePattern(pattern);
    try {
      const entries = await this.#client.list(folder);
      return entries
        .filter((e) => e.type === "-" && matches.test(e.name))
        .map((e) => ({
          path: posix.join(folder, e.name),
          sizeBytes: e.size,
          modifiedAt: new Date(e.modifyTime).toISOString(),
        }))
        .sort((a, b) => a.path.localeCompare(b.path));
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `SFTP folder ${folder} could not be listed: ${(error as Error).message}`,
        "sftp",
      );
    }
  }

  async download(file: RemoteBudgetFile): Promise<Readable> {
    try {
      const bytes = (await this.#client.get(file.path)) as Buffer;
      return Readable.from([bytes]);
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `SFTP file ${file.path} could not be read: ${(error as Error).message}`,
        "sftp",
      );
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}
