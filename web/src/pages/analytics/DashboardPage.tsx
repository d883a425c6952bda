import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { Chart } from "../../ui/Chart";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field } from "../../ui/Field";

/** GET /api/v1/dashboard (JSON): the headline figures; money as a decimal string. */
interface Dashboard {
  currency: string | null;
  kpis: { totalAmount: string; lines: number; periods: number; firstPeriod: string | null; lastPeriod: string | null };
  charts: { id: string; title: string }[];
}

/** The dashboard's charts and the route that draws each. */
const CHARTS = [
  { title: "Trend by fiscal period", path: "/v1/charts/trend" },
  { title: "Spend by functional area", path: "/v1/charts/category-breakdown?dimension=functional_area" },
  { title: "Cost center heatmap", path: "/v1/charts/heatmap" },
  { title: "Anomalies", path: "/v1/charts/anomaly-scatter" },
];

const withFilter = (path: string, filter: string) =>
  filter ? `${path}${path.includes("?") ? "&" : "?"}${filter}` : path;

/** Trend, category breakdown, cost-center heatmap and anomaly scatter (seed 003), with filters. */
export function DashboardPage() {
  const [fiscalYear, setFiscalYear] = useState("");
  const [companyCode, setCompanyCode] = useState("");
  const [filter, setFilter] = useState("");
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setError(null);
    api<Dashboard>(withFilter("/v1/dashboard", filter)).then(setDashboard, setError);
  }, [filter]);

  const apply = (e: Event) => {
    e.preventDefault();
    const query = new URLSearchParams();
    if (fiscalYear.trim()) query.set("fiscalYear", fiscalYear.trim());
    if (companyCode.trim()) query.set("companyCode", companyCode.trim());
    setFilter(query.toString());
  };

  return (
    <section>
      <h1>Dashboard</h1>
      <form class="filters" onSubmit={apply} aria-label="Dashboard filters">
        <Field name="fiscalYear" label="Fiscal year" type="number" value={fiscalYear} onInput={setFiscalYear} />
        <Field name="companyCode" label="Company code" value={companyCode} onInput={setCompanyCode} />
        <button type="submit">Apply</button>
      </form>
      <ErrorBanner error={error} />
      {dashboard && (
        <dl class="kpis" aria-label="Headline figures">
          <div>
            <dt>Total</dt>
            <dd>
              {dashboard.kpis.totalAmount} {dashboard.currency ?? ""}
            </dd>
          </div>
          <div>
            <dt>Lines</dt>
            <dd>{dashboard.kpis.lines.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Periods</dt>
            <dd>
              {dashboard.kpis.periods} ({dashboard.kpis.firstPeriod ?? "–"} to {dashboard.kpis.lastPeriod ?? "–"})
            </dd>
          </div>
        </dl>
      )}
      <div class="chart-grid">
        {CHARTS.map((c) => (
          <figure key={c.path}>
            <figcaption>{c.title}</figcaption>
            <Chart path={withFilter(c.path, filter)} label={c.title} />
          </figure>
        ))}
      </div>
    </section>
  );
}
