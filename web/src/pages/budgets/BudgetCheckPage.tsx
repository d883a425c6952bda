import { useState } from "preact/hooks";
import { api, ApiError } from "../../api/client";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field } from "../../ui/Field";

/** POST /api/v1/budget/check answer; money stays a decimal string (never a float). */
interface CheckAnswer {
  available: boolean;
  budget: { id: string; budgetedAmount: string; committed: string; reserved: string; available: string } | null;
  canAutoApprove: boolean;
  utilizationPercent: number | null;
  reason: string;
  currency: string;
  splitPurchaseSuspected: boolean;
  warnings: string[];
}

const FIELDS = ["customerId", "department", "subCategory", "fiscalPeriod", "amount", "currency"] as const;
type Form = Record<(typeof FIELDS)[number], string>;
const LABELS: Form = {
  customerId: "Customer id",
  department: "Department",
  subCategory: "Sub-category (optional)",
  fiscalPeriod: "Fiscal period",
  amount: "Amount",
  currency: "Currency (optional)",
};

export function BudgetCheckPage() {
  const [form, setForm] = useState<Form>({
    customerId: "",
    department: "",
    subCategory: "",
    fiscalPeriod: "",
    amount: "",
    currency: "",
  });
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fieldError = (name: string) =>
    error instanceof ApiError ? error.fieldErrors.find((f) => f.field === name)?.message : undefined;

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setAnswer(null);
    // Optional fields the user left blank are left out: the API is strict about empty strings.
    const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== ""));
    try {
      setAnswer(await api<CheckAnswer>("/v1/budget/check", { method: "POST", body }));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <h1>Budget check</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Budget check">
        {FIELDS.map((name) => (
          <Field
            key={name}
            name={name}
            label={LABELS[name]}
            value={form[name]}
            required={!["subCategory", "currency"].includes(name)}
            error={fieldError(name)}
            onInput={(v) => setForm({ ...form, [name]: v })}
          />
        ))}
        <button type="submit">Check</button>
      </form>
      <ErrorBanner error={error} />
      {answer && (
        <div role="status" class="check-answer">
          <p>
            <strong>{answer.available ? "Budget available" : "Not enough budget"}</strong>
            {answer.canAutoApprove ? " · can be auto-approved" : ""}
          </p>
          <p>{answer.reason}</p>
          {answer.budget && (
            <p>
              Available {answer.budget.available} of {answer.budget.budgetedAmount} {answer.currency}
              {answer.utilizationPercent !== null && ` · utilization with this request ${answer.utilizationPercent}%`}
            </p>
          )}
          {answer.splitPurchaseSuspected && <p>Possible split purchase.</p>}
          {answer.warnings.length > 0 && (
            <ul>
              {answer.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
