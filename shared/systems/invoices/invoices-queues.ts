import type { QueueDefinition } from "../../foundation/queues.js";

/** The invoices system's queues (joined into QUEUES by the root). */
export const INVOICES_QUEUES = {
  /** Other systems drop UBL documents here; each becomes a pending invoice. */
  invoicesInbound: { name: "invoices-inbound", maxDeliveryCount: 10, lockDurationSeconds: 60 },
  /** A job's first message: gather the invoices it forwards (from the source system too). */
  invoiceJobs: { name: "invoice-jobs", maxDeliveryCount: 5, lockDurationSeconds: 300 },
  /** One message per invoice to forward, so a failure retries that invoice alone. */
  invoicesForward: { name: "invoices-forward", maxDeliveryCount: 10, lockDurationSeconds: 120 },
} as const satisfies Record<string, QueueDefinition>;
