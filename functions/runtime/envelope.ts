import { z } from "zod";
import { DomainError, RateLimitedError, ServiceUnavailableError, type ErrorCode } from "../../shared/index.js";

/** The one table from error code to HTTP status. */
export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  TOO_MANY_ATTEMPTS: 429,
  SERVICE_UNAVAILABLE: 503,
  SAP_UNAVAILABLE: 503,
  SAP_BUSY: 503,
  INTERNAL_ERROR: 500,
};

export interface ErrorBody {
  readonly success: false;
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details: Record<string, unknown> };
  readonly timestamp: string;
  readonly correlation_id: string;
}

export function successBody<T>(data: T, correlationId: string) {
  return { success: true as const, data, timestamp: new Date().toISOString(), correlation_id: correlationId };
}

/** Data that is already JSON text (a cached project): spliced into the envelope as it is. */
export class JsonText<T> {
  declare readonly of: T;
  constructor(readonly text: string) {}
}

/** The success envelope as text: the bytes JSON.stringify(successBody(...)) gives, without re-serialising JsonText. */
export function successJson<T>(data: T | JsonText<T>, correlationId: string): string {
  if (!(data instanceof JsonText)) return JSON.stringify(successBody(data, correlationId));
  return `{"success":true,"data":${data.text},"timestamp":${JSON.stringify(new Date().toISOString())},"correlation_id":${JSON.stringify(correlationId)}}`;
}

/**
 * Maps any thrown value to a status, headers and the error envelope. Only domain errors
 * pass their message through; anything else becomes a generic 500, never a stack trace.
 */
export function errorResponse(
  error: unknown,
  correlationId: string,
): { status: number; headers: Record<string, string>; body: ErrorBody } {
  const known = error instanceof DomainError ? error : undefined;
  const code: ErrorCode = known?.code ?? "INTERNAL_ERROR";
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitedError) headers["Retry-After"] = String(error.retryAfterSeconds);
  if (error instanceof ServiceUnavailableError && error.retryAfterSeconds !== undefined)
    headers["Retry-After"] = String(error.retryAfterSeconds);
  return {
    status: STATUS_OF[code],
    headers,
    body: {
      success: false,
      error: {
        code,
        message: known?.message ?? "An internal error occurred; quote the correlation id when reporting it",
        details: known?.details ?? {},
      },
      timestamp: new Date().toISOString(),
      correlation_id: correlationId,
    },
  };
}

export const errorEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
  timestamp: z.string(),
  correlation_id: z.string(),
});

export function successEnvelopeSchema(data: z.ZodType) {
  return z.object({ success: z.literal(true), data, timestamp: z.string(), correlation_id: z.string() });
}
