import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Select } from "../../ui/Field";
import { Progress } from "../../ui/Progress";
import { ValidationFindings, type ValidationReport } from "./validation-report";

const LANGUAGES = [
  { value: "en", label: "English" },
  { value: "nl", label: "Nederlands" },
  { value: "fr", label: "Français" },
] as const;

/**
 * Check a UBL invoice against EN 16931 and Peppol BIS Billing 3.0 before sending it: nothing
 * is recorded or forwarded (POST /api/v1/invoices/validate). The findings come in the
 * language asked for.
 */
export function ValidateUblPage() {
  const [file, setFile] = useState<File | null>(null);
  const [language, setLanguage] = useState("en");
  const [report, setReport] = useState<ValidationReport | null>(null);
  const [checked, setChecked] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function validate(e: Event) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const form = new FormData();
      form.append("file", file, file.name);
      setReport(
        await api<ValidationReport>("/v1/invoices/validate", {
          method: "POST",
          raw: form,
          headers: { "Accept-Language": language },
        }),
      );
      setChecked(file.name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Validate a UBL invoice</h1>
      <p>Checks a file against EN 16931 and Peppol BIS Billing 3.0. Nothing is recorded or sent.</p>
      <form onSubmit={(e) => void validate(e)} aria-label="Validate a UBL invoice">
        <div class="field">
          <label for="ubl-file">UBL invoice file (XML)</label>
          <input
            id="ubl-file"
            type="file"
            accept=".xml,application/xml,text/xml"
            required
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <Select
          name="ubl-language"
          label="Language of the findings"
          value={language}
          options={LANGUAGES}
          onChange={setLanguage}
        />
        <button type="submit" disabled={busy || !file}>
          Validate
        </button>
      </form>
      <ErrorBanner error={error} />
      {busy && <Progress label="Validating" />}
      {report && (
        <>
          <h2>Findings for {checked}</h2>
          <ValidationFindings report={report} label="Findings" level={3} />
        </>
      )}
    </section>
  );
}
