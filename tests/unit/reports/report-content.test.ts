import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import ExcelJS from "exceljs";
import type { BillingEntry } from "../../../shared/systems/billing/index.js";
import type { MergedProject } from "../../../shared/systems/gateway/index.js";
import {
  buildReportContent,
  type ReportContent,
  type ReportRequest,
  type ReportType,
} from "../../../shared/systems/reports/report-content.js";
import { writeExcelReport } from "../../../shared/systems/reports/excel-report.js";

const AS_OF = "4 Dec 2026 05:00 UTC";
const PERIOD = { start: "2026-01-01", end: "2026-12-31" } as const;

const eur = (amount: string) => ({ amount, currency: "EUR" });

function project(projectId: string, overrides: Partial<MergedProject> = {}): MergedProject {
  return {
    projectId,
    sapInternalId: "00000001",
    name: `Project ${projectId}`,
    department: "FIN",
    companyCode: "1000",
    currency: "EUR",
    responsible: "Ana Lopez",
    startDate: "2025-03-01",
    endDate: "2027-06-30",
    sapStatus: "released",
    status: "active",
    pricing: { model: "fixed_price", contractValue: eur("1000000.00"), plannedMargin: eur("200000.00") },
    costs: { planned: eur("800000.00"), actual: eur("500000.10"), variance: eur("-299999.90"), variancePct: "-37.50" },
    billing: {
      recordedEntries: 0,
      recordedTotal: eur("0.00"),
      billedToDate: eur("400000.00"),
      remainingToBill: eur("600000.00"),
      lastBillingDate: "2026-11-30",
    },
    outsourcing: { outsourcedCost: null, shareOfActualPct: null },
    resourcePlanning: { plannedHours: "100.0", actualHours: "50.0", assignments: [] },
    wbsElements: [],
    metadata: {
      sapProjectCode: projectId,
      customField1: null,
      customField2: null,
      sapChangedOn: null,
      sqlUpdatedAt: null,
      hasSqlRecord: true,
    },
    validation: { consistent: true, issues: [] },
    version: 1,
    ...overrides,
  };
}

let entrySeq = 0;
function entry(projectId: string, billingDate: string, amountMinor: bigint, currency = "EUR"): BillingEntry {
  entrySeq++;
  return {
    entryId: `E-${entrySeq}`,
    projectId,
    sagaId: null,
    kind: "billing",
    pep: null,
    amountMinor,
    currency,
    billingDate,
    description: `Entry ${entrySeq}`,
    status: "ACTIVE",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

function request(reportType: ReportType, range?: { start: string; end: string }): ReportRequest {
  return {
    projectIds: [],
    reportType,
    options: { format: "excel", includeResources: false, ...(range ? { dateRange: range } : {}) },
  };
}

/** A summary figure by its label as the Excel Summary shows it ("Billed (EUR)"). */
/** The content written as an .xlsx (the scope lines as the subtitle, as the service does), read back. */
async function xlsx(content: ReportContent): Promise<ExcelJS.Workbook> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeExcelReport({ ...content, subtitle: content.scope }, sink);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return workbook;
}

const summaryValue = (content: ReportContent, label: string) =>
  content.summary.find((s) => (s.currency ? `${s.label} (${s.currency})` : s.label) === label)?.value;

describe("report content: the period, decided per figure", () => {
  const projects = [project("PRJ-000001"), project("PRJ-000002", { currency: "USD" })].map((p) =>
    p.currency === "USD"
      ? {
          ...p,
          pricing: { ...p.pricing, contractValue: { amount: "10.00", currency: "USD" } },
          costs: { planned: null, actual: null, variance: null, variancePct: null },
          billing: { ...p.billing, billedToDate: null, remainingToBill: null },
        }
      : p,
  );
  const billing = new Map([
    [
      "PRJ-000001",
      [
        entry("PRJ-000001", "2025-12-31", 100_000n), // before the period
        entry("PRJ-000001", "2026-01-01", 123_456_789n), // first day: in
        entry("PRJ-000001", "2026-12-31", 1n), // last day: in
        entry("PRJ-000001", "2027-01-01", 7_00n), // after
        entry("PRJ-000001", "2026-06-01", 5_00n, "USD"), // another currency: never added
      ],
    ],
    ["PRJ-000002", [entry("PRJ-000002", "2026-02-02", 2_50n, "USD")]],
  ]);

  it("financial summary: the period applies to Billed in period only; SAP's figures are said to be lifetime, as of", () => {
    const content = buildReportContent(request("financial_summary", PERIOD), {
      projects,
      billing,
      notFound: [],
      asOf: AS_OF,
    });
    assert.deepEqual(content.scope, [
      "Period 2026-01-01 to 2026-12-31: applied to Billed in period only (billing entries by billing date).",
      `As of ${AS_OF}: contract value, planned and actual cost, variance, billed to date and remaining to bill are lifetime figures from SAP, not limited to the period.`,
    ]);
    const first = content.details.rows.find((r) => r.projectId === "PRJ-000001")!;
    assert.equal(first.billedInPeriod, "1234567.90", "entries dated in the period, both ends included, exactly");
    assert.equal(first.billedToDate, "400000.00", "SAP's lifetime figure, untouched by the period");
    assert.equal(first.contractValue, "1000000.00");
    assert.equal(content.details.rows.find((r) => r.projectId === "PRJ-000002")!.billedInPeriod, "2.50");
    assert.equal(summaryValue(content, "Billed in period (EUR)"), "1234567.90");
    assert.equal(summaryValue(content, "Billed in period (USD)"), "2.50");
    assert.equal(summaryValue(content, "Billed to date (EUR)"), "400000.00");
    assert.ok(content.details.columns.some((c) => c.key === "billedInPeriod" && c.header === "Billed in period"));
    assert.deepEqual(content.warnings, [
      "Project PRJ-000001: billing entries of 5.00 USD in the period are not in the project currency EUR and are left out of Billed in period",
    ]);
  });

  it("financial summary without a period: no period anywhere, no Billed in period, lifetime as of", () => {
    const content = buildReportContent(request("financial_summary"), { projects, billing, notFound: [], asOf: AS_OF });
    assert.deepEqual(content.scope, [
      `As of ${AS_OF}: contract value, planned and actual cost, variance, billed to date and remaining to bill are lifetime figures from SAP; no period applied.`,
    ]);
    assert.ok(!content.details.columns.some((c) => c.key === "billedInPeriod"));
    assert.ok(!content.summary.some((s) => /period/i.test(s.label)));
    assert.deepEqual(content.warnings, []);
  });

  it("financial summary: a project without a valid currency is named, its amounts not totalled", () => {
    const content = buildReportContent(request("financial_summary", PERIOD), {
      projects: [project("PRJ-000055", { currency: null })],
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
    });
    assert.deepEqual(content.warnings, ["Project PRJ-000055: no valid currency in SAP; its amounts are left out"]);
    assert.equal(summaryValue(content, "Contract value (EUR)"), undefined);
  });

  it("project status: the period decides In period (planned start to end overlaps it); status and hours are current", () => {
    const content = buildReportContent(request("project_status", PERIOD), {
      projects: [
        project("PRJ-000001"), // 2025-03-01 .. 2027-06-30: overlaps
        project("PRJ-000002", { startDate: "2024-01-01", endDate: "2025-12-31" }), // ends the day before
        project("PRJ-000003", { startDate: "2026-12-31", endDate: null }), // starts on the last day, open
        project("PRJ-000004", { startDate: "2027-01-01", endDate: null }), // starts after
        project("PRJ-000005", { startDate: null }),
      ],
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
    });
    assert.deepEqual(
      content.details.rows.map((r) => [r.projectId, r.inPeriod]),
      [
        ["PRJ-000001", "yes"],
        ["PRJ-000002", "no"],
        ["PRJ-000003", "yes"],
        ["PRJ-000004", "no"],
        ["PRJ-000005", "unknown"],
      ],
    );
    assert.equal(summaryValue(content, "Projects in period"), "2");
    assert.equal(summaryValue(content, "Projects"), "5", "every requested project is listed, none hidden");
    assert.match(content.scope[0]!, /^Period 2026-01-01 to 2026-12-31: applied to In period only/);
    assert.match(
      content.scope[1]!,
      /^As of 4 Dec 2026 05:00 UTC: .*hours are current figures, not limited to the period/,
    );
    const without = buildReportContent(request("project_status"), {
      projects: [project("PRJ-000001")],
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
    });
    assert.ok(!without.details.columns.some((c) => c.key === "inPeriod"));
    assert.doesNotMatch(without.scope.join(" "), /Period/);
  });

  it("billing report: the period applies to every entry and total", () => {
    const content = buildReportContent(request("billing_report", PERIOD), {
      projects: [project("PRJ-000001")],
      billing,
      notFound: [],
      asOf: AS_OF,
    });
    assert.deepEqual(content.scope, [
      `Period 2026-01-01 to 2026-12-31: applied to every billing entry (by billing date) and every total; entries as recorded ${AS_OF}.`,
    ]);
    assert.deepEqual(
      content.details.rows.map((r) => r.billingDate),
      ["2026-01-01", "2026-12-31", "2026-06-01"],
    );
    assert.equal(summaryValue(content, "Billed (EUR)"), "1234567.90");
    assert.equal(summaryValue(content, "Billed (USD)"), "5.00");
  });

  it("says resources' hours are lifetime figures", () => {
    const content = buildReportContent(
      { ...request("billing_report", PERIOD), options: { format: "pdf", includeResources: true, dateRange: PERIOD } },
      { projects: [project("PRJ-000001")], billing: new Map(), notFound: [], asOf: AS_OF },
    );
    assert.equal(
      content.scope.at(-1),
      `Resources: planned and actual hours are lifetime figures from SAP as of ${AS_OF}, not limited to the period.`,
    );
  });
});

describe("report content: totals per currency", () => {
  const usd = (amount: string) => ({ amount, currency: "USD" });
  const projects = [
    project("PRJ-000001"),
    project("PRJ-000002", {
      currency: "USD",
      pricing: { model: "time_and_materials", contractValue: usd("10.01"), plannedMargin: null },
      costs: { planned: usd("8.00"), actual: null, variance: null, variancePct: null },
      billing: {
        recordedEntries: 0,
        recordedTotal: null,
        billedToDate: usd("0.99"),
        remainingToBill: usd("9.02"),
        lastBillingDate: null,
      },
    }),
    project("PRJ-000003", {
      pricing: { model: "fixed_price", contractValue: eur("0.01"), plannedMargin: null },
    }),
    project("PRJ-000055", { currency: null }),
  ];

  it("financial summary: one totals row per currency, every money column summed exactly, never across currencies", () => {
    const content = buildReportContent(request("financial_summary"), {
      projects,
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
    });
    assert.deepEqual(content.details.totals, [
      {
        projectId: "Total",
        currency: "EUR",
        contractValue: "1000000.01",
        plannedCost: "1600000.00",
        actualCost: "1000000.20",
        variance: "-599999.80",
        billedToDate: "800000.00",
        remainingToBill: "1200000.00",
      },
      {
        projectId: "Total",
        currency: "USD",
        contractValue: "10.01",
        plannedCost: "8.00",
        actualCost: null,
        variance: null,
        billedToDate: "0.99",
        remainingToBill: "9.02",
      },
    ]);
    assert.equal(summaryValue(content, "Contract value (EUR)"), "1000000.01", "the summary agrees with the totals");
    assert.equal(summaryValue(content, "Contract value (USD)"), "10.01");
  });

  it("billing report: the amount totalled per currency", () => {
    const content = buildReportContent(request("billing_report"), {
      projects: [project("PRJ-000001")],
      billing: new Map([
        [
          "PRJ-000001",
          [
            entry("PRJ-000001", "2026-01-01", 1n),
            entry("PRJ-000001", "2026-01-02", 2n, "USD"),
            entry("PRJ-000001", "2026-01-03", 999_999_999_999_999_99n),
          ],
        ],
      ]),
      notFound: [],
      asOf: AS_OF,
    });
    assert.deepEqual(content.details.totals, [
      { projectId: "Total", currency: "EUR", amount: "1000000000000000.00" },
      { projectId: "Total", currency: "USD", amount: "0.02" },
    ]);
  });

  it("project status has no money, so no totals", () => {
    const content = buildReportContent(request("project_status"), {
      projects,
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
    });
    assert.equal(content.details.totals, undefined);
  });
});

describe("report content: people's names beside resource ids", () => {
  const withPlan = project("PRJ-000001", {
    resourcePlanning: {
      plannedHours: "30.0",
      actualHours: "12.0",
      assignments: [
        { resourceId: "00001001", pep: "PRJ-000001.01", plannedHours: "10.0", actualHours: "4.0" },
        { resourceId: "00001002", pep: "PRJ-000001.01", plannedHours: "10.0", actualHours: "4.0" },
        { resourceId: "00009999", pep: "PRJ-000001.02", plannedHours: "10.0", actualHours: "4.0" },
      ],
    },
  });
  const names = new Map([
    ["00001001", "Ana Lopez"],
    ["00001002", "Jan de Vries"],
  ]);
  const withResources = (): ReportRequest => ({
    projectIds: [],
    reportType: "project_status",
    options: { format: "excel", includeResources: true },
  });

  it("puts the name next to the id, and names an id SAP does not know in a warning", () => {
    const content = buildReportContent(withResources(), {
      projects: [withPlan],
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
      resourceNames: names,
    });
    const resources = content.extra.find((t) => t.name === "Resources")!;
    assert.deepEqual(resources.columns.map((c) => c.header).slice(0, 3), ["Project", "Resource", "Name"]);
    assert.deepEqual(
      resources.rows.map((r) => [r.resourceId, r.name]),
      [
        ["00001001", "Ana Lopez"],
        ["00001002", "Jan de Vries"],
        ["00009999", null],
      ],
    );
    assert.deepEqual(content.warnings, ["Resource 00009999: not found in SAP resources; shown without a name"]);
  });

  it("writes the names into the Resources sheet", async () => {
    const content = buildReportContent(withResources(), {
      projects: [withPlan],
      billing: new Map(),
      notFound: [],
      asOf: AS_OF,
      resourceNames: names,
    });
    const workbook = await xlsx(content);
    const sheet = workbook.getWorksheet("Resources")!;
    assert.deepEqual(
      [2, 3].map((n) => [sheet.getCell(`B${n}`).value, sheet.getCell(`C${n}`).value]),
      [
        ["00001001", "Ana Lopez"],
        ["00001002", "Jan de Vries"],
      ],
    );
    assert.equal(sheet.getCell("C1").value, "Name");
  });
});

describe("report content in an .xlsx: the Summary says what the period applies to", () => {
  it("writes the scope lines under the title and the Billed in period column", async () => {
    const content = buildReportContent(request("financial_summary", PERIOD), {
      projects: [project("PRJ-000001")],
      billing: new Map([["PRJ-000001", [entry("PRJ-000001", "2026-05-05", 12_345n)]]]),
      notFound: [],
      asOf: AS_OF,
    });
    const workbook = await xlsx(content);
    const summary = workbook.getWorksheet("Summary")!;
    assert.equal(summary.getCell("A1").value, "Financial summary");
    assert.match(
      String(summary.getCell("A2").value),
      /^Period 2026-01-01 to 2026-12-31: applied to Billed in period only/,
    );
    assert.match(String(summary.getCell("A3").value), /^As of 4 Dec 2026 05:00 UTC: .* lifetime figures from SAP/);
    const text = summary.getSheetValues().flat().map(String).join("\n");
    assert.doesNotMatch(
      text.replace(summary.getCell("A2").text, ""),
      /2026-01-01/,
      "the period is printed once, with what it applies to",
    );
    const details = workbook.getWorksheet("Details")!;
    const header = (details.getRow(1).values as unknown[]).slice(1);
    const col = header.indexOf("Billed in period") + 1;
    assert.ok(col > 0);
    assert.equal(details.getRow(2).getCell(col).value, 123.45);
  });
});
