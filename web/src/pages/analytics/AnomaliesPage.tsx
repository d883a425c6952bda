import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field, Select } from "../../ui/Field";

/** One explained anomaly of GET /api/v1/anomaly/* (the one explanation format of all detectors). */
interface Anomaly {
  key: string;
  subject:
    { kind: "row"; id: number } | { kind: "segment"; dimension: string; value: string | null; monthYear: string };
  detectors: string[];
  rankScore: number;
  direction: "increase" | "decrease";
  amount: string;
  currency: string;
  findings: Finding[];
  evidence: Evidence[];
}

interface Finding {
  detector: string;
  method: string;
  score: number;
  threshold: number;
  severity: number;
  contributions: { feature: string; value: string; contribution: number; detail: string }[];
  peerGroup: {
    dimensions: Record<string, string | null>;
    size: number;
    normalRange: { basis: string; k: number; centre: string; low: string; high: string; currency: string };
  };
}

interface Evidence {
  id: number;
  monthYear: string;
  companyCode: string;
  costCenterId: string | null;
  generalLedgerAccount: string | null;
  supplier: string | null;
  reference: string | null;
  amount: string;
  currency: string;
}

interface AnomalyList {
  items: Anomaly[];
  pagination: { page: number; pageSize: number; total: number; totalPages: number };
  truncated: boolean;
}

/** The four routes: all detectors merged (the default) or one of them. */
const DETECTORS = [
  { value: "detect", label: "All detectors, merged" },
  { value: "statistical", label: "Statistical (z-score / MAD)" },
  { value: "ml", label: "Machine learning (isolation forest)" },
  { value: "trends", label: "Trends (month over month)" },
] as const;
type Detector = (typeof DETECTORS)[number]["value"];

const PAGE_SIZE = 25;
const pct = (share: number) => `${Math.round(share * 100)}%`;

/**
 * The inputs, as typed (strings); sent only when filled, so the API's defaults apply otherwise.
 * Decimal thresholds are text inputs: a number input's step of 1 would refuse 2.5 or 0.05, and
 * the API answers a bad value with its field message.
 */
interface Inputs {
  detector: Detector;
  direction: string;
  minAmount: string;
  fiscalYear: string;
  method: string;
  threshold: string;
  contamination: string;
  changeThreshold: string;
}

const INITIAL: Inputs = {
  detector: "detect",
  direction: "both",
  minAmount: "",
  fiscalYear: "",
  method: "zscore",
  threshold: "2.5",
  contamination: "0.05",
  changeThreshold: "30",
};

const uses = (detector: Detector, one: Detector) => detector === "detect" || detector === one;

function queryOf(inputs: Inputs, page: number): string {
  const q = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE), direction: inputs.direction });
  const set = (key: string, value: string) => value.trim() && q.set(key, value.trim());
  set("minAmount", inputs.minAmount);
  set("fiscalYear", inputs.fiscalYear);
  if (uses(inputs.detector, "statistical")) {
    set("method", inputs.method);
    set("threshold", inputs.threshold);
  }
  if (uses(inputs.detector, "ml")) set("contamination", inputs.contamination);
  if (uses(inputs.detector, "trends")) set("changeThreshold", inputs.changeThreshold);
  return `/v1/anomaly/${inputs.detector}?${q.toString()}`;
}

/** What the anomaly is about: a posting (its reference) or a dimension value's month. */
function subjectOf(a: Anomaly): string {
  if (a.subject.kind === "segment") {
    return `${a.subject.dimension} ${a.subject.value ?? "(blank)"} in ${a.subject.monthYear}`;
  }
  const row = a.evidence.find((e) => e.id === (a.subject as { id: number }).id) ?? a.evidence[0];
  return row
    ? `${row.reference ?? `posting ${row.id}`} · ${row.costCenterId ?? "no cost center"} · ${row.monthYear}`
    : `posting ${a.subject.id}`;
}

const evidenceColumns: readonly Column<Evidence>[] = [
  { key: "reference", label: "Reference", render: (e) => e.reference ?? `#${e.id}` },
  { key: "period", label: "Period", render: (e) => e.monthYear },
  { key: "company", label: "Company", render: (e) => e.companyCode },
  { key: "costCenter", label: "Cost center", render: (e) => e.costCenterId ?? "—" },
  { key: "account", label: "GL account", render: (e) => e.generalLedgerAccount ?? "—" },
  { key: "supplier", label: "Supplier", render: (e) => e.supplier ?? "—" },
  { key: "amount", label: "Amount", numeric: true, render: (e) => `${e.amount} ${e.currency}` },
];

/** Why it is unusual: each detector's finding, its contributing features, peer group and band, and the rows. */
function Explanation({ anomaly }: { anomaly: Anomaly }) {
  return (
    // Native disclosure: keyboard-operable with no script.
    <details class="explanation">
      <summary>Why</summary>
      {anomaly.findings.map((f) => {
        const range = f.peerGroup.normalRange;
        const peers = Object.entries(f.peerGroup.dimensions)
          .map(([d, v]) => `${d} ${v ?? "(blank)"}`)
          .join(", ");
        return (
          <div key={f.detector} class="finding">
            <h3>
              {f.detector}: {f.method}
            </h3>
            <p>
              Score {f.score.toFixed(2)} against threshold {f.threshold} (severity {pct(f.severity)}).
            </p>
            <p>
              Peer group: {peers || "all rows"} ({f.peerGroup.size} rows). Normal range {range.low} to {range.high}{" "}
              {range.currency} around {range.centre} ({range.basis}
              {range.k ? `, k ${range.k}` : ""}).
            </p>
            {f.contributions.length > 0 && (
              <ul aria-label="Contributing features">
                {f.contributions.map((c) => (
                  <li key={c.feature}>
                    <strong>{c.feature}</strong> {c.value} ({pct(c.contribution)}): {c.detail}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      <DataTable caption="Evidence rows" columns={evidenceColumns} rows={anomaly.evidence} pageSize={10} />
    </details>
  );
}

const columns = (first: number): readonly Column<Anomaly & { rank: number }>[] => [
  { key: "rank", label: "#", numeric: true, render: (a) => first + a.rank },
  { key: "subject", label: "Anomaly", render: subjectOf },
  { key: "detectors", label: "Found by", render: (a) => a.detectors.join(", ") },
  { key: "direction", label: "Direction", render: (a) => a.direction },
  { key: "amount", label: "Amount", numeric: true, render: (a) => `${a.amount} ${a.currency}` },
  { key: "why", label: "Explanation", render: (a) => <Explanation anomaly={a} /> },
];

/** Anomalies (seed 003's anomaly view): ranked, explained, filtered and paged by the API. */
export function AnomaliesPage() {
  const [inputs, setInputs] = useState<Inputs>(INITIAL);
  const [applied, setApplied] = useState<Inputs>(INITIAL);
  const [page, setPage] = useState(1);
  const [list, setList] = useState<AnomalyList | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof Inputs) => (value: string) => setInputs((now) => ({ ...now, [key]: value }));

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api<AnomalyList>(queryOf(applied, page))
      .then((answer) => live && setList(answer))
      .catch((err: unknown) => live && (setList(null), setError(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [applied, page]);

  const apply = (e: Event) => {
    e.preventDefault();
    setPage(1);
    setApplied({ ...inputs });
  };
  const d = inputs.detector;
  const totalPages = list ? Math.max(1, list.pagination.totalPages) : 1;

  return (
    <section>
      <h1>Anomalies</h1>
      <form class="filters" onSubmit={apply} aria-label="Anomaly filters">
        <Select
          name="detector"
          label="Detector"
          value={d}
          options={DETECTORS}
          onChange={(v) => setInputs((now) => ({ ...now, detector: v as Detector }))}
        />
        <Select
          name="direction"
          label="Direction"
          value={inputs.direction}
          options={[
            { value: "both", label: "Increases and decreases" },
            { value: "increase", label: "Increases" },
            { value: "decrease", label: "Decreases" },
          ]}
          onChange={set("direction")}
        />
        <Field
          name="minAmount"
          label="Minimum amount (materiality)"
          value={inputs.minAmount}
          onInput={set("minAmount")}
        />
        <Field
          name="fiscalYear"
          label="Fiscal year"
          type="number"
          value={inputs.fiscalYear}
          onInput={set("fiscalYear")}
        />
        {uses(d, "statistical") && (
          <>
            <Select
              name="method"
              label="Statistical method"
              value={inputs.method}
              options={[
                { value: "zscore", label: "z-score (mean ± k·sd)" },
                { value: "mad", label: "MAD (median ± k·1.4826·MAD)" },
              ]}
              onChange={set("method")}
            />
            <Field name="threshold" label="Threshold k" value={inputs.threshold} onInput={set("threshold")} />
          </>
        )}
        {uses(d, "ml") && (
          <Field
            name="contamination"
            label="Contamination (share flagged)"
            value={inputs.contamination}
            onInput={set("contamination")}
          />
        )}
        {uses(d, "trends") && (
          <Field
            name="changeThreshold"
            label="Change threshold (%)"
            value={inputs.changeThreshold}
            onInput={set("changeThreshold")}
          />
        )}
        <button type="submit">Find anomalies</button>
      </form>
      <ErrorBanner error={error} />
      {loading && <p role="status">Looking for anomalies…</p>}
      {list && !loading && (
        <>
          <p role="status">
            {list.pagination.total.toLocaleString()} anomalies
            {list.truncated ? " (at least: a detector stopped at its cap; narrow the filters to see all)" : ""}.
          </p>
          <DataTable
            caption="Anomalies, most severe first"
            columns={columns((list.pagination.page - 1) * list.pagination.pageSize)}
            rows={list.items.map((a, i) => ({ ...a, rank: i + 1 }))}
            pageSize={PAGE_SIZE}
          />
          {totalPages > 1 && (
            <nav class="pager" aria-label="Anomaly pages">
              <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                Page {list.pagination.page} of {totalPages}
              </span>
              <button type="button" disabled={page >= totalPages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
