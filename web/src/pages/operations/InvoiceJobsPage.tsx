import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { hasAnyRole, FINANCE_WRITERS } from "../../auth/roles";
import { session } from "../../auth/session";
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

  const refresh = () => api<Page<Job>>("/v1/invoices/jobs?page_size=10").then((p) => setJobs(p.items), setError);
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
          {invoices.length > 0 && (
            <table aria-label="Invoices of the job">
              <thead>
                <tr>
                  <th scope="col">Invoice</th>
                  <th scope="col">Seller</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {invoices.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <a
                        href={`${RECEIVED_INVOICES_PATH}?id=${i.id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(`${RECEIVED_INVOICES_PATH}?id=${i.id}`);
                        }}
                      >
                        {i.invoice_id}
                      </a>
                    </td>
                    <td>{i.seller ?? "—"}</td>
                    <td class="numeric">{i.payable_amount ? `${i.payable_amount} ${i.currency ?? ""}` : "—"}</td>
                    <td>{i.status}</td>
                    <td>{i.error ? `${i.error.code}${i.error.message ? `: ${i.error.message}` : ""}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <table aria-label="Recent jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Invoices</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.job_id}>
              <td>
                <button type="button" class="link" onClick={() => void open(j.job_id)}>
                  {j.job_id.slice(0, 8)}
                </button>
              </td>
              <td>{j.job_type}</td>
              <td>{j.status}</td>
              <td>{new Date(j.created_at).toLocaleString()}</td>
              <td>{j.results.total_invoices}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
