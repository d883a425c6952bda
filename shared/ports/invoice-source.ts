/**
 * The system invoices come from (the seed's "Java backend": a paginated list of UBL
 * documents since a watermark). A simulator serves the same protocol locally.
 */

/** One UBL document as the source holds it. */
export interface SourceInvoice {
  /** The source's own id of this document (a transport id: a resend may carry a new one). */
  readonly sourceId: string;
  /** When the source recorded it (ISO 8601, UTC); the watermark advances over it. */
  readonly receivedAt: string;
  /** The file name the source gives, when it gives one. */
  readonly fileName: string | null;
  /** The UBL document's bytes, exactly as the source sent them. */
  readonly content: Uint8Array;
}

export interface SourcePage {
  /** Oldest first (receivedAt, then sourceId). */
  readonly invoices: readonly SourceInvoice[];
  /** Pass back for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface InvoiceSource {
  /**
   * Documents recorded at or after `since` (inclusive, so documents sharing the watermark's
   * instant are not missed; the caller drops the ones it already holds by sourceId), one
   * page at a time. `since` null lists from the beginning.
   */
  listSince(since: string | null, cursor: string | null, pageSize: number): Promise<SourcePage>;
  ping(): Promise<void>;
}

/** The source could not be read now (network, timeout, 429, 5xx): the job retries the listing later. */
export class InvoiceSourceUnavailableError extends Error {
  constructor(
    message: string,
    readonly apiEndpoint: string,
    readonly statusCode: number | undefined,
    /** What the source asked for with Retry-After (429/503), when it did. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "InvoiceSourceUnavailableError";
  }
}

/**
 * The source refused us or answered outside its protocol (401/403: a wrong or missing key;
 * another 4xx; an answer too large or not the documented shape): retrying will not help
 * until someone changes a setting, a secret or the source.
 */
export class InvoiceSourceRefusedError extends Error {
  constructor(
    message: string,
    readonly apiEndpoint: string,
    readonly statusCode: number | undefined,
    readonly reason: "auth" | "protocol",
  ) {
    super(message);
    this.name = "InvoiceSourceRefusedError";
  }
}
