/**
 * The accountant's platform invoices are forwarded to (Clearfacts in production, a
 * simulator locally). One upload per call; retries, backoff and the idempotency record
 * belong to the job that calls it.
 */

/** Which book the accountant files the document in. */
export type InvoiceType = "PURCHASE" | "SALE";

export interface UploadRequest {
  /** The administration (company) the document belongs to, e.g. `BE0123456749`. */
  readonly vatNumber: string;
  /** Name the accountant sees; also the key a lost answer is reconciled by, so keep it stable per invoice. */
  readonly fileName: string;
  readonly invoiceType: InvoiceType;
  /** Our idempotency record's key, for logs and correlation (Clearfacts itself has no such header). */
  readonly idempotencyKey: string;
}

export interface UploadDocument {
  readonly content: Uint8Array;
  /** e.g. `application/xml` for a UBL document. */
  readonly contentType: string;
}

/** What the platform answered for an accepted upload. */
export interface UploadReceipt {
  readonly uuid: string;
  readonly amountOfPages: number;
}

/**
 * What is known of an upload whose answer was lost: it is there, it is not, or the
 * platform cannot be asked (then a person decides; never re-send blindly).
 */
export type UploadLookup =
  | { readonly status: "found"; readonly receipt: UploadReceipt }
  | { readonly status: "absent" }
  | { readonly status: "unknown"; readonly reason: string };

export interface AccountingPlatform {
  upload(document: UploadDocument, request: UploadRequest): Promise<UploadReceipt>;
  findUpload(ref: { readonly vatNumber: string; readonly fileName: string }): Promise<UploadLookup>;
}

/** What the later job needs for the seed's EXTERNAL_API_ERROR details. */
interface PlatformErrorDetails {
  readonly apiEndpoint: string;
  /** HTTP status, or undefined when no answer came (timeout, network). */
  readonly statusCode: number | undefined;
}

/**
 * Worth another attempt later. `outcome` says whether the platform may have kept the
 * document: "not-accepted" (it answered with a refusal such as 429 or 5xx, safe to
 * re-send) or "unknown" (no answer came: reconcile with findUpload before re-sending).
 */
export class RetryableUploadError extends Error implements PlatformErrorDetails {
  constructor(
    message: string,
    readonly apiEndpoint: string,
    readonly statusCode: number | undefined,
    readonly outcome: "not-accepted" | "unknown",
    /** The platform's Retry-After, in seconds, when it gave one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "RetryableUploadError";
  }
}

/** Will not succeed by repeating it: validation refused, or credentials rejected (`auth`). */
export class PermanentUploadError extends Error implements PlatformErrorDetails {
  constructor(
    message: string,
    readonly apiEndpoint: string,
    readonly statusCode: number | undefined,
    readonly reason: "rejected" | "auth",
  ) {
    super(message);
    this.name = "PermanentUploadError";
  }
}
