import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { DataTable, type Column } from "../../ui/DataTable";
import { ErrorBanner } from "../../ui/ErrorBanner";

/** GET /api/v1/budgets: money arrives as decimal strings and is shown as is (never a float). */
interface Budget {
  id: string;
  customerId: string;
  department: string;
  subCategory: string | null;
  fiscalPeriod: string;
  currency: string;
  budgetedAmount: string;
  utilization: {
    committed: string;
    reserved: string;
    actualSpent: string;
    available: string;
    utilizationPercent: number;
  };
}

interface Page<T> {
  items: T[];
  pagination: { page: number; pageSize: number; total: number };
}

const columns: readonly Column<Budget>[] = [
  { key: "customer", label: "Customer", render: (b) => b.customerId },
  { key: "department", label: "Department", render: (b) => b.department },
  { key: "sub", label: "Sub-category", render: (b) => b.subCategory ?? "—" },
  { key: "period", label: "Period", render: (b) => b.fiscalPeriod },
  { key: "budgeted", label: "Budgeted", numeric: true, render: (b) => `${b.budgetedAmount} ${b.currency}` },
  { key: "available", label: "Available", numeric: true, render: (b) => `${b.utilization.available} ${b.currency}` },
  {
    key: "utilization",
    label: "Utilization",
    // A <meter> rather than a styled div: no inline style under the CSP, and read out by screen readers.
    render: (b) => (
      <span class="utilization">
        <meter
          min={0}
          max={100}
          low={80}
          high={95}
          optimum={0}
          value={Math.min(100, b.utilization.utilizationPercent)}
          aria-label={`Utilization of ${b.department}`}
        />
        {b.utilization.utilizationPercent.toFixed(1)}%
      </span>
    ),
  },
];

export function BudgetsPage() {
  const [budgets, setBudgets] = useState<Budget[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Page<Budget>>("/v1/budgets?pageSize=100")
      .then((page) => setBudgets(page.items))
      .catch((err: unknown) => setError(err));
  }, []);
  return (
    <section>
      <h1>Budgets</h1>
      <ErrorBanner error={error} />
      {budgets === null && !error && <p>Loading…</p>}
      {budgets && <DataTable caption="Budget lines and their utilization" columns={columns} rows={budgets} />}
    </section>
  );
}
