import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field } from "../../ui/Field";

/** One entry of GET /api/v1/imports/history (a customer's imports, newest first). */
interface ImportEntry {
  importId: string;
  fileName: string;
  /** csv, excel, rows, or a data source's type (sftp, blob, s3, sheets) for a polled file. */
  sourceType: string;
  sourceName: string | null;
  status: string;
  stats: { totalRows: number; successRows: number; errorRows: number };
  errors: { rowNumber: number; column: string; value: string; message: string }[];
  createdAt: string;
}

const columns: readonly Column<ImportEntry>[] = [
  { key: "created", label: "Created", render: (i) => i.createdAt },
  {
    key: "file",
    label: "File",
    render: (i) => `${i.fileName} (${i.sourceName ? `${i.sourceType}: ${i.sourceName}` : i.sourceType})`,
  },
  { key: "status", label: "Status", render: (i) => i.status },
  {
    key: "rows",
    label: "Rows ok / total",
    numeric: true,
    render: (i) => `${i.stats.successRows} / ${i.stats.totalRows}`,
  },
  {
    key: "errors",
    label: "Row errors",
    render: (i) =>
      i.errors.length === 0 ? (
        "—"
      ) : (
        // Native disclosure: keyboard-operable with no script or inline style.
        <details>
          <summary>{i.errors.length} errors</summary>
          <ul>
            {i.errors.map((e) => (
              <li key={`${e.rowNumber}-${e.column}`}>
                Row {e.rowNumber}, {e.column} “{e.value}”: {e.message}
              </li>
            ))}
          </ul>
        </details>
      ),
  },
];

export function ImportHistoryPage() {
  const [customerId, setCustomerId] = useState("");
  const [imports, setImports] = useState<ImportEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function load(e: Event) {
    e.preventDefault();
    setError(null);
    setImports(null);
    try {
      const answer = await api<{ imports: ImportEntry[] }>(
        `/v1/imports/history?customerId=${encodeURIComponent(customerId)}&pageSize=100`,
      );
      setImports(answer.imports);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <h1>Import history</h1>
      <form onSubmit={(e) => void load(e)} aria-label="Import history">
        <Field name="customerId" label="Customer id" value={customerId} required onInput={setCustomerId} />
        <button type="submit">Show imports</button>
      </form>
      <ErrorBanner error={error} />
      {imports?.length === 0 && <p role="status">No imports yet for this customer.</p>}
      {imports && imports.length > 0 && <DataTable caption="Imports, newest first" columns={columns} rows={imports} />}
    </section>
  );
}
