import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { pollUntil, useAlive } from "../../api/poll";
import { ADMIN_ONLY, FINANCE_WRITERS, hasAnyRole } from "../../auth/roles";
import { session } from "../../auth/session";
import { DataTable, type Column } from "../../ui/DataTable";
import { DownloadButton } from "../../ui/DownloadButton";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Progress } from "../../ui/Progress";
import { ValidationFindings, type ValidationReport } from "./validation-report";

/** GET /api/v1/invoices/{id}: the invoice, its validation report and every forwarding attempt. */
interface InvoiceDetailView {
  id: string;
  invoice_id: string;
  status: string;
  source: string;
  file_name: string;
  seller: string | null;
  issue_date: string | null;
  payable_amount: string | null;
  currency: string | null;
  invoice_type: string;
  vat_number: string | null;
  duplicate_of: string | null;
  error: { code: string; message: string | null } | null;
  clearfacts_uuid: string | null;
  received_at: string;
  processed_at: string | null;
  validation: ValidationReport;
  forwarding_attempts: Attempt[];
}

interface Attempt {
  upload_id: string;
  job_id: string;
  attempt: number;
  forced: boolean;
  state: string;
  status_code: number | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** The replay job (GET /api/v1/invoices/jobs/{jobId}), as far as this page shows it. */
interface ReplayJob {
  job_id: string;
  status: "pending" | "running" | "completed" | "failed";
  results: { total_invoices: number; processed: number; failed: number; duplicates: number; held: number };
  error_message: string | null;
  errors?: { code: string; error: string }[];
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

const attemptColumns: readonly Column<Attempt>[] = [
  // Attempts count within their job: a replay or a forced run starts again at 1 in a new job.
  { key: "job", label: "Job", render: (a) => <code title={a.job_id}>{a.job_id.slice(0, 8)}</code> },
  { key: "attempt", label: "Try in job", numeric: true, render: (a) => a.attempt },
  { key: "started", label: "Started", render: (a) => when(a.started_at) },
  { key: "state", label: "Outcome", render: (a) => a.state },
  { key: "forced", label: "Forced", render: (a) => (a.forced ? "yes (replay or forced run)" : "no") },
  { key: "code", label: "HTTP", numeric: true, render: (a) => a.status_code ?? "—" },
  { key: "error", label: "Problem", render: (a) => a.error ?? "" },
];

function replayOutcome(job: ReplayJob): string {
  const r = job.results;
  if (job.status === "failed") return `Replay failed: ${job.error_message ?? "see the job"}`;
  if (r.processed > 0) return "Replay completed: the invoice was sent to Clearfacts again.";
  if (r.held > 0) return "Replay completed: Clearfacts' answer was lost; the invoice is held for a check.";
  if (r.duplicates > 0) return "Replay completed: Clearfacts already had this invoice.";
  const problem = job.errors?.[0];
  return `Replay completed, not sent${problem ? `: ${problem.code} ${problem.error}` : ""}.`;
}

/** One received invoice: facts, validation findings, forwarding attempts, its original, a replay. */
export function InvoiceDetail({ invoiceId }: { invoiceId: string }) {
  const [invoice, setInvoice] = useState<InvoiceDetailView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [replay, setReplay] = useState<ReplayJob | null>(null);
  const [replaying, setReplaying] = useState(false);
  const alive = useAlive();
  const heading = useRef<HTMLHeadingElement>(null);
  const roles = session.me()?.roles ?? [];

  const load = () => api<InvoiceDetailView>(`/v1/invoices/${encodeURIComponent(invoiceId)}`);
  useEffect(() => {
    setInvoice(null);
    setReplay(null);
    setError(null);
    load().then(
      (value) => alive() && setInvoice(value),
      (err: unknown) => alive() && setError(err),
    );
  }, [invoiceId]);
  // Opened from a list further down: focus (and so scroll to) the invoice, for keyboard users too.
  const shownId = invoice?.id;
  useEffect(() => {
    if (shownId) heading.current?.focus();
  }, [shownId]);

  async function startReplay() {
    if (!confirm("Send this invoice to Clearfacts again from its archived original?")) return;
    setReplaying(true);
    setError(null);
    setReplay(null);
    try {
      const started = await api<{ job_id: string }>(`/v1/invoices/${encodeURIComponent(invoiceId)}/replay`, {
        method: "POST",
      });
      await pollUntil(
        () => api<ReplayJob>(`/v1/invoices/jobs/${started.job_id}`),
        (job) => job.status === "completed" || job.status === "failed",
        { onUpdate: (job) => alive() && setReplay(job), alive },
      );
      if (alive()) setInvoice(await load());
    } catch (err) {
      if (alive()) setError(err);
    } finally {
      if (alive()) setReplaying(false);
    }
  }

  if (!invoice) {
    return (
      <div role="region" aria-label="Invoice">
        <ErrorBanner error={error} />
        {!error && <p role="status">Loading the invoice…</p>}
      </div>
    );
  }
  const replayDone = replay && (replay.status === "completed" || replay.status === "failed");
  return (
    <div role="region" aria-label="Invoice" class="invoice-detail">
      <h2 ref={heading} tabIndex={-1}>
        Invoice {invoice.invoice_id}: {invoice.status}
      </h2>
      <dl class="facts">
        <dt>Seller</dt>
        <dd>{invoice.seller ?? "—"}</dd>
        <dt>Amount payable</dt>
        <dd>{invoice.payable_amount ? `${invoice.payable_amount} ${invoice.currency ?? ""}` : "—"}</dd>
        <dt>Issued</dt>
        <dd>{invoice.issue_date ?? "—"}</dd>
        <dt>Type</dt>
        <dd>{invoice.invoice_type}</dd>
        <dt>Received</dt>
        <dd>
          {when(invoice.received_at)} ({invoice.source}, {invoice.file_name})
        </dd>
        <dt>Processed</dt>
        <dd>{when(invoice.processed_at)}</dd>
        {invoice.clearfacts_uuid && (
          <>
            <dt>Clearfacts id</dt>
            <dd>{invoice.clearfacts_uuid}</dd>
          </>
        )}
        {invoice.duplicate_of && (
          <>
            <dt>Duplicate of</dt>
            <dd>{invoice.duplicate_of}</dd>
          </>
        )}
      </dl>
      {invoice.error && (
        <p class="warning">
          {invoice.error.code}
          {invoice.error.message ? `: ${invoice.error.message}` : ""}
        </p>
      )}
      <div class="actions">
        {hasAnyRole(roles, FINANCE_WRITERS) && (
          <DownloadButton
            path={`/v1/invoices/${invoice.id}/ubl`}
            fileName={invoice.file_name}
            label="Download the original UBL"
          />
        )}
        {hasAnyRole(roles, ADMIN_ONLY) && (
          <button type="button" disabled={replaying} onClick={() => void startReplay()}>
            Replay to Clearfacts
          </button>
        )}
      </div>
      <ErrorBanner error={error} />
      {replay && !replayDone && <Progress label="Replaying the invoice" />}
      {replay && replayDone && (
        <p role="status" class="replay-result">
          {replayOutcome(replay)}
        </p>
      )}
      <h3>Validation</h3>
      <ValidationFindings report={invoice.validation} label="Validation report" level={4} />
      <DataTable caption="Forwarding attempts" columns={attemptColumns} rows={invoice.forwarding_attempts} />
    </div>
  );
}
