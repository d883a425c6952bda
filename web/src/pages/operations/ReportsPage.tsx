import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { pollUntil, useAlive } from "../../api/poll";
import { DataTable, type Column } from "../../ui/DataTable";
import { DownloadButton } from "../../ui/DownloadButton";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field, Select } from "../../ui/Field";
import { Progress } from "../../ui/Progress";

/** GET /api/v1/reports/{id} and the entries of GET /api/v1/reports. */
interface Report {
  reportId: string;
  status: "QUEUED" | "PROCESSING" | "COMPLETED" | "FAILED";
  progress: number;
  reportType: string;
  format: "excel" | "pdf";
  projectIds: string[];
  error: string | null;
  warnings: string[];
  rowCount: number | null;
  createdAt: string;
  completedAt: string | null;
  downloadUrl?: string;
}

const REPORT_TYPES = [
  { value: "financial_summary", label: "Financial summary" },
  { value: "project_status", label: "Project status" },
  { value: "billing_report", label: "Billing report" },
] as const;
const FORMATS = [
  { value: "excel", label: "Excel (.xlsx)" },
  { value: "pdf", label: "PDF" },
] as const;

const finished = (r: Report) => r.status === "COMPLETED" || r.status === "FAILED";
const typeLabel = (type: string) => REPORT_TYPES.find((t) => t.value === type)?.label ?? type;
const extension = (r: Report) => (r.format === "pdf" ? "pdf" : "xlsx");

function ReportDownload({ report }: { report: Report }) {
  if (!report.downloadUrl) return <>—</>;
  return (
    <DownloadButton
      path={report.downloadUrl.replace(/^\/api/, "")}
      fileName={`report-${report.reportId.slice(0, 8)}.${extension(report)}`}
      label="Download"
      description={`Download the ${typeLabel(report.reportType)} report of ${new Date(report.createdAt).toLocaleString()}`}
    />
  );
}

/** Excel and PDF reports over SAP projects (seed 001): request one, watch it, download it. */
export function ReportsPage() {
  const [projects, setProjects] = useState("");
  const [reportType, setReportType] = useState<string>("financial_summary");
  const [format, setFormat] = useState<string>("excel");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [includeResources, setIncludeResources] = useState(false);
  const [current, setCurrent] = useState<Report | null>(null);
  const [reports, setReports] = useState<Report[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const alive = useAlive();

  const refresh = () =>
    api<{ items: Report[] }>("/v1/reports?pageSize=50").then(
      (page) => alive() && setReports(page.items),
      (err: unknown) => alive() && setError(err),
    );
  useEffect(() => void refresh(), []);

  async function request(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCurrent(null);
    try {
      const projectIds = projects.split(/[\s,;]+/).filter(Boolean);
      const dateRange = start || end ? { dateRange: { start, end } } : {};
      const queued = await api<{ reportId: string }>("/v1/reports/generate", {
        method: "POST",
        body: { projectIds, reportType, options: { format, includeResources, ...dateRange } },
      });
      await pollUntil(() => api<Report>(`/v1/reports/${queued.reportId}`), finished, {
        onUpdate: (report) => alive() && setCurrent(report),
        alive,
      });
      await refresh();
    } catch (err) {
      if (alive()) setError(err);
    } finally {
      if (alive()) setBusy(false);
    }
  }

  const columns: readonly Column<Report>[] = [
    { key: "created", label: "Requested", render: (r) => new Date(r.createdAt).toLocaleString() },
    { key: "type", label: "Report", render: (r) => `${typeLabel(r.reportType)} (${r.format})` },
    { key: "projects", label: "Projects", render: (r) => r.projectIds.join(", ") },
    { key: "status", label: "Status", render: (r) => (r.error ? `${r.status}: ${r.error}` : r.status) },
    { key: "download", label: "File", render: (r) => <ReportDownload report={r} /> },
  ];

  return (
    <section>
      <h1>Reports</h1>
      <form onSubmit={(e) => void request(e)} aria-label="Request a report" class="filters">
        <Field
          name="report-projects"
          label="Project ids (comma-separated)"
          value={projects}
          required
          onInput={setProjects}
        />
        <Select name="report-type" label="Report" value={reportType} options={REPORT_TYPES} onChange={setReportType} />
        <Select name="report-format" label="Format" value={format} options={FORMATS} onChange={setFormat} />
        <Field name="report-start" label="From (optional)" type="date" value={start} onInput={setStart} />
        <Field name="report-end" label="To (optional)" type="date" value={end} onInput={setEnd} />
        <div class="field">
          <label>
            <input
              type="checkbox"
              checked={includeResources}
              onChange={(e) => setIncludeResources(e.currentTarget.checked)}
            />{" "}
            Include resources
          </label>
        </div>
        <button type="submit" disabled={busy}>
          Request the report
        </button>
      </form>
      <ErrorBanner error={error} />
      {current && (
        <div role="region" aria-label="Requested report">
          <h2>
            {typeLabel(current.reportType)} report: {current.status}
          </h2>
          {!finished(current) && <Progress label="Report progress" value={current.progress} max={100} />}
          {current.error && <p class="warning">{current.error}</p>}
          {current.warnings.length > 0 && (
            <ul aria-label="Report warnings">
              {current.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {current.status === "COMPLETED" && (
            <p>
              {current.rowCount ?? 0} projects in the report. <ReportDownload report={current} />
            </p>
          )}
        </div>
      )}
      {!reports && !error && <p role="status">Loading your reports…</p>}
      {reports && <DataTable caption="Your reports, newest first" columns={columns} rows={reports} />}
    </section>
  );
}
