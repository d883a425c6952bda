// The one fetch wrapper: bearer token, one refresh on 401, and the API's error envelope
// ({success:false, error:{code,message,details:{fields}}, correlation_id}) as ApiError.
import { session } from "../auth/session";

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: readonly FieldError[],
    readonly correlationId: string | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface Envelope<T> {
  success: boolean;
  data?: T;
  error?: { code: string; message: string; details?: { fields?: FieldError[] } };
  correlation_id?: string;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A FormData or Blob goes as is (multipart upload); anything else as JSON. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** Public endpoints (login, refresh) send no token and never refresh. */
  anonymous?: boolean;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const token = session.accessToken();
  if (token && !options.anonymous) headers["Authorization"] = `Bearer ${token}`;
  let body: BodyInit | undefined = options.raw;
  if (body === undefined && options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  return fetch(`/api${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
}

async function toError(response: Response): Promise<ApiError> {
  const header = response.headers.get("x-correlation-id") ?? undefined;
  try {
    const envelope = (await response.json()) as Envelope<unknown>;
    return new ApiError(
      response.status,
      envelope.error?.message ?? response.statusText,
      envelope.error?.details?.fields ?? [],
      envelope.correlation_id ?? header,
      envelope.error?.code,
    );
  } catch {
    return new ApiError(response.status, response.statusText || "Request failed", [], header, undefined);
  }
}

/** Calls /api{path}; resolves to the envelope's data, rejects with ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  if (response.status === 401 && !options.anonymous && (await session.refresh())) {
    response = await send(path, options);
  }
  if (response.status === 401 && !options.anonymous) session.clear();
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return (await response.blob()) as T;
  const envelope = (await response.json()) as Envelope<T>;
  return envelope.data as T;
}

export interface DownloadedFile {
  readonly blob: Blob;
  /** From Content-Disposition, or the caller's fallback. */
  readonly fileName: string;
}

/** The file name a Content-Disposition header gives (RFC 6266: filename* first, then filename). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/**
 * A file route (/api{path}) with the bearer token and the same refresh and errors as api():
 * a plain <a href> carries no Authorization header, so files are fetched and saved from a blob.
 */
export async function apiFile(path: string, fallbackName: string): Promise<DownloadedFile> {
  const options: RequestOptions = { headers: { Accept: "*/*" } };
  let response = await send(path, options);
  if (response.status === 401 && (await session.refresh())) response = await send(path, options);
  if (response.status === 401) session.clear();
  if (!response.ok) throw await toError(response);
  return {
    blob: await response.blob(),
    fileName: fileNameOf(response.headers.get("content-disposition"), fallbackName),
  };
}
