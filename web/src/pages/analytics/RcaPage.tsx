import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { Chart } from "../../ui/Chart";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field, Select } from "../../ui/Field";

/** A segment of POST /api/v1/rca/analyze: where it is, its change and its evidence rows. */
interface Segment {
  label: string;
  where: Record<string, string | null>;
  kind: "changed" | "new" | "vanished";
  baseline: string;
  comparison: string;
  change: string;
  shareOfChange: number | null;
  evidence: {
    id: number;
    side: string;
    monthYear: string;
    amount: string;
    costCenterId: string | null;
    supplier: string | null;
  }[];
  budgetLines?: { budgetId: string; fiscalPeriod: string; budgeted: string }[];
}

interface CurrencyRca {
  currency: string;
  baseline: string;
  comparison: string;
  change: string;
  drivers: Segment[];
  newSegments: Segment[];
  vanishedSegments: Segment[];
  importance: { dimension: string; importance: number; topValue: string | null; topValueShare: number | null }[];
}

interface Rca {
  mode: "periods" | "budget";
  baseline: { label: string };
  comparison: { label: string };
  currencies: CurrencyRca[];
  importanceMethod: { name: string; description: string };
  notes: string[];
}

interface Range {
  fiscalYear: string;
  periodFrom: string;
  periodTo: string;
}

/** The dimensions a segment may combine (a subset of the API's; budgets map onto three of them). */
const DIMENSION_CHOICES = [
  { value: "functional_area", label: "Functional area" },
  { value: "cost_center_id", label: "Cost center" },
  { value: "general_ledger_account_name", label: "GL account" },
  { value: "supplier", label: "Supplier" },
  { value: "directorate", label: "Directorate" },
  { value: "company_code", label: "Company code" },
];
/** With a budget as baseline, only the budget's own dimensions can split. */
const BUDGET_DIMENSIONS = ["cost_center_id", "directorate", "functional_area_name"];

const rangeOf = (r: Range) => ({
  fiscalYear: Number(r.fiscalYear),
  periodFrom: Number(r.periodFrom),
  periodTo: Number(r.periodTo),
});
const pct = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)}%`);

const KIND_WORDS: Record<Segment["kind"], string> = { changed: "changed", new: "new", vanished: "vanished" };

const driverColumns: readonly Column<Segment>[] = [
  { key: "label", label: "Driver", render: (s) => s.label },
  { key: "kind", label: "Kind", render: (s) => KIND_WORDS[s.kind] },
  { key: "baseline", label: "Baseline", numeric: true, render: (s) => s.baseline },
  { key: "comparison", label: "Comparison", numeric: true, render: (s) => s.comparison },
  { key: "change", label: "Contribution", numeric: true, render: (s) => s.change },
  { key: "share", label: "Share of change", numeric: true, render: (s) => pct(s.shareOfChange) },
  {
    key: "evidence",
    label: "Evidence",
    render: (s) =>
      s.evidence.length === 0 && !s.budgetLines?.length ? (
        "—"
      ) : (
        <details class="rca-evidence">
          <summary>{s.evidence.length + (s.budgetLines?.length ?? 0)} samples</summary>
          <ul>
            {s.evidence.map((e) => (
              <li key={e.id}>
                #{e.id} {e.monthYear} ({e.side}) {e.costCenterId ?? "—"} · {e.supplier ?? "—"}: {e.amount}
              </li>
            ))}
            {s.budgetLines?.map((b) => (
              <li key={b.budgetId + b.fiscalPeriod}>
                Budget {b.fiscalPeriod}: {b.budgeted}
              </li>
            ))}
          </ul>
        </details>
      ),
  },
];

function RangeFields({
  legend,
  name,
  range,
  onChange,
}: {
  legend: string;
  name: string;
  range: Range;
  onChange: (r: Range) => void;
}) {
  return (
    <fieldset class="filters">
      <legend>{legend}</legend>
      <Field
        name={`${name}Year`}
        label="Fiscal year"
        type="number"
        required
        value={range.fiscalYear}
        onInput={(v) => onChange({ ...range, fiscalYear: v })}
      />
      <Field
        name={`${name}From`}
        label="From period"
        type="number"
        required
        value={range.periodFrom}
        onInput={(v) => onChange({ ...range, periodFrom: v })}
      />
      <Field
        name={`${name}To`}
        label="To period"
        type="number"
        required
        value={range.periodTo}
        onInput={(v) => onChange({ ...range, periodTo: v })}
      />
    </fieldset>
  );
}

/** One currency's answer: totals, the waterfall (drawn by the API) and the drivers. */
function CurrencyResult({ rca, result, request }: { rca: Rca; result: CurrencyRca; request: object }) {
  const segments = [...result.drivers, ...result.newSegments, ...result.vanishedSegments];
  const title = `Waterfall ${rca.baseline.label} to ${rca.comparison.label} (${result.currency})`;
  return (
    // A card: its wide tables scroll sideways inside it (.table-wrap), never the page.
    <div role="region" aria-label={`Result in ${result.currency}`} class="card">
      <h2>{result.currency}</h2>
      <p>
        {rca.baseline.label}: {result.baseline} · {rca.comparison.label}: {result.comparison} · change{" "}
        <strong>{result.change}</strong>
      </p>
      <figure>
        <figcaption>{title}</figcaption>
        <Chart path="/v1/charts/rca-waterfall" body={{ ...request, currency: result.currency }} label={title} />
      </figure>
      <DataTable caption={`Drivers (${result.currency})`} columns={driverColumns} rows={segments} />
      <DataTable
        caption={`Feature importance (${rca.importanceMethod.name})`}
        columns={[
          { key: "dimension", label: "Dimension", render: (i) => i.dimension },
          { key: "importance", label: "Importance", numeric: true, render: (i) => pct(i.importance) },
          {
            key: "top",
            label: "Largest value",
            render: (i) => (i.topValue === null ? "—" : `${i.topValue} (${pct(i.topValueShare)})`),
          },
        ]}
        rows={result.importance}
      />
    </div>
  );
}

/** Root-cause analysis (seed 003's RCA): two period ranges, or actual vs a customer's budget. */
export function RcaPage() {
  const [mode, setMode] = useState<"periods" | "budget">("periods");
  const [comparison, setComparison] = useState<Range>({ fiscalYear: "", periodFrom: "", periodTo: "" });
  const [baseline, setBaseline] = useState<Range>({ fiscalYear: "", periodFrom: "", periodTo: "" });
  const [customerId, setCustomerId] = useState("");
  const [dimensions, setDimensions] = useState<string[]>(["functional_area", "cost_center_id", "supplier"]);
  const [functionalArea, setFunctionalArea] = useState("");
  const [request, setRequest] = useState<object | null>(null);
  const [rca, setRca] = useState<Rca | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const toggle = (dimension: string, on: boolean) =>
    setDimensions(on ? [...dimensions, dimension] : dimensions.filter((d) => d !== dimension));

  async function analyze(e: Event) {
    e.preventDefault();
    const dims = mode === "budget" ? dimensions.filter((d) => BUDGET_DIMENSIONS.includes(d)) : dimensions;
    const body = {
      comparison: rangeOf(comparison),
      ...(mode === "periods" ? { baseline: rangeOf(baseline) } : { budget: { customerId: customerId.trim() } }),
      ...(dims.length > 0 ? { dimensions: dims } : {}),
      ...(mode === "periods" && functionalArea.trim()
        ? { filters: { dimensions: { functional_area: functionalArea.trim() } } }
        : {}),
    };
    setLoading(true);
    setError(null);
    setRca(null);
    try {
      setRca(await api<Rca>("/v1/rca/analyze", { body }));
      setRequest(body);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  return (
    <section>
      <h1>Root-cause analysis</h1>
      <form onSubmit={(e) => void analyze(e)} aria-label="Root-cause analysis">
        <Select
          name="mode"
          label="Compare"
          value={mode}
          options={[
            { value: "periods", label: "Two period ranges" },
            { value: "budget", label: "Actual vs budget" },
          ]}
          onChange={(v) => setMode(v as "periods" | "budget")}
        />
        <RangeFields legend="Comparison (explained)" name="comparison" range={comparison} onChange={setComparison} />
        {mode === "periods" ? (
          <RangeFields legend="Baseline" name="baseline" range={baseline} onChange={setBaseline} />
        ) : (
          <Field name="customerId" label="Budget of customer" required value={customerId} onInput={setCustomerId} />
        )}
        <fieldset class="filters">
          <legend>Split by</legend>
          {DIMENSION_CHOICES.map((d) => (
            <label key={d.value} class="check">
              <input
                type="checkbox"
                name="dimension"
                value={d.value}
                checked={dimensions.includes(d.value)}
                onChange={(e) => toggle(d.value, e.currentTarget.checked)}
              />{" "}
              {d.label}
            </label>
          ))}
        </fieldset>
        {mode === "periods" && (
          <Field
            name="functionalArea"
            label="Only functional area (optional)"
            value={functionalArea}
            onInput={setFunctionalArea}
          />
        )}
        <button type="submit" disabled={loading}>
          Analyze
        </button>
      </form>
      <ErrorBanner error={error} />
      {loading && <p role="status">Analyzing…</p>}
      {rca && request && (
        <>
          <p>
            {rca.importanceMethod.name}: {rca.importanceMethod.description}
          </p>
          {rca.notes.length > 0 && (
            <ul aria-label="Notes">
              {rca.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {rca.currencies.length === 0 && <p role="status">No postings in either range.</p>}
          {rca.currencies.map((c) => (
            <CurrencyResult key={c.currency} rca={rca} result={c} request={request} />
          ))}
        </>
      )}
    </section>
  );
}
