import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Transform } from "node:stream";

/** A data-encryption key and the id stored with every file it encrypts. */
export interface FileKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The key new files are encrypted with, and every key older files may name. */
export interface FileKeyring {
  current(): Promise<FileKey>;
  /** The key with this id (the current one or a previous one), if it is still kept. */
  find(id: string): Promise<FileKey | undefined>;
}

/** Files at rest: AES-256-GCM, a fresh 96-bit IV per file, the tag checked on read. */
export const FILE_ENCRYPTION_ALGORITHM = "AES-256-GCM";

/** The key's id: the secret's name and a fingerprint, so a rotated key is told apart. */
export function fileKeyFrom(secretName: string, base64: string): FileKey {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32)
    throw new Error(`${secretName} must be 32 random bytes, base64-encoded (it decodes to ${key.length} bytes)`);
  return { id: `${secretName}/${createHash("sha256").update(key).digest("hex").slice(0, 16)}`, key };
}

/**
 * Encrypts a stream. `metadata()` (valid once the stream has ended) gives what is stored
 * with the file: algorithm, key id, IV and authentication tag.
 */
export function encryptingStream(fileKey: FileKey): { readonly stream: Transform; metadata(): Record<string, string> } {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", fileKey.key, iv);
  return {
    stream: cipher,
    metadata: () => ({
      encryption: FILE_ENCRYPTION_ALGORITHM,
      encryption_key_id: fileKey.id,
      encryption_iv: iv.toString("base64"),
      encryption_tag: cipher.getAuthTag().toString("base64"),
    }),
  };
}

/**
 * Decrypts a stream encrypted by `encryptingStream`, given the file's metadata. A file
 * whose content or tag was altered errors at the end of the stream instead of ending.
 */
export function decryptingStream(fileKey: FileKey, metadata: Record<string, string>): Transform {
  if (metadata.encryption !== FILE_ENCRYPTION_ALGORITHM || !metadata.encryption_iv || !metadata.encryption_tag) {
    throw new Error("the file carries no AES-256-GCM metadata");
  }
  if (metadata.encryption_key_id !== fileKey.id) {
    throw new Error(`the file was encrypted with key ${metadata.encryption_key_id}, not the current ${fileKey.id}`);
  }
  const decipher = createDecipheriv("aes-256-gcm", fileKey.key, Buffer.from(metadata.encryption_iv, "base64"));
  decipher.setAuthTag(Buffer.from(metadata.encryption_tag, "base64"));
  return decipher;
}
