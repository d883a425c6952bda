import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BUDGET_TARGETS,
  type MappingProposal,
  type ParsedTable,
  proposeMappings,
  type TargetCatalogue,
} from "../../../../shared/kernel/column-mapping/index.js";

const targetOf = (proposal: MappingProposal, column: string) =>
  proposal.mappings.find((m) => m.sourceColumn === column)?.targetField;
const mappingOf = (proposal: MappingProposal, column: string) =>
  proposal.mappings.find((m) => m.sourceColumn === column);
const budget = (table: ParsedTable) => proposeMappings(table, BUDGET_TARGETS);

function assertEachTargetOnce(proposal: MappingProposal) {
  const targets = proposal.mappings.map((m) => m.targetField);
  assert.deepEqual(targets.length, new Set(targets).size, `a target mapped twice: ${targets.join(", ")}`);
  const columns = proposal.mappings.map((m) => m.columnIndex);
  assert.deepEqual(columns.length, new Set(columns).size);
}

describe("column mapping: messy real-world headers", () => {
  it("maps Spanish headers with accents", () => {
    const proposal = budget({
      headers: ["Departamento", "Subcategoría", "Período", "Monto aprobado", "Moneda"],
      rows: [
        ["Ingeniería", "Software", "Enero 2024", "12.500,00", "EUR"],
        ["Ventas", "Viajes", "Febrero 2024", "3.000,00", "EUR"],
        ["Finanzas", "Consultoría", "Marzo 2024", "(1.200,00)", "EUR"],
      ],
    });
    assert.deepEqual(
      proposal.mappings.map((m) => [m.sourceColumn, m.targetField]),
      [
        ["Departamento", "department"],
        ["Subcategoría", "subCategory"],
        ["Período", "fiscalPeriod"],
        ["Monto aprobado", "budgetedAmount"],
        ["Moneda", "currency"],
      ],
    );
    assert.ok(
      proposal.mappings.every((m) => m.confidence >= 0.95),
      JSON.stringify(proposal.mappings),
    );
    assert.deepEqual(proposal.missingRequired, []);
    assert.match(
      mappingOf(proposal, "Monto aprobado")!.reason,
      /alias 'monto aprobado', ES.*100% of 3 sample values are amounts/,
    );
  });

  it("explains a department column as the issue's example does", () => {
    const rows = [
      "Engineering",
      "Sales",
      "Marketing",
      "HR",
      "Finance",
      "Legal",
      "IT",
      "Operations",
      "Procurement",
      "Facilities",
    ];
    const proposal = budget({ headers: ["Dept", "Budget"], rows: rows.map((d, i) => [d, `${(i + 1) * 1000}.00`]) });
    const dept = mappingOf(proposal, "Dept")!;
    assert.equal(dept.targetField, "department");
    assert.equal(
      dept.reason,
      "header 'Dept' ≈ department (alias 'dept', EN); 100% of sample values match known departments",
    );
  });

  it("maps Dutch, German and French headers", () => {
    const dutch = budget({
      headers: ["Afdeling", "Kostensoort", "Periode", "Begroting", "Munt", "Kostenplaats"],
      rows: [["Verkoop", "Reiskosten", "2024-01", "1.000", "EUR", "KP-100"]],
    });
    assert.deepEqual(
      dutch.mappings.map((m) => m.targetField),
      ["department", "subCategory", "fiscalPeriod", "budgetedAmount", "currency", "costCenter"],
    );
    const german = budget({
      headers: ["Abteilung", "Kostenart", "Geschäftsjahr", "Betrag", "Währung", "Kostenstelle"],
      rows: [["Vertrieb", "Reisen", "FY2024", "1.000,00", "EUR", "4711"]],
    });
    assert.deepEqual(
      german.mappings.map((m) => m.targetField),
      ["department", "subCategory", "fiscalPeriod", "budgetedAmount", "currency", "costCenter"],
    );
    const french = budget({
      headers: ["Département", "Sous-catégorie", "Période", "Montant", "Devise", "Centre de coût"],
      rows: [["Ventes", "Voyages", "T1 2024", "1 000,00", "EUR", "CC-01"]],
    });
    assert.deepEqual(
      french.mappings.map((m) => m.targetField),
      ["department", "subCategory", "fiscalPeriod", "budgetedAmount", "currency", "costCenter"],
    );
  });

  it("ignores years in headers and tolerates typos and abbreviations", () => {
    const proposal = budget({
      headers: ["Departmnet", "Category", "FY2017 Budget", "Amt", "Curency", "Period"],
      rows: [
        ["Marketing", "Events", "1,000", "900", "USD", "FY2017"],
        ["Sales", "Travel", "2,000.50", "1,800", "USD", "FY2017"],
        ["HR", "Training", "300", "250", "USD", "FY2017"],
      ],
    });
    assertEachTargetOnce(proposal);
    assert.equal(targetOf(proposal, "Departmnet"), "department");
    assert.match(mappingOf(proposal, "Departmnet")!.reason, /1 typo from 'department'/);
    assert.equal(targetOf(proposal, "Curency"), "currency");
    // Both "FY2017 Budget" and "Amt" are budget amounts; one of them gets it, the other is explained.
    const amount = proposal.mappings.find((m) => m.targetField === "budgetedAmount")!;
    assert.ok(["FY2017 Budget", "Amt"].includes(amount.sourceColumn));
    const loser = proposal.unmapped.find((u) => ["FY2017 Budget", "Amt"].includes(u.sourceColumn))!;
    assert.match(loser.reason, /best guess budgetedAmount \(.*\) went to '/);
    const amt = budget({ headers: ["Amt"], rows: [["1"]] });
    assert.equal(targetOf(amt, "Amt"), "budgetedAmount");
    assert.match(mappingOf(budget({ headers: ["20 Budget"], rows: [["5"]] }), "20 Budget")!.reason, /'20' ignored/);
  });

  it("maps a ledger-style budget, departments found from their names alone", () => {
    const proposal = budget({
      headers: ["Cost Center", "Cost Center Name", "Account", "Account Description", "Period", "Budget", "Currency"],
      rows: [
        ["4100", "Marketing EMEA", "6100", "Travel", "2024-01", "1,000.00", "EUR"],
        ["4200", "Sales", "6200", "Software", "2024-01", "2,000.00", "EUR"],
        ["4300", "Finance", "6300", "Audit fees", "2024-02", "3,000.00", "EUR"],
      ],
    });
    assert.deepEqual(
      proposal.mappings.map((m) => [m.sourceColumn, m.targetField]),
      [
        ["Cost Center", "costCenter"],
        ["Cost Center Name", "department"],
        ["Account Description", "subCategory"],
        ["Period", "fiscalPeriod"],
        ["Budget", "budgetedAmount"],
        ["Currency", "currency"],
      ],
    );
    assert.equal(
      mappingOf(proposal, "Cost Center Name")!.reason,
      "header 'Cost Center Name' names no field; 100% of sample values match known departments, like department",
    );
    assert.match(proposal.unmapped[0]!.reason, /^best guess subCategory \(0\.6\) went to 'Account Description' \(1\)$/);
  });

  it("maps a column with no telling header from its values, with lower confidence", () => {
    const proposal = budget({
      headers: ["Department", "Col2", "Col3", "Col4"],
      rows: [
        ["Sales", "Q1 2024", "1,250.00", "EUR"],
        ["HR", "Q2 2024", "(300.00)", "EUR"],
        ["IT", "Q3 2024", "12,000", "USD"],
        ["Legal", "Q4 2024", "-", "USD"],
      ],
    });
    const amount = mappingOf(proposal, "Col3")!;
    assert.equal(amount.targetField, "budgetedAmount");
    assert.ok(amount.confidence > 0.3 && amount.confidence < 0.6, String(amount.confidence));
    assert.match(amount.reason, /header 'Col3' names no field; 100% of 4 sample values are amounts/);
    assert.equal(targetOf(proposal, "Col2"), "fiscalPeriod");
    assert.equal(targetOf(proposal, "Col4"), "currency");
    assert.ok(mappingOf(proposal, "Department")!.confidence > amount.confidence);
  });

  it("gives the header-named column the target over a value-only look-alike", () => {
    const proposal = budget({
      headers: ["Headcount", "Budget"],
      rows: [
        ["12", "10,000"],
        ["3", "2,500"],
        ["8", "7,000"],
      ],
    });
    assert.equal(targetOf(proposal, "Budget"), "budgetedAmount");
    assert.equal(targetOf(proposal, "Headcount"), undefined);
  });

  it("lets the values decide between targets a header names alike", () => {
    const proposal = budget({
      headers: ["Budget Currency", "Budget Amount"],
      rows: [
        ["EUR", "100"],
        ["USD", "200"],
      ],
    });
    assert.equal(targetOf(proposal, "Budget Currency"), "currency");
    assert.equal(targetOf(proposal, "Budget Amount"), "budgetedAmount");
  });

  it("chooses the best total, not the first grab", () => {
    // "Total Net" fits both fields equally; taking "net" for it (the catalogue's first) would
    // leave "Net" with nothing. The assignment gives each column a field.
    const catalogue: TargetCatalogue = [
      { name: "net", kind: "amount", required: true, aliases: { en: ["net"] } },
      { name: "total", kind: "amount", required: true, aliases: { en: ["total"] } },
    ];
    const proposal = proposeMappings({ headers: ["Total Net", "Net"], rows: [["10", "8"]] }, catalogue);
    assert.deepEqual(
      proposal.mappings.map((m) => [m.sourceColumn, m.targetField]),
      [
        ["Total Net", "total"],
        ["Net", "net"],
      ],
    );
  });

  it("never maps a target twice, however many columns look alike", () => {
    const headers = ["Budget", "Budget 2", "Amount", "Montant", "Betrag", "Dept", "Department", "Afdeling"];
    const proposal = budget({ headers, rows: [["1", "2", "3", "4", "5", "Sales", "HR", "IT"]] });
    assertEachTargetOnce(proposal);
    assert.equal(proposal.mappings.length + proposal.unmapped.length, headers.length);
  });

  it("lists unmapped columns and missing required targets with reasons", () => {
    const proposal = budget({
      headers: ["Department", "Budget", "Notes", ""],
      rows: [
        ["Sales", "100", "call Bob", ""],
        ["HR", "200", "ok", ""],
        ["IT", "300", "see mail", ""],
      ],
    });
    assert.deepEqual(proposal.missingRequired, ["subCategory", "fiscalPeriod", "currency"]);
    assert.deepEqual(
      proposal.unmapped.map((u) => [u.sourceColumn, u.columnIndex, u.reason]),
      [
        ["Notes", 2, "'Notes' matches no field by its header or its values"],
        ["", 3, "column 4 is blank"],
      ],
    );
  });

  it("is deterministic", () => {
    const table: ParsedTable = {
      headers: ["Amount", "Budget", "Value", "Dept", "Period"],
      rows: [["1", "2", "3", "Sales", "2024-01"]],
    };
    const first = JSON.stringify(budget(table));
    for (let i = 0; i < 5; i++) assert.equal(JSON.stringify(budget(table)), first);
  });

  it("keeps its promises on arbitrary tables", () => {
    // Deterministic pseudo-random tables (LCG) of header words, shapes and junk.
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pick = <T>(list: readonly T[]) => list[next(list.length)]!;
    const words = ["Budget", "Dept", "Période", "Währung", "Col", "Amount", "", "Q1", "Name", "Ω", "FY2017", "cc"];
    const cells = [
      "1,234.50",
      "(3)",
      "-",
      "EUR",
      "Sales",
      "2024-01",
      "",
      "Jane Doe",
      "x".repeat(500),
      "\u0000",
      "Q1 2024",
    ];
    for (let round = 0; round < 40; round++) {
      const width = 1 + next(12);
      const headers = Array.from({ length: width }, () => `${pick(words)} ${pick(words)}`.trim());
      const rows = Array.from({ length: next(8) }, () => Array.from({ length: next(width + 2) }, () => pick(cells)));
      const proposal = budget({ headers, rows });
      assertEachTargetOnce(proposal);
      assert.equal(proposal.mappings.length + proposal.unmapped.length, width);
      for (const m of proposal.mappings) assert.ok(m.confidence >= 0.3 && m.confidence <= 1, JSON.stringify(m));
      const mapped = new Set(proposal.mappings.map((m) => m.targetField));
      const missing = BUDGET_TARGETS.filter((t) => t.required && !mapped.has(t.name)).map((t) => t.name);
      assert.deepEqual(proposal.missingRequired, missing);
    }
  });

  it("refuses a table too wide to map", () => {
    const headers = Array.from({ length: 513 }, (_, i) => `c${i}`);
    assert.throws(() => budget({ headers, rows: [] }), /too many columns/);
  });
});

describe("column mapping with another importer's catalogue", () => {
  // A slice of the analytics import's finance_expense fields (seed 003), as #20 will declare them.
  const FINANCE_EXPENSE: TargetCatalogue = [
    { name: "cost_center_id", kind: "code", required: true, aliases: { en: ["cost center"], de: ["kostenstelle"] } },
    { name: "cost_center_name", kind: "text", required: false, aliases: { en: ["cost center description"] } },
    { name: "posting_period", kind: "code", required: true, aliases: { en: ["period"], de: ["periode"] } },
    { name: "general_ledger_fiscal_year", kind: "period", required: true, aliases: { en: ["fiscal year", "year"] } },
    {
      name: "company_code_currency_value",
      kind: "amount",
      required: true,
      aliases: { en: ["amount in company code currency", "amount"] },
    },
    { name: "company_code_currency_key", kind: "currency", required: true, aliases: { en: ["currency"] } },
    { name: "level_1", kind: "text", required: false, aliases: {} },
    { name: "level_7", kind: "text", required: false, aliases: {} },
  ];

  it("maps its own fields, keeping numbered levels apart", () => {
    const proposal = proposeMappings(
      {
        headers: [
          "Level 7",
          "Kostenstelle",
          "Cost Center Name",
          "Periode",
          "Fiscal Year",
          "Amount",
          "Currency",
          "Level 1",
        ],
        rows: [["Travel", "CC100", "Sales North", "3", "2024", "1,234.50", "GBP", "Opex"]],
      },
      FINANCE_EXPENSE,
    );
    assert.deepEqual(
      proposal.mappings.map((m) => [m.sourceColumn, m.targetField]),
      [
        ["Level 7", "level_7"],
        ["Kostenstelle", "cost_center_id"],
        ["Cost Center Name", "cost_center_name"],
        ["Periode", "posting_period"],
        ["Fiscal Year", "general_ledger_fiscal_year"],
        ["Amount", "company_code_currency_value"],
        ["Currency", "company_code_currency_key"],
        ["Level 1", "level_1"],
      ],
    );
    assert.deepEqual(proposal.missingRequired, []);
  });
});
