import { useState } from "preact/hooks";
import { api, ApiError } from "../../api/client";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field, Select } from "../../ui/Field";
import { Progress } from "../../ui/Progress";

/** The budget import's target fields (the API's BUDGET_TARGETS), and leaving a column out. */
const TARGETS = [
  { value: "", label: "(not imported)" },
  { value: "department", label: "Department" },
  { value: "subCategory", label: "Sub-category" },
  { value: "fiscalPeriod", label: "Fiscal period" },
  { value: "budgetedAmount", label: "Budgeted amount" },
  { value: "currency", label: "Currency" },
  { value: "costCenter", label: "Cost center" },
];

interface ProposedMapping {
  sourceColumn: string;
  targetField: string;
  confidence: number;
  reason: string;
}

interface Analysis {
  fileId: string | null;
  fileName: string;
  totalRows: number;
  headers: string[];
  sampleRows: string[][];
  mappings: ProposedMapping[];
  missingRequired: string[];
  learnedFrom: string | null;
  fileTypeDetection: { likelyFileType: string; confidence: number; warnings: string[] };
  canProceed: boolean;
  duplicateOf: { importId: string; fileName: string } | null;
  purged: boolean;
}

interface ImportView {
  importId: string;
  status: "queued" | "processing" | "dry_run" | "awaiting_approval" | "completed" | "failed";
  imported: number;
  stats: { totalRows: number; successRows: number; errorRows: number };
  errors: { rowNumber: number; column: string; value: string; message: string }[];
  progress: { rowsRead: number; totalRows: number | null; percent: number | null };
  statusUrl: string;
}

interface DiffLine {
  department: string;
  subCategory: string;
  fiscalPeriod: string;
  costCenter: string;
  currency: string;
  amount: string;
}

interface Diff {
  added: DiffLine[];
  changed: (DiffLine & { oldAmount: string })[];
  removed: DiffLine[];
  unchanged: number;
}

const errorColumns: readonly Column<ImportView["errors"][number]>[] = [
  { key: "row", label: "Row", numeric: true, render: (e) => e.rowNumber },
  { key: "column", label: "Column", render: (e) => e.column },
  { key: "value", label: "Value", render: (e) => e.value },
  { key: "problem", label: "Problem", render: (e) => e.message },
];

const changedColumns: readonly Column<Diff["changed"][number]>[] = [
  {
    key: "line",
    label: "Line",
    render: (l) => `${l.department} · ${l.subCategory} · ${l.fiscalPeriod}${l.costCenter ? ` · ${l.costCenter}` : ""}`,
  },
  { key: "was", label: "Was", numeric: true, render: (l) => `${l.oldAmount} ${l.currency}` },
  { key: "becomes", label: "Becomes", numeric: true, render: (l) => `${l.amount} ${l.currency}` },
];

const pct = (confidence: number) => `${Math.round(confidence * 100)}%`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The visual column mapper (seed 004): analyze a file, review and change each proposed
 * mapping, preview rows, import (queued imports show their progress), review a re-import's
 * diff against the current budget and commit it.
 */
export function BudgetImportPage() {
  const [customerId, setCustomerId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [targets, setTargets] = useState<Record<string, string>>({});
  const [view, setView] = useState<ImportView | null>(null);
  const [diff, setDiff] = useState<Diff | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run(label: string, work: () => Promise<void>) {
    setError(null);
    setBusy(label);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  const analyze = (e: Event) => {
    e.preventDefault();
    if (!file) return setError(new Error("Choose a CSV or XLSX file first"));
    return run("Analyzing the file", async () => {
      setAnalysis(null);
      setView(null);
      setDiff(null);
      const form = new FormData();
      form.append("customerId", customerId);
      form.append("file", file, file.name);
      const result = await api<Analysis>("/v1/excel/analyze", { method: "POST", raw: form });
      setAnalysis(result);
      setTargets(Object.fromEntries(result.mappings.map((m) => [m.sourceColumn, m.targetField])));
    });
  };

  const follow = async (started: ImportView) => {
    let current = started;
    setView(current);
    while (current.status === "queued" || current.status === "processing") {
      await wait(500);
      current = await api<ImportView>(current.statusUrl.replace(/^\/api/, ""));
      setView(current);
    }
    if (current.status === "awaiting_approval")
      setDiff(await api<Diff>(`/v1/imports/${current.importId}/diff?customerId=${encodeURIComponent(customerId)}`));
  };

  const importFile = () =>
    run("Importing", async () => {
      setDiff(null);
      const mappings = Object.entries(targets)
        .filter(([, target]) => target !== "")
        .map(([sourceColumn, targetField]) => ({ sourceColumn, targetField }));
      const started = await api<ImportView>("/v1/excel/import", {
        method: "POST",
        body: { customerId, fileId: analysis!.fileId, fileName: analysis!.fileName, mappings },
      });
      await follow(started);
    });

  const commit = () =>
    run("Committing", async () => {
      const done = await api<ImportView>(`/v1/imports/${view!.importId}/commit`, {
        method: "POST",
        body: { customerId },
      });
      setDiff(null);
      setView(done);
    });

  const proposal = (column: string) => analysis?.mappings.find((m) => m.sourceColumn === column);
  const mappingError = (i: number) =>
    error instanceof ApiError
      ? error.fieldErrors
          .filter((f) => f.field.startsWith(`mappings[${i}]`))
          .map((f) => f.message)
          .join("; ")
      : "";

  return (
    <section>
      <h1>Import a budget file</h1>
      <form onSubmit={(e) => void analyze(e)} aria-label="Analyze a budget file">
        <Field name="customerId" label="Customer id" value={customerId} required onInput={setCustomerId} />
        <div class="field">
          <label for="budget-file">Budget file (CSV or XLSX)</label>
          <input
            id="budget-file"
            type="file"
            accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <button type="submit" disabled={busy !== null}>
          Analyze
        </button>
      </form>
      {busy && <Progress label={busy} value={view?.progress.percent ?? undefined} />}
      <ErrorBanner error={error} />

      {analysis && (
        <div>
          <h2>{analysis.fileName}</h2>
          <p role="status" aria-label="Detected file type">
            Detected: <strong>{analysis.fileTypeDetection.likelyFileType}</strong> (
            {pct(analysis.fileTypeDetection.confidence)} confident) · {analysis.totalRows} rows
            {analysis.learnedFrom && " · mapping learned from an earlier import"}
          </p>
          {analysis.fileTypeDetection.warnings.map((w) => (
            <p key={w} class="warning">
              {w}
            </p>
          ))}
          {analysis.duplicateOf && (
            <p class="warning">This exact file was imported before ({analysis.duplicateOf.fileName}).</p>
          )}
          {!analysis.canProceed && <p class="warning">This file cannot be imported as a budget.</p>}

          <table aria-label="Column mappings">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Maps to</th>
                <th scope="col">Confidence</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {analysis.headers.map((header, i) => {
                const proposed = proposal(header);
                return (
                  <tr key={header}>
                    <th scope="row">{header}</th>
                    <td>
                      <Select
                        name={`map-${i}`}
                        label={`Target for ${header}`}
                        value={targets[header] ?? ""}
                        options={TARGETS}
                        onChange={(v) => setTargets({ ...targets, [header]: v })}
                      >
                        {mappingError(i) && <span class="field-error">{mappingError(i)}</span>}
                      </Select>
                    </td>
                    <td>{proposed ? pct(proposed.confidence) : "-"}</td>
                    <td>{proposed?.reason ?? "no field fits this column"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>

          <DataTable
            caption="Preview rows"
            columns={analysis.headers.map((h, c) => ({ key: `${c}`, label: h, render: (row: string[]) => row[c] }))}
            rows={analysis.sampleRows}
          />
          <button
            type="button"
            disabled={!analysis.canProceed || !analysis.fileId || busy !== null}
            onClick={() => void importFile()}
          >
            Import
          </button>
        </div>
      )}

      {view && (
        <div aria-label="Import result" role="region">
          <h2>Import {view.status.replace("_", " ")}</h2>
          <p>
            {view.stats.successRows} of {view.stats.totalRows} rows valid, {view.stats.errorRows} with errors
            {view.status === "completed" && ` · ${view.imported} lines in the budget`}
          </p>
          {view.errors.length > 0 && (
            <DataTable caption="Row errors, in file order" columns={errorColumns} rows={view.errors} />
          )}
        </div>
      )}

      {diff && (
        <div aria-label="Changes against the current budget" role="region">
          <h2>Changes against the current budget</h2>
          <p>
            {diff.added.length} added, {diff.changed.length} changed, {diff.removed.length} removed, {diff.unchanged}{" "}
            unchanged
          </p>
          {diff.changed.length > 0 && (
            <DataTable caption="Changed lines" columns={changedColumns} rows={diff.changed} />
          )}
          <button type="button" disabled={busy !== null} onClick={() => void commit()}>
            Commit these changes
          </button>
        </div>
      )}
    </section>
  );
}
