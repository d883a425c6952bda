import { z } from "zod";
import { isRetriableStatus, retryAfterMs } from "../../foundation/partner-http.js";
import {
  InvoiceSourceRefusedError,
  InvoiceSourceUnavailableError,
  type InvoiceSource,
  type SourceInvoice,
  type SourcePage,
} from "../../ports/invoice-source.js";
import type { SecretStore } from "../../ports/secret-store.js";

/** The Key Vault secret holding the source system's bearer key. */
export const INVOICE_SOURCE_API_KEY_SECRET = "invoice-source-api-key";

/** Largest list answer read (a page of UBL documents as JSON text); more is refused, not parsed. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface InvoiceSourceClientOptions {
  /** INVOICE_SOURCE_API_URL: the list is `{baseUrl}/invoices`. */
  readonly baseUrl: string;
  /** One call's budget; the job retries the listing. */
  readonly timeoutMs: number;
  /** The bearer key, read per call so a rotated secret applies. */
  readonly apiKey: () => Promise<string | undefined>;
  readonly maxResponseBytes?: number;
  /** Told of every call (HTTP status, or "timeout" / "network"), for external_api_call metrics. */
  readonly onCall?: (status: string, seconds: number) => void;
}

/** The bearer key from the secret store (INVOICE_SOURCE_API_KEY locally). */
export function apiKeyFromSecrets(secrets: SecretStore, secretName = INVOICE_SOURCE_API_KEY_SECRET) {
  return () => secrets.findSecret(secretName);
}

const pageSchema = z.object({
  invoices: z.array(
    z.object({
      id: z.string().min(1).max(200),
      received_at: z.iso.datetime({ offset: true }),
      file_name: z.string().max(500).nullable().optional(),
      ubl: z.string().min(1),
    }),
  ),
  next_cursor: z.string().min(1).max(2000).nullable(),
});

/**
 * The real adapter of the invoice source system (protocol in docs/systems/invoices.md):
 * one GET per page with a timeout and a size cap, the answer checked before use. It never
 * retries; its errors say whether a later retry may help.
 */
export class InvoiceSourceClient implements InvoiceSource {
  readonly #endpoint: string;

  constructor(private readonly options: InvoiceSourceClientOptions) {
    this.#endpoint = `${options.baseUrl.replace(/\/+$/, "")}/invoices`;
  }

  async listSince(since: string | null, cursor: string | null, pageSize: number): Promise<SourcePage> {
    const url = new URL(this.#endpoint);
    if (since !== null) url.searchParams.set("since", since);
    if (cursor !== null) url.searchParams.set("cursor", cursor);
    url.searchParams.set("limit", String(pageSize));
    const text = await this.#get(url);
    let parsed: z.infer<typeof pageSchema>;
    try {
      parsed = pageSchema.parse(JSON.parse(text));
    } catch (error) {
      const why = error instanceof z.ZodError ? z.prettifyError(error) : "not JSON";
      throw new InvoiceSourceRefusedError(
        `the invoice source answered outside its protocol: ${why}`,
        this.#endpoint,
        200,
        "protocol",
      );
    }
    const encoder = new TextEncoder();
    const invoices = parsed.invoices.map((i): SourceInvoice => ({
      sourceId: i.id,
      // Normalised to UTC milliseconds: never later than the source's instant, so the
      // inclusive watermark still finds it.
      receivedAt: new Date(i.received_at).toISOString(),
      fileName: i.file_name ?? null,
      content: encoder.encode(i.ubl),
    }));
    return { invoices, nextCursor: parsed.next_cursor };
  }

  /** One tiny list call (from now, one document): proves the address and the key. */
  async ping(): Promise<void> {
    await this.listSince(new Date().toISOString(), null, 1);
  }

  async #get(url: URL): Promise<string> {
    const key = await this.options.apiKey();
    if (!key)
      throw new InvoiceSourceRefusedError(
        `secret ${INVOICE_SOURCE_API_KEY_SECRET} is not set`,
        this.#endpoint,
        undefined,
        "auth",
      );
    const started = performance.now();
    const observe = (status: string) => this.options.onCall?.(status, (performance.now() - started) / 1000);
    let response: Response;
    let body: Uint8Array | undefined;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${key}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = await readCapped(response, this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      observe(timedOut ? "timeout" : "network");
      throw new InvoiceSourceUnavailableError(
        timedOut ? `no answer within ${this.options.timeoutMs} ms` : `network error: ${(error as Error).message}`,
        this.#endpoint,
        undefined,
      );
    }
    const status = response.status;
    observe(String(status));
    const text = body === undefined ? undefined : decodeUtf8(body);
    const brief = (text ?? "").trim().slice(0, 200);
    const said = `the invoice source answered ${status}${brief ? `: ${brief}` : ""}`;
    if (status === 401 || status === 403)
      throw new InvoiceSourceRefusedError(
        `the invoice source refused the API key (${status})`,
        this.#endpoint,
        status,
        "auth",
      );
    if (isRetriableStatus(status)) {
      const asked = retryAfterMs(response.headers.get("retry-after"));
      throw new InvoiceSourceUnavailableError(
        said,
        this.#endpoint,
        status,
        asked === undefined ? undefined : Math.ceil(asked / 1000),
      );
    }
    if (status < 200 || status >= 300) throw new InvoiceSourceRefusedError(said, this.#endpoint, status, "protocol");
    if (text === undefined)
      throw new InvoiceSourceRefusedError(
        `the invoice source's answer is larger than ${this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES} bytes (ask for smaller pages: INVOICE_SOURCE_PAGE_SIZE)`,
        this.#endpoint,
        status,
        "protocol",
      );
    if (text === null)
      throw new InvoiceSourceRefusedError(
        "the invoice source's answer is not UTF-8",
        this.#endpoint,
        status,
        "protocol",
      );
    return text;
  }
}

/** Strict UTF-8 (null when invalid): a replaced byte would silently change a UBL document. */
function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The body's bytes, or undefined (and the stream cancelled) once it passes `cap` bytes. */
async function readCapped(response: Response, cap: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}
