import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  analyzeBudgetColumns,
  detectFileType,
  type ParsedTable,
} from "../../../../shared/kernel/column-mapping/index.js";

const BUDGET: ParsedTable = {
  headers: ["Department", "Sub Category", "Fiscal Period", "Budgeted Amount", "Currency", "Cost Center"],
  rows: [
    ["Engineering", "Software", "FY2025 P01", "12,000.00", "USD", "CC-100"],
    ["Marketing", "Events", "FY2025 P01", "8,500.00", "USD", "CC-200"],
    ["Sales", "Travel", "FY2025 P02", "4,000.00", "USD", "CC-300"],
  ],
};

describe("file-type detection", () => {
  it("accepts a budget without warnings", () => {
    const verdict = detectFileType(BUDGET);
    assert.equal(verdict.canProceed, true);
    assert.equal(verdict.fileTypeDetection.likelyFileType, "budget");
    assert.ok(verdict.fileTypeDetection.budgetConfidence >= 0.95, String(verdict.fileTypeDetection.budgetConfidence));
    assert.deepEqual(verdict.fileTypeDetection.warnings, []);
    assert.equal(verdict.fileTypeDetection.containsPersonalData, false);
  });

  it("refuses a payroll export and flags its personal data", () => {
    const verdict = detectFileType({
      headers: ["Employee Name", "Department", "Pay Period", "Gross Pay", "Net Pay", "IBAN"],
      rows: [
        ["Jane Doe", "Sales", "2024-01", "5,000.00", "3,800.00", "GB82 WEST 1234 5698 7654 32"],
        ["John Smith", "HR", "2024-01", "4,000.00", "3,100.00", "DE89370400440532013000"],
      ],
    });
    assert.equal(verdict.canProceed, false);
    assert.equal(verdict.fileTypeDetection.likelyFileType, "payroll");
    assert.equal(verdict.fileTypeDetection.confidence, 1);
    assert.equal(verdict.fileTypeDetection.containsPersonalData, true);
    assert.ok(verdict.fileTypeDetection.budgetConfidence < 0.5);
    assert.deepEqual(verdict.fileTypeDetection.warnings, [
      "This looks like a payroll file (columns 'Employee Name', 'Gross Pay', 'IBAN'), not a budget: it cannot be imported as one. It holds personal data and is not kept.",
    ]);
  });

  it("recognises payroll from values under neutral headers", () => {
    const verdict = detectFileType({
      headers: ["Col A", "Salaris", "Col C"],
      rows: [
        ["Jan de Vries", "3.200,00", "NL91 ABNA 0417 1643 00"],
        ["Anna Jansen", "2.900,00", "NL91ABNA0417164300"],
        ["Piet Bakker", "4.100,00", "NL91 ABNA 0417 1643 00"],
      ],
    });
    assert.equal(verdict.fileTypeDetection.likelyFileType, "payroll");
    assert.equal(verdict.canProceed, false);
  });

  it("refuses an expense report", () => {
    const verdict = detectFileType({
      headers: ["Employee", "Expense Date", "Merchant", "Category", "Amount", "Currency"],
      rows: [
        ["J. Doe", "2024-03-02", "Hilton", "Lodging", "240.00", "EUR"],
        ["A. Roe", "2024-03-04", "Uber", "Travel", "32.50", "EUR"],
      ],
    });
    assert.equal(verdict.canProceed, false);
    assert.equal(verdict.fileTypeDetection.likelyFileType, "expenses");
    assert.match(
      verdict.fileTypeDetection.warnings[0]!,
      /^This looks like an expense report \(columns 'Employee', 'Expense Date', /,
    );
    assert.equal(verdict.fileTypeDetection.containsPersonalData, false);
  });

  it("refuses an invoice register, in German too", () => {
    const english = detectFileType({
      headers: ["Invoice Number", "Vendor", "Invoice Date", "Due Date", "Net Amount", "VAT", "Total"],
      rows: [["INV-001", "Acme", "2024-01-05", "2024-02-04", "100.00", "21.00", "121.00"]],
    });
    assert.equal(english.fileTypeDetection.likelyFileType, "invoice");
    assert.equal(english.fileTypeDetection.confidence, 1);
    assert.equal(english.canProceed, false);
    assert.match(english.fileTypeDetection.warnings[0]!, /invoice register/);
    const german = detectFileType({
      headers: ["Rechnungsnummer", "Lieferant", "Rechnungsdatum", "Fälligkeitsdatum", "MwSt", "Gesamtbetrag"],
      rows: [["R-1", "Muster GmbH", "05.01.2024", "04.02.2024", "19,00", "119,00"]],
    });
    assert.equal(german.fileTypeDetection.likelyFileType, "invoice");
    assert.equal(german.canProceed, false);
  });

  it("refuses short registers that name only their essentials", () => {
    const invoices = detectFileType({
      headers: ["Customer", "Invoice No", "Date", "Amount", "Tax"],
      rows: [["Acme", "2024-001", "2024-01-05", "100.00", "21.00"]],
    });
    assert.equal(invoices.fileTypeDetection.likelyFileType, "invoice");
    const expenses = detectFileType({
      headers: ["Employee", "Date", "Description", "Amount"],
      rows: [["J. Doe", "2024-03-02", "Taxi to client", "32.50"]],
    });
    assert.equal(expenses.fileTypeDetection.likelyFileType, "expenses");
    const payroll = detectFileType({ headers: ["Name", "Salary"], rows: [["Jane Doe", "5000"]] });
    assert.equal(payroll.fileTypeDetection.likelyFileType, "payroll");
    for (const verdict of [invoices, expenses, payroll]) assert.equal(verdict.canProceed, false);
  });

  it("accepts a budget that merely has a date and a category, and one with a salary line header", () => {
    const verdict = detectFileType({
      headers: ["Department", "Category", "Date", "Salary Budget", "Currency"],
      rows: [["Sales", "Salaries", "2024-01-01", "100,000", "EUR"]],
    });
    assert.equal(verdict.fileTypeDetection.likelyFileType, "budget");
    assert.equal(verdict.canProceed, true);
  });

  it("warns, but proceeds, when a budget hides personal data or few budget columns", () => {
    const verdict = detectFileType({
      headers: ["Department", "Budget", "Bank Details"],
      rows: [
        ["Sales", "100", "GB82 WEST 1234 5698 7654 32"],
        ["HR", "200", "DE89370400440532013000"],
      ],
    });
    assert.equal(verdict.canProceed, true);
    assert.equal(verdict.fileTypeDetection.containsPersonalData, true);
    assert.deepEqual(verdict.fileTypeDetection.warnings, [
      "Few budget columns were recognised (budget confidence 0.4; not found: subCategory, fiscalPeriod, currency).",
      "Columns 'Bank Details' hold personal data (IBANs or social security numbers).",
    ]);
  });
});

describe("budget column analysis", () => {
  it("answers mappings, the verdict and the header-shape key together", () => {
    const analysis = analyzeBudgetColumns(BUDGET);
    assert.equal(analysis.mappings.length, 6);
    assert.equal(analysis.canProceed, true);
    assert.match(analysis.headerShapeKey, /^hs1:[0-9a-f]{64}$/);
  });
});
