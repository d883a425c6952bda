import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { hasAnyRole, FINANCE_WRITERS } from "../../auth/roles";
import { session } from "../../auth/session";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Progress } from "../../ui/Progress";
import { navigate } from "../../router";
import { RECEIVED_INVOICES_PATH } from "./ReceivedInvoicesPage";

/** GET /api/v1/invoices/jobs/{jobId}: the seed's job status shape. */
interface Job {
  job_id: string;
  job_type: string;
  status: "pending" | "running" | "completed" | "failed";
  created_at: string;
  duration_seconds: number | null;
  results: { total_invoices: number; processed: number; failed: number; duplicates: number; held: number };
  progress: { done: number; total: number };
  error_message: string | null;
  errors?: { invoice_id: string; invoice_ref: string | null; code: string; error: string }[];
}

interface Invoice {
  id: string;
  invoice_id: string;
  status: string;
  seller: string | null;
  payable_amount: string | null;
  currency: string | null;
  error: { code: string; message: string | null } | null;
}

interface Page<T> {
  items: T[];
}

/** How many recent jobs are listed (paged in the table like the other list pages). */
const RECENT_JOBS = 50;

const invoiceColumns: readonly Column<Invoice>[] = [
  {
    key: "invoice",
    label: "Invoice",
    render: (i) => (
      <a
        href={`${RECEIVED_INVOICES_PATH}?id=${i.id}`}
        onClick={(e) => {
          e.preventDefault();
          navigate(`${RECEIVED_INVOICES_PATH}?id=${i.id}`);
        }}
      >
        {i.invoice_id}
      </a>
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
  {
    key: "problem",
    label: "Problem",
    render: (i) => (i.error ? `${i.error.code}${i.error.message ? `: ${i.error.message}` : ""}` : ""),
  },
];

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const finished = (job: Job) => job.status === "completed" || job.status === "failed";

/** Invoice forwarding jobs (seed 002): start a manual run, watch it, see each invoice's outcome. */
export function InvoiceJobsPage() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [current, setCurrent] = useState<Job | null>(null);
  const [invoices, setInvoices] = useState<Invoice[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const canStart = hasAnyRole(session.me()?.roles ?? [], FINANCE_WRITERS);

  const refresh = () =>
    api<Page<Job>>(`/v1/invoices/jobs?page_size=${RECENT_JOBS}`).then((p) => setJobs(p.items), setError);

  const jobColumns: readonly Column<Job>[] = [
    {
      key: "job",
      label: "Job",
      render: (j) => (
        <button type="button" class="link" onClick={() => void open(j.job_id)}>
          {j.job_id.slice(0, 8)}
        </button>
      ),
    },
    { key: "type", label: "Type", render: (j) => j.job_type },
    { key: "status", label: "Status", render: (j) => j.status },
    { key: "started", label: "Started", render: (j) => new Date(j.created_at).toLocaleString() },
    { key: "invoices", label: "Invoices", numeric: true, render: (j) => j.results.total_invoices },
  ];
  useEffect(() => void refresh(), []);

  async function open(jobId: string) {
    setError(null);
    try {
      let job = await api<Job>(`/v1/invoices/jobs/${jobId}`);
      setCurrent(job);
      while (!finished(job)) {
        await wait(500);
        job = await api<Job>(`/v1/invoices/jobs/${jobId}`);
        setCurrent(job);
      }
      setInvoices((await api<Page<Invoice>>(`/v1/invoices?job_id=${jobId}&page_size=100`)).items);
      await refresh();
    } catch (err) {
      setError(err);
    }
  }

  async function start() {
    setRunning(true);
    setError(null);
    setInvoices([]);
    try {
      const started = await api<{ job_id: string }>("/v1/invoices/process", { method: "POST", body: {} });
      await open(started.job_id);
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  }

  return (
    <section>
      <h1>Invoice jobs</h1>
      {canStart && (
        <button type="button" disabled={running} onClick={() => void start()}>
          Start a manual run
        </button>
      )}
      <ErrorBanner error={error} />
      {current && (
        <div role="region" aria-label="Selected job">
          <h2>
            Job {current.job_id.slice(0, 8)}: {current.status}
          </h2>
          {!finished(current) && (
            <Progress
              label="Invoices forwarded"
              value={current.progress.done}
              max={Math.max(1, current.progress.total)}
            />
          )}
          <p>
            {current.results.total_invoices} invoices: {current.results.processed} sent, {current.results.failed}{" "}
            failed, {current.results.duplicates} duplicates, {current.results.held} held
            {current.duration_seconds !== null && ` · ${current.duration_seconds} s`}
          </p>
          {current.error_message && <p class="warning">{current.error_message}</p>}
          {invoices.length > 0 && <DataTable caption="Invoices of the job" columns={invoiceColumns} rows={invoices} />}
        </div>
      )}
      <DataTable caption="Recent jobs, newest first" columns={jobColumns} rows={jobs} />
    </section>
  );
}
