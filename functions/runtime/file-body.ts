import { createReadStream } from "node:fs";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { basename } from "node:path/win32";
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type Settings } from "../../shared/index.js";
import type { FileBody, InboundRequest, SpooledFile, UploadedFile } from "./declarations.js";
import { MalformedMultipart, boundaryOf, readMultipart, type PartSink } from "./multipart-stream.js";

/** Room in a multipart body for its boundaries, part headers and text fields, beyond the file cap. */
export const MULTIPART_ALLOWANCE_BYTES = 64 * 1024;
/** Longest text part accepted next to the file (a sheet name, a comment). */
export const MAX_FIELD_CHARS = 4096;
const MULTIPART = "multipart/form-data";
const OCTET_STREAM = "application/octet-stream";

/** The file cap: a fixed number, or the setting that holds it. */
export function fileCapOf(file: FileBody, settings: Settings): number {
  return typeof file.maxBytes === "number" ? file.maxBytes : settings[file.maxBytes];
}

/** The 413 for a file past its cap, naming the setting when the cap is one. */
function tooLarge(file: FileBody, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(limit, typeof file.maxBytes === "string" ? file.maxBytes : undefined);
}

/** A spooled upload and how to remove it once the handler is done. */
export interface Spooled {
  readonly file: SpooledFile;
  release(): Promise<void>;
}

/**
 * A file declared `spool`: the body streamed into a temporary file as it arrives, raw or as
 * the multipart part `field`, so memory stays at a chunk whatever the size. The cap is
 * counted while streaming (413 naming its setting the moment it is passed; before reading
 * when Content-Length says so); the same 400s and 415s as `readFileBody`.
 */
export async function spoolFileBody(request: InboundRequest, file: FileBody, settings: Settings): Promise<Spooled> {
  const field = file.field ?? "file";
  const limit = fileCapOf(file, settings);
  const contentType = request.headers.get("content-type") ?? "";
  const type = mediaTypeOf(contentType);
  const bodyLimit = type === MULTIPART ? limit + MULTIPART_ALLOWANCE_BYTES : limit;
  if (Number(request.headers.get("content-length") ?? "0") > bodyLimit) throw tooLarge(file, limit);
  if (type !== MULTIPART && !accepts(file, type)) throw unsupported(file);
  const dir = await mkdtemp(join(tmpdir(), "upload-"));
  const path = join(dir, "file");
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    const body = capped(request.body ?? bufferedBody(request, bodyLimit), bodyLimit, () => tooLarge(file, limit));
    const out = new FileSink(path, limit, () => tooLarge(file, limit));
    let fileName: string | null;
    let partType = contentType;
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    if (type === MULTIPART) {
      const boundary = boundaryOf(contentType);
      if (!boundary) throw notMultipart();
      let sent: { fileName: string } | undefined;
      try {
        await readMultipart(body, boundary, (head) => {
          if (head.name === field) {
            if (head.fileName === undefined) throw invalid(field, "must be sent as a file (a part with a filename)");
            if (sent) throw invalid(field, "must be sent once");
            sent = { fileName: head.fileName };
            partType = head.contentType;
            const partMedia = mediaTypeOf(partType);
            if (partMedia !== OCTET_STREAM && !accepts(file, partMedia)) throw unsupported(file);
            return out;
          }
          if (head.fileName !== undefined) throw invalid(head.name, `is not expected; send the file as '${field}'`);
          return fieldSink((value) => {
            if (value.length > MAX_FIELD_CHARS)
              throw invalid(head.name, `is longer than ${MAX_FIELD_CHARS} characters`);
            fields[head.name] = value;
          });
        });
      } catch (error) {
        if (error instanceof MalformedMultipart) throw notMultipart();
        throw error;
      }
      fileName = sent ? cleanFileName(sent.fileName) : null;
    } else {
      for await (const chunk of body) await out.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      fileName = fileNameOf(request.headers.get("content-disposition"));
    }
    await out.close();
    if (out.size === 0) throw required(field);
    const size = out.size;
    return {
      file: { size, open: () => createReadStream(path), fileName, contentType: partType, fields },
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Counts the body's bytes as they pass, refusing past `max`. */
async function* capped(body: AsyncIterable<Uint8Array>, max: number, refuse: () => Error): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.byteLength;
    if (seen > max) throw refuse();
    yield chunk;
  }
}

/** A host without a body stream (a test double): the buffered body, read up to one byte past the cap. */
async function* bufferedBody(request: InboundRequest, max: number): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(await request.arrayBuffer(max));
}

/** Writes a file part to disk, counting it against the file cap. */
class FileSink implements PartSink {
  #handle: Promise<FileHandle> | undefined;
  size = 0;
  constructor(
    readonly path: string,
    readonly limit: number,
    readonly refuse: () => Error,
  ) {}
  async write(chunk: Buffer): Promise<void> {
    this.size += chunk.length;
    if (this.size > this.limit) throw this.refuse();
    await (await (this.#handle ??= open(this.path, "w"))).write(chunk);
  }
  end(): void {}
  async close(): Promise<void> {
    if (this.#handle) await (await this.#handle).close();
  }
}

/** Collects a text part (bounded: a few characters past the field cap suffice to refuse it). */
function fieldSink(done: (value: string) => void): PartSink {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    write(chunk) {
      if (size > MAX_FIELD_CHARS * 4) return;
      chunks.push(Buffer.from(chunk));
      size += chunk.length;
    },
    end() {
      done(Buffer.concat(chunks).toString("utf8"));
    },
  };
}

function notMultipart(): ValidationError {
  return new ValidationError([{ field: "body", message: "is not valid multipart/form-data", location: "body" }]);
}

/**
 * The declared file, sent raw (Content-Type one of `mediaTypes`, name from an optional
 * Content-Disposition) or as one part of multipart/form-data. 413 past the cap, before
 * reading when Content-Length says so; 400 naming the field when it is absent or empty, or
 * when the multipart does not parse; 415 naming the accepted types for any other body.
 */
export async function readFileBody(request: InboundRequest, file: FileBody, settings: Settings): Promise<UploadedFile> {
  const field = file.field ?? "file";
  const limit = fileCapOf(file, settings);
  const contentType = request.headers.get("content-type") ?? "";
  const type = mediaTypeOf(contentType);
  const bodyLimit = type === MULTIPART ? limit + MULTIPART_ALLOWANCE_BYTES : limit;
  if (Number(request.headers.get("content-length") ?? "0") > bodyLimit) throw new PayloadTooLargeError(limit);
  const bytes = Buffer.from(await request.arrayBuffer(bodyLimit));
  if (bytes.length > bodyLimit) throw new PayloadTooLargeError(limit);
  if (bytes.length === 0) throw required(field);
  if (type === MULTIPART) return fromMultipart(bytes, contentType, file, field, limit);
  if (!accepts(file, type)) throw unsupported(file);
  return {
    bytes,
    fileName: fileNameOf(request.headers.get("content-disposition")),
    contentType,
    fields: {},
  };
}

/** Parsed by the platform's fetch (undici), only once the cap has been enforced. */
async function fromMultipart(
  bytes: Buffer,
  contentType: string,
  file: FileBody,
  field: string,
  limit: number,
): Promise<UploadedFile> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new ValidationError([{ field: "body", message: "is not valid multipart/form-data", location: "body" }]);
  }
  let part: File | undefined;
  // A null-prototype record: a part named `__proto__` is just a field.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: [string, FormDataEntryValue][] = [];
  form.forEach((value, name) => entries.push([name, value]));
  for (const [name, value] of entries) {
    if (name === field) {
      if (typeof value === "string") throw invalid(field, "must be sent as a file (a part with a filename)");
      if (part) throw invalid(field, "must be sent once");
      part = value;
    } else if (typeof value !== "string") {
      throw invalid(name, `is not expected; send the file as '${field}'`);
    } else if (value.length > MAX_FIELD_CHARS) {
      throw invalid(name, `is longer than ${MAX_FIELD_CHARS} characters`);
    } else fields[name] = value;
  }
  if (!part || part.size === 0) throw required(field);
  if (part.size > limit) throw new PayloadTooLargeError(limit);
  const type = mediaTypeOf(part.type);
  if (type !== OCTET_STREAM && !accepts(file, type)) throw unsupported(file);
  return {
    bytes: Buffer.from(await part.arrayBuffer()),
    fileName: cleanFileName(part.name),
    contentType: part.type,
    fields,
  };
}

/** The media type without parameters, lower case (`Text/XML; charset=utf-8` → `text/xml`). */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(";", 1)[0]!.trim().toLowerCase();
}

/**
 * The file name of a Content-Disposition header (`attachment; filename="a.xml"`), preferring
 * the RFC 6266 `filename*=UTF-8''…` form; null when absent or unreadable.
 */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /(?:^|;)\s*filename\*\s*=\s*utf-8'[^']*'([^;\s]+)/i.exec(disposition);
  if (extended) {
    try {
      return cleanFileName(decodeURIComponent(extended[1]!));
    } catch {
      // Bad percent-encoding: fall back to the plain form, if any.
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
  if (!plain) return null;
  return cleanFileName(plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2]!);
}

/** The name without any directory a client sent along (`C:\dir\a.xml`, `../a.xml`), nor control characters. */
function cleanFileName(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  const base = basename(name.replace(/[\u0000-\u001f\u007f]/g, "")).trim();
  return base && base !== "." && base !== ".." ? base.slice(0, 255) : null;
}

function accepts(file: FileBody, type: string): boolean {
  return file.mediaTypes.some((accepted) => accepted.toLowerCase() === type);
}

function unsupported(file: FileBody): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError([...file.mediaTypes, MULTIPART].join(", "));
}

function required(field: string): ValidationError {
  return invalid(field, "is required");
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message, location: "body" }], `Invalid body: ${field}`);
}
