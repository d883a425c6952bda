import { basename } from "node:path/win32";
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type Settings } from "../../shared/index.js";
import type { FileBody, InboundRequest, UploadedFile } from "./declarations.js";

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
