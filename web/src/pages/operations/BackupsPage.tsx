import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { pollUntil, useAlive } from "../../api/poll";
import { ADMIN_ONLY, hasAnyRole } from "../../auth/roles";
import { session } from "../../auth/session";
import { DataTable, type Column } from "../../ui/DataTable";
import { DownloadButton } from "../../ui/DownloadButton";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Progress } from "../../ui/Progress";

/** GET /api/v1/backups/{id} and the entries of GET /api/v1/backups. */
interface Backup {
  backupId: string;
  trigger: "manual" | "scheduled";
  status: "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED";
  progress: number;
  error: string | null;
  projectCount: number | null;
  recordCount: number | null;
  sizeBytes: number | null;
  verificationStatus: "PASSED" | "FAILED" | null;
  verifiedAt: string | null;
  createdAt: string;
  completedAt: string | null;
}

const finished = (b: Backup) => b.status === "COMPLETED" || b.status === "FAILED";

function size(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const verification = (b: Backup) =>
  b.verificationStatus ? `${b.verificationStatus} ${b.verifiedAt ? new Date(b.verifiedAt).toLocaleString() : ""}` : "—";

/** Re-reads a backup and checks every part's SHA-256, rows and columns now (POST .../verify). */
function VerifyButton({ backup, onVerified }: { backup: Backup; onVerified: (b: Backup) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function verify() {
    setBusy(true);
    setError(null);
    try {
      onVerified(await api<Backup>(`/v1/backups/${backup.backupId}/verify`, { method: "POST" }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button
        type="button"
        disabled={busy}
        aria-label={`Verify the backup of ${new Date(backup.createdAt).toLocaleString()}`}
        onClick={() => void verify()}
      >
        {busy ? "Verifying…" : "Verify"}
      </button>
      <ErrorBanner error={error} />
    </>
  );
}

/** Backups of projects, WBS, billing entries and the audit log (seed 001): list, start one, see it finish. */
export function BackupsPage() {
  const [backups, setBackups] = useState<Backup[] | null>(null);
  const [current, setCurrent] = useState<Backup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const alive = useAlive();
  const isAdmin = hasAnyRole(session.me()?.roles ?? [], ADMIN_ONLY);

  const refresh = () =>
    api<{ items: Backup[] }>("/v1/backups?pageSize=50").then(
      (page) => alive() && setBackups(page.items),
      (err: unknown) => alive() && setError(err),
    );
  useEffect(() => void refresh(), []);
  const replace = (backup: Backup) =>
    setBackups((list) => list?.map((b) => (b.backupId === backup.backupId ? backup : b)) ?? null);

  async function start() {
    setBusy(true);
    setError(null);
    setCurrent(null);
    try {
      const queued = await api<{ backupId: string }>("/v1/backups/trigger", { method: "POST", body: {} });
      await pollUntil(() => api<Backup>(`/v1/backups/${queued.backupId}`), finished, {
        onUpdate: (backup) => alive() && setCurrent(backup),
        alive,
      });
      await refresh();
    } catch (err) {
      if (alive()) setError(err);
    } finally {
      if (alive()) setBusy(false);
    }
  }

  const columns: Column<Backup>[] = [
    { key: "created", label: "Started", render: (b) => new Date(b.createdAt).toLocaleString() },
    { key: "trigger", label: "Trigger", render: (b) => b.trigger },
    { key: "status", label: "Status", render: (b) => (b.error ? `${b.status}: ${b.error}` : b.status) },
    {
      key: "contents",
      label: "Contents",
      render: (b) => (b.projectCount === null ? "—" : `${b.projectCount} projects, ${b.recordCount ?? 0} records`),
    },
    { key: "size", label: "Size", numeric: true, render: (b) => size(b.sizeBytes) },
    {
      key: "verified",
      label: "Last verification",
      render: (b) => (
        <>
          <div>{verification(b)}</div>
          {b.status === "COMPLETED" && <VerifyButton backup={b} onVerified={replace} />}
        </>
      ),
    },
  ];
  // The restore drill's download is for admins only (GET /api/v1/backups/{id}/download).
  if (isAdmin)
    columns.push({
      key: "download",
      label: "File",
      render: (b) =>
        b.status === "COMPLETED" ? (
          <DownloadButton
            path={`/v1/backups/${b.backupId}/download`}
            fileName={`backup-${b.backupId.slice(0, 8)}.tar`}
            label="Download"
            description={`Download the backup of ${new Date(b.createdAt).toLocaleString()}`}
          />
        ) : (
          "—"
        ),
    });

  return (
    <section>
      <h1>Backups</h1>
      <button type="button" disabled={busy} onClick={() => void start()}>
        Start a manual backup
      </button>
      <ErrorBanner error={error} />
      {current && (
        <div role="region" aria-label="Started backup">
          <h2>
            Backup {current.backupId.slice(0, 8)}: {current.status}
          </h2>
          {!finished(current) && <Progress label="Backup progress" value={current.progress} max={100} />}
          {current.status === "COMPLETED" && (
            <p>
              {current.projectCount ?? 0} projects, {current.recordCount ?? 0} records, {size(current.sizeBytes)}.
            </p>
          )}
          {current.error && <p class="warning">{current.error}</p>}
        </div>
      )}
      {!backups && !error && <p role="status">Loading backups…</p>}
      {backups && <DataTable caption="Backups, newest first" columns={columns} rows={backups} />}
    </section>
  );
}
