/**
 * Domain errors, named by meaning. Each carries a stable code that clients and alerts
 * match on; the HTTP layer maps codes to statuses in exactly one table.
 */
export type ErrorCode =
  | "VALIDATION_ERROR"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PRECONDITION_REQUIRED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "TOO_MANY_ATTEMPTS"
  | "SERVICE_UNAVAILABLE"
  | "SAP_UNAVAILABLE"
  | "SAP_BUSY"
  | "INTERNAL_ERROR";

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
  readonly location?: "path" | "query" | "body" | "header";
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(
    readonly issues: readonly FieldIssue[],
    message = "The request is invalid",
  ) {
    super("VALIDATION_ERROR", message, { fields: issues });
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = "Authentication is required") {
    super("UNAUTHORIZED", message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You do not have the role this action requires") {
    super("FORBIDDEN", message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id?: string) {
    super("NOT_FOUND", id === undefined ? `${what} not found` : `${what} '${id}' not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("CONFLICT", message, details);
  }
}

export class PayloadTooLargeError extends DomainError {
  /** `setting`: the setting that holds the cap, named so an operator knows what to raise. */
  constructor(limitBytes: number, setting?: string) {
    super(
      "PAYLOAD_TOO_LARGE",
      `The request body is larger than ${limitBytes} bytes${setting ? ` (${setting})` : ""}`,
      setting ? { limit_bytes: limitBytes, setting } : { limit_bytes: limitBytes },
    );
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(expected: string) {
    super("UNSUPPORTED_MEDIA_TYPE", `The request body must be sent as ${expected}`, { expected });
  }
}

/** Retry-After travels with the error so the HTTP layer can set the header. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    code: "RATE_LIMITED" | "TOO_MANY_ATTEMPTS" = "RATE_LIMITED",
    message = "Too many requests; slow down",
  ) {
    super(code, message, { retry_after_seconds: retryAfterSeconds });
  }
}

/** A dependency is down or saturated; Retry-After travels with it. */
export class ServiceUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    details: Record<string, unknown> = {},
    code: "SERVICE_UNAVAILABLE" | "SAP_UNAVAILABLE" | "SAP_BUSY" = "SERVICE_UNAVAILABLE",
  ) {
    super(code, message, details);
  }
}

/** Optimistic concurrency: the caller's version (If-Match) is not the current one. */
export class PreconditionFailedError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("PRECONDITION_FAILED", message, details);
  }
}

/** A conditional write arrived without its condition (If-Match). */
export class PreconditionRequiredError extends DomainError {
  constructor(message: string) {
    super("PRECONDITION_REQUIRED", message);
  }
}

/** A message or input that will never succeed however often it is retried. */
export class NonRetriableError extends DomainError {}
