import { PartnerCredentials, isRetriableStatus, retryAfterMs } from "../../foundation/partner-http.js";
import {
  PermanentUploadError,
  RetryableUploadError,
  type AccountingPlatform,
  type UploadDocument,
  type UploadLookup,
  type UploadReceipt,
  type UploadRequest,
} from "../../ports/accounting-platform.js";
import type { SecretStore } from "../../ports/secret-store.js";

/** Clearfacts' one GraphQL endpoint. */
export const CLEARFACTS_API_URL = "https://api.clearfacts.be/graphql";

/** The documented upload mutation; the file travels as the multipart part `file`. */
export const UPLOAD_FILE_MUTATION =
  "mutation upload($vatnumber: String!, $filename: String!, $invoicetype: InvoiceTypeArgument!) " +
  "{ uploadFile(vatnumber: $vatnumber, filename: $filename, invoicetype: $invoicetype) { uuid amountOfPages } }";

/** Clearfacts personal access tokens are exactly 80 ASCII characters. */
export const PERSONAL_ACCESS_TOKEN_LENGTH = 80;

export interface ClearfactsClientOptions {
  /** The GraphQL endpoint; CLEARFACTS_API_URL in production, the simulator locally. */
  readonly url: string;
  /** One attempt's budget; the job retries. */
  readonly timeoutMs: number;
  /** The `authorization` header value, read per call so a rotated secret applies. */
  readonly authorization: () => Promise<string>;
  /** Called when Clearfacts refuses the credentials (drops a cached OIDC token). */
  readonly onUnauthorized?: () => void;
  /**
   * How to learn whether a document whose answer was lost arrived. Clearfacts' public API
   * documents no query for uploaded files, so in Azure this is absent and the answer is
   * "unknown"; locally the simulator's record answers.
   */
  readonly lookup?: (ref: { vatNumber: string; fileName: string }) => Promise<UploadLookup>;
}

/** Bearer header from a personal access token kept in the secret store. */
export function personalAccessToken(secrets: SecretStore, secretName: string): () => Promise<string> {
  return async () => {
    const token = await secrets.findSecret(secretName);
    if (!token) throw new PermanentUploadError(`secret ${secretName} is not set`, "", undefined, "auth");
    if (token.length !== PERSONAL_ACCESS_TOKEN_LENGTH)
      throw new PermanentUploadError(
        `secret ${secretName} is not a Clearfacts personal access token (${PERSONAL_ACCESS_TOKEN_LENGTH} characters)`,
        "",
        undefined,
        "auth",
      );
    return `Bearer ${token}`;
  };
}

/** Bearer header from OIDC client credentials (tokens cached until a minute before expiry). */
export function oidcClientCredentials(credentials: PartnerCredentials): () => Promise<string> {
  return async () => (await credentials.headers()).authorization ?? "";
}

/**
 * The real Clearfacts adapter: one `uploadFile` mutation per call, sent as multipart form
 * data (`query`, `variables`, `file`) with a per-attempt timeout. It never retries; its
 * errors say whether a retry is worth it and whether the document may already be there.
 */
export class ClearfactsClient implements AccountingPlatform {
  constructor(private readonly options: ClearfactsClientOptions) {}

  async upload(document: UploadDocument, request: UploadRequest): Promise<UploadReceipt> {
    const { url } = this.options;
    const form = new FormData();
    form.set("query", UPLOAD_FILE_MUTATION);
    form.set(
      "variables",
      JSON.stringify({ vatnumber: request.vatNumber, filename: request.fileName, invoicetype: request.invoiceType }),
    );
    form.set("file", new Blob([Uint8Array.from(document.content)], { type: document.contentType }), request.fileName);

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { authorization: await this.options.authorization(), "x-request-id": request.idempotencyKey },
        body: form,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      if (error instanceof PermanentUploadError) throw new PermanentUploadError(error.message, url, undefined, "auth");
      // The request may have been received: only a lookup can tell.
      const timedOut = (error as Error).name === "TimeoutError";
      throw new RetryableUploadError(
        timedOut ? `no answer within ${this.options.timeoutMs} ms` : `network error: ${(error as Error).message}`,
        url,
        undefined,
        "unknown",
      );
    }
    return this.#receipt(response, text);
  }

  async findUpload(ref: { vatNumber: string; fileName: string }): Promise<UploadLookup> {
    if (this.options.lookup) return this.options.lookup(ref);
    return { status: "unknown", reason: "Clearfacts' API offers no query for uploaded files" };
  }

  #receipt(response: Response, text: string): UploadReceipt {
    const { url } = this.options;
    const status = response.status;
    const brief = text.trim().slice(0, 200);
    if (status === 401 || status === 403) {
      this.options.onUnauthorized?.();
      throw new PermanentUploadError(`Clearfacts refused the credentials (${status})`, url, status, "auth");
    }
    if (isRetriableStatus(status)) {
      const asked = retryAfterMs(response.headers.get("retry-after"));
      // A gateway's 502/504 says nothing of whether Clearfacts behind it kept the file.
      const outcome = status === 502 || status === 504 ? "unknown" : "not-accepted";
      throw new RetryableUploadError(
        `Clearfacts answered ${status}${brief ? `: ${brief}` : ""}`,
        url,
        status,
        outcome,
        asked === undefined ? undefined : Math.ceil(asked / 1000),
      );
    }
    if (status < 200 || status >= 300)
      throw new PermanentUploadError(
        `Clearfacts answered ${status}${brief ? `: ${brief}` : ""}`,
        url,
        status,
        "rejected",
      );

    let body: { data?: { uploadFile?: { uuid?: unknown; amountOfPages?: unknown } | null }; errors?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new RetryableUploadError("Clearfacts answered with unreadable JSON", url, status, "unknown");
    }
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      const messages = body.errors
        .map((e) => {
          const message = (e as { message?: unknown }).message;
          return typeof message === "string" ? message : "error";
        })
        .join("; ");
      throw new PermanentUploadError(`Clearfacts refused the upload: ${messages}`, url, status, "rejected");
    }
    const answer = body.data?.uploadFile;
    if (!answer || typeof answer.uuid !== "string" || typeof answer.amountOfPages !== "number")
      throw new RetryableUploadError("Clearfacts answered without uuid and amountOfPages", url, status, "unknown");
    return { uuid: answer.uuid, amountOfPages: answer.amountOfPages };
  }
}
