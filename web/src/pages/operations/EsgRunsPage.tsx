import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { useAlive } from "../../api/poll";
import { ADMIN_ONLY, FINANCE_WRITERS, hasAnyRole } from "../../auth/roles";
import { session } from "../../auth/session";
import { DataTable, type Column } from "../../ui/DataTable";
import { DownloadButton } from "../../ui/DownloadButton";
import { ErrorBanner } from "../../ui/ErrorBanner";

/** One entry of GET /api/v1/esg/runs (newest first). */
interface EsgRun {
  runId: string;
  runDate: string;
  trigger: "SCHEDULED" | "MANUAL_FULL" | "MANUAL_ACCOUNTS";
  status: string;
  counts: { total: number; successful: number; failed: number; partial: number; pending: number; reused: number };
  progress: number;
  startedAt: string | null;
  completedAt: string | null;
  durationSeconds: number | null;
  eta: string | null;
  etaAfterDeadline: boolean;
  error: string | null;
  fileUrl?: string;
}

const FINISHED = ["COMPLETED", "TIMED_OUT", "FAILED"];
const TRIGGERS: Record<EsgRun["trigger"], string> = {
  SCHEDULED: "Scheduled",
  MANUAL_FULL: "Manual (all accounts)",
  MANUAL_ACCOUNTS: "Manual (chosen accounts)",
};

function statusOf(run: EsgRun): string {
  if (FINISHED.includes(run.status)) return run.error ? `${run.status}: ${run.error}` : run.status;
  const eta = run.eta ? `, done about ${new Date(run.eta).toLocaleTimeString()}` : "";
  return `${run.status} ${run.progress}%${eta}${run.etaAfterDeadline ? " (after the deadline)" : ""}`;
}

/** ESG ratings runs (seed 005): status, counts, and the day's file where the API offers it. */
export function EsgRunsPage() {
  const [runs, setRuns] = useState<EsgRun[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const [accounts, setAccounts] = useState("");
  const alive = useAlive();
  const roles = session.me()?.roles ?? [];
  const canDownload = hasAnyRole(roles, FINANCE_WRITERS);

  const refresh = () =>
    api<{ items: EsgRun[] }>("/v1/esg/runs?pageSize=50").then(
      (page) => alive() && setRuns(page.items),
      (err: unknown) => alive() && setError(err),
    );
  useEffect(() => void refresh(), []);
  // While a run is under way its counts move: look again every two seconds.
  const active = runs?.some((run) => !FINISHED.includes(run.status)) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [active]);

  async function startAccountsRun(e: Event) {
    e.preventDefault();
    setStarting(true);
    setError(null);
    try {
      const accountIds = accounts.split(/[\s,;]+/).filter(Boolean);
      await api("/v1/esg/runs", { method: "POST", body: { accountIds } });
      setAccounts("");
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  }

  async function startFullRun() {
    setStarting(true);
    setError(null);
    try {
      await api("/v1/esg/runs", { method: "POST", body: {} });
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setStarting(false);
    }
  }

  const columns: Column<EsgRun>[] = [
    {
      key: "run",
      label: "Run",
      render: (r) => (
        <>
          {r.runDate}
          <div class="muted">{TRIGGERS[r.trigger]}</div>
        </>
      ),
    },
    { key: "status", label: "Status", render: statusOf },
    { key: "total", label: "Accounts", numeric: true, render: (r) => r.counts.total },
    {
      key: "results",
      label: "Results",
      render: (r) => `${r.counts.successful} successful, ${r.counts.failed} failed, ${r.counts.partial} partial`,
    },
    {
      key: "duration",
      label: "Duration",
      numeric: true,
      render: (r) => (r.durationSeconds === null ? "—" : `${Math.round(r.durationSeconds)} s`),
    },
  ];
  if (canDownload)
    columns.push({
      key: "file",
      label: "Files",
      render: (r) =>
        r.fileUrl ? (
          <span class="actions">
            <DownloadButton
              path={r.fileUrl.replace(/^\/api/, "")}
              fileName={`FirmESGRatings_${r.runDate}.csv`}
              label="Ratings"
              description={`Download the ratings file of the run of ${r.runDate}`}
            />
            <DownloadButton
              path={`${r.fileUrl.replace(/^\/api/, "")}?kind=errors`}
              fileName={`FirmESGRatings_${r.runDate}_errors.csv`}
              label="Errors"
              description={`Download the error file of the run of ${r.runDate}`}
            />
          </span>
        ) : (
          "—"
        ),
    });

  return (
    <section>
      <h1>ESG runs</h1>
      {hasAnyRole(roles, ADMIN_ONLY) && (
        <p class="operations-actions">
          <button type="button" disabled={starting} onClick={() => void startFullRun()}>
            Start today's full run
          </button>
        </p>
      )}
      {canDownload && (
        <form
          onSubmit={(e) => void startAccountsRun(e)}
          aria-label="Rate chosen accounts again"
          class="operations-actions"
        >
          <div class="field">
            <label for="esg-accounts">
              Account ids to rate again (ACC- and 7 digits, one per line or comma-separated)
            </label>
            <textarea
              id="esg-accounts"
              rows={3}
              required
              value={accounts}
              onInput={(e) => setAccounts(e.currentTarget.value)}
            />
          </div>
          <button type="submit" disabled={starting}>
            Start a run for these accounts
          </button>
        </form>
      )}
      <ErrorBanner error={error} />
      {!runs && !error && <p role="status">Loading runs…</p>}
      {runs && <DataTable caption="ESG runs, newest first" columns={columns} rows={runs} />}
    </section>
  );
}
