import { createHash, randomUUID } from "node:crypto";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { PayloadTooLargeError } from "../../kernel/errors.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import { readInvoice, administrationOf, type InvoiceType } from "./invoice-facts.js";
import type { InvoiceRepository, InvoiceRow } from "./invoice-repository.js";
import type { InvoiceSourceKind } from "./invoices-tables.js";

/** One document as a source hands it over. */
export interface ReceivedDocument {
  readonly content: Uint8Array;
  readonly source: InvoiceSourceKind;
  /** The source's id of this transport (source system id, queue message id, upload id). */
  readonly sourceRef: string;
  readonly fileName: string | null;
  /** When the source received it; now when it does not say. */
  readonly receivedAt?: string;
  /** The Clearfacts book; INVOICES_DEFAULT_INVOICE_TYPE when the source does not say. */
  readonly invoiceType?: InvoiceType;
}

export interface InvoiceIntakeOptions {
  readonly rows: InvoiceRepository;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly container: string;
  readonly maxBytes: number;
  readonly defaultInvoiceType: InvoiceType;
}

/**
 * Every source's way in: the original is archived (immutable, under a fresh name), the
 * document validated and its identity read, and the invoice recorded `pending` for the
 * next job. The same transport delivered twice (source and id) is one invoice; the same
 * invoice under a new transport is a new row that forwarding finds to be a duplicate.
 */
export class InvoiceIntake {
  readonly #o: InvoiceIntakeOptions;

  constructor(options: InvoiceIntakeOptions) {
    this.#o = options;
  }

  /** The recorded invoice, and whether this call recorded it (false: the transport was seen before). */
  async receive(document: ReceivedDocument, actor: Actor): Promise<{ invoice: InvoiceRow; created: boolean }> {
    if (document.content.byteLength > this.#o.maxBytes) throw new PayloadTooLargeError(this.#o.maxBytes);
    const seen = await this.#o.rows.findBySource(document.source, document.sourceRef);
    if (seen) return { invoice: seen, created: false };

    const { report, facts } = readInvoice(document.content, this.#o.maxBytes);
    const id = randomUUID();
    const now = this.#o.clock.now().toISOString();
    const invoiceType = document.invoiceType ?? this.#o.defaultInvoiceType;
    const blobName = `${now.slice(0, 10)}/${id}.xml`;
    const number = facts?.number || "(no number)";
    await this.#o.blobs.upload(this.#o.container, blobName, Buffer.from(document.content), {
      contentType: "application/xml",
      metadata: { invoice_ref: id, source: document.source },
    });
    const created = await this.#o.rows.insertInvoice({
      id,
      invoice_id: number.slice(0, 200),
      document_kind: facts?.kind ?? "unknown",
      source: document.source,
      source_ref: document.sourceRef,
      file_name: (document.fileName ?? `${safeName(number)}.xml`).slice(0, 255),
      blob_name: blobName,
      content_sha256: createHash("sha256").update(document.content).digest("hex"),
      size_bytes: document.content.byteLength,
      seller_key: facts?.sellerKey.slice(0, 200) || null,
      issue_date: facts?.issueDate.slice(0, 10) || null,
      payable_amount: facts?.payableAmount.slice(0, 40) || null,
      currency: facts?.currency.slice(0, 3) || null,
      fingerprint: facts?.fingerprint ?? null,
      number_key: facts?.numberKey ?? null,
      invoice_type: invoiceType,
      vat_number: facts ? (administrationOf(facts, invoiceType)?.slice(0, 40) ?? null) : null,
      valid: report.valid ? 1 : 0,
      validation_json: JSON.stringify(report),
      status: "pending",
      duplicate_of: null,
      error_code: null,
      error_message: null,
      clearfacts_uuid: null,
      clearfacts_response: null,
      job_id: null,
      received_at: document.receivedAt ?? now,
      processed_at: null,
      created_at: now,
      updated_at: now,
    });
    if (!created) {
      // Another delivery of the same transport won the race; its blob is the original.
      await this.#o.blobs.delete(this.#o.container, blobName).catch(() => false);
      return { invoice: (await this.#o.rows.findBySource(document.source, document.sourceRef))!, created: false };
    }
    await this.#o.audit.record(actor, {
      action: "invoice.received",
      resourceType: "invoice",
      resourceId: id,
      details: { source: document.source, source_ref: document.sourceRef, invoice_id: number, valid: report.valid },
    });
    return { invoice: (await this.#o.rows.findInvoice(id))!, created: true };
  }
}

/** A file name Clearfacts and people can read: letters, digits, dot, dash, underscore. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) || "invoice";
}
