import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Select } from "../../ui/Field";
import { InvoiceDetail } from "./InvoiceDetail";

/** One entry of GET /api/v1/invoices (newest first). */
interface InvoiceRow {
  id: string;
  invoice_id: string;
  status: string;
  seller: string | null;
  payable_amount: string | null;
  currency: string | null;
  received_at: string;
  error: { code: string; message: string | null } | null;
}

const STATUSES = ["", "pending", "sent", "failed", "duplicate", "held"] as const;
export const RECEIVED_INVOICES_PATH = "/operations/received-invoices";

/** The invoice a link opened (`?id=`), so an invoice can be linked to from the jobs page. */
const linkedId = () => new URLSearchParams(location.search).get("id");

/** Received invoices (seed 002's admin view): filter by status, open one for its report and replay. */
export function ReceivedInvoicesPage() {
  const [status, setStatus] = useState("");
  const [rows, setRows] = useState<InvoiceRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(linkedId());

  useEffect(() => {
    setRows(null);
    setError(null);
    const filter = status ? `&status=${status}` : "";
    api<{ items: InvoiceRow[] }>(`/v1/invoices?page_size=100${filter}`).then((p) => setRows(p.items), setError);
  }, [status]);

  function open(id: string) {
    setSelected(id);
    // The address names the open invoice, so it can be bookmarked or shared.
    history.replaceState(null, "", `${RECEIVED_INVOICES_PATH}?id=${encodeURIComponent(id)}`);
  }

  const columns: readonly Column<InvoiceRow>[] = [
    {
      key: "invoice",
      label: "Invoice",
      render: (i) => (
        <button
          type="button"
          class="link nowrap"
          aria-label={`Open invoice ${i.invoice_id}`}
          onClick={() => open(i.id)}
        >
          {i.invoice_id}
        </button>
      ),
    },
    { key: "seller", label: "Seller", render: (i) => i.seller ?? "—" },
    {
      key: "amount",
      label: "Amount",
      numeric: true,
      render: (i) => (i.payable_amount ? `${i.payable_amount} ${i.currency ?? ""}` : "—"),
    },
    { key: "status", label: "Status", render: (i) => i.status },
    { key: "received", label: "Received", render: (i) => new Date(i.received_at).toLocaleString() },
    { key: "problem", label: "Problem", render: (i) => (i.error ? i.error.code : "") },
  ];

  return (
    <section>
      <h1>Received invoices</h1>
      {selected && <InvoiceDetail invoiceId={selected} />}
      <h2>All received invoices</h2>
      <div class="filters">
        <Select
          name="invoice-status"
          label="Status"
          value={status}
          options={STATUSES.map((s) => ({ value: s, label: s || "Any status" }))}
          onChange={setStatus}
        />
      </div>
      <ErrorBanner error={error} />
      {!rows && !error && <p role="status">Loading invoices…</p>}
      {rows && <DataTable caption="Received invoices, newest first" columns={columns} rows={rows} />}
    </section>
  );
}
