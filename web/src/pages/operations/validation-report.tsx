// The validation report of a UBL invoice (GET /api/v1/invoices/{id}, POST /api/v1/invoices/validate),
// shown by severity: what must be fixed first, then what is only advised.

export interface Finding {
  ruleId: string;
  severity: "fatal" | "warning";
  terms: { id: string; name: string }[];
  xpath: string;
  line: number;
  message: string;
  expected?: string;
  found?: string;
}

export interface ValidationReport {
  valid: boolean;
  customizationId: string | null;
  ruleSet: { id: string; version: string } | null;
  findings: Finding[];
}

const GROUPS = [
  { severity: "fatal", title: "Errors (the invoice is refused until these are fixed)" },
  { severity: "warning", title: "Warnings (accepted, but worth correcting)" },
] as const;

/** `level`: the heading level of the severity groups, one below the heading above the report. */
export function ValidationFindings({
  report,
  label,
  level,
}: {
  report: ValidationReport;
  label: string;
  level: 3 | 4;
}) {
  const Heading = level === 3 ? "h3" : "h4";
  const fatal = report.findings.filter((f) => f.severity === "fatal").length;
  return (
    <div role="region" aria-label={label} class="validation-report">
      <p role="status">
        {report.valid ? "Valid" : "Not valid"}
        {report.ruleSet && ` against ${report.ruleSet.id} ${report.ruleSet.version}`}: {fatal}{" "}
        {fatal === 1 ? "error" : "errors"}, {report.findings.length - fatal}{" "}
        {report.findings.length - fatal === 1 ? "warning" : "warnings"}.
      </p>
      {GROUPS.map((group) => {
        const findings = report.findings.filter((f) => f.severity === group.severity);
        if (findings.length === 0) return null;
        return (
          <section key={group.severity} aria-label={group.title}>
            <Heading>{group.title}</Heading>
            <ul class="findings">
              {findings.map((f, i) => (
                <li key={`${f.ruleId}-${i}`}>
                  <code>{f.ruleId}</code> {f.message}
                  {f.terms.length > 0 && (
                    <div class="finding-terms">About: {f.terms.map((t) => `${t.id} ${t.name}`).join("; ")}</div>
                  )}
                  {(f.expected !== undefined || f.found !== undefined) && (
                    <div class="finding-values">
                      {f.expected !== undefined && `Expected ${f.expected}`}
                      {f.expected !== undefined && f.found !== undefined && ", "}
                      {f.found !== undefined && `found ${f.found}`}
                    </div>
                  )}
                  <div class="finding-where">
                    Line {f.line}, <code>{f.xpath}</code>
                  </div>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
