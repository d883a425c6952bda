import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ContainerClient } from "@azure/storage-blob";
import ExcelJS from "exceljs";
import { ManualClock } from "../../support/manual-clock.js";
import { apiClient, startTestHost, type TestHost, loginAs, tokenFor } from "../../support/test-host.js";
import { eventually } from "../../support/eventually.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let analyst: string;
let other: string;

function waitForStatus(reportId: string, token: string, statuses: string[]): Promise<any> {
  return eventually(
    `report ${reportId} to be ${statuses.join(" or ")}`,
    async () => {
      const r = await call("GET", `/api/v1/reports/${reportId}`, { token });
      return statuses.includes(r.body.data?.status) && r.body.data;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

async function download(path: string, token: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const r = await fetch(host.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get("content-type"), bytes: Buffer.from(await r.arrayBuffer()) };
}

async function reportBlobs(reportId: string): Promise<string[]> {
  const container = new ContainerClient(host.platform.settings.BLOB_CONNECTION_STRING!, "reports");
  const names: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: reportId })) names.push(blob.name);
  return names;
}

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  let text = "";
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((item) => ("str" in item ? item.str : "")).join(" ") + "\n";
  }
  return text.replace(/\s+/g, " ");
}

describe("asynchronous reports", () => {
  before(async () => {
    host = await startTestHost(
      {
        SAP_SIMULATOR_PROJECTS: "60",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
        REPORT_MAX_ATTEMPTS: "2",
      },
      { queuePollMs: 50 },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    analyst = await tokenFor(call, admin, "report-analyst", ["analyst"]);
    other = await tokenFor(call, admin, "report-other", ["viewer"]);
  });
  after(async () => host?.stop());

  it("generates an Excel report: QUEUED, then COMPLETED with a file that opens, formula-like text kept as text", async () => {
    const etag = (await call("GET", "/api/v1/projects/PRJ-000002", { token: admin })).headers.get("etag")!;
    const renamed = await call("PATCH", "/api/v1/projects/PRJ-000002", {
      token: admin,
      headers: { "if-match": etag },
      body: { name: '=HYPERLINK("http://evil.example","x")' },
    });
    assert.equal(renamed.status, 200);
    const project1 = (await call("GET", "/api/v1/projects/PRJ-000001", { token: analyst })).body.data;

    const r = await call("POST", "/api/v1/reports/generate", {
      token: analyst,
      body: {
        projectIds: ["PRJ-000001", "PRJ-000002", "PRJ-000003", "PRJ-999999"],
        reportType: "financial_summary",
        options: { format: "excel", dateRange: { start: "2026-01-01", end: "2026-12-31" }, includeResources: true },
      },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, "QUEUED");
    const done = await waitForStatus(r.body.data.reportId, analyst, ["COMPLETED", "FAILED"]);
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    assert.equal(done.progress, 100);
    assert.equal(done.rowCount, 3);
    assert.ok(done.downloadUrl);
    assert.deepEqual(done.warnings, ["Project PRJ-999999: not found in SAP"]);

    const file = await download(done.downloadUrl, analyst);
    assert.equal(file.status, 200);
    assert.match(file.type ?? "", /spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    assert.deepEqual(
      workbook.worksheets.map((w) => w.name),
      ["Summary", "Warnings", "Details", "Chart data", "Resources"],
    );
    const details = workbook.getWorksheet("Details")!;
    const header = (details.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header.slice(0, 5), ["Project", "Name", "Department", "Currency", "Contract value"]);
    const rows = [2, 3, 4].map((n) => details.getRow(n));
    const first = rows.find((row) => row.getCell(1).value === "PRJ-000001")!;
    assert.equal(Number(first.getCell(5).value), Number(project1.pricing.contractValue.amount));
    const evil = rows.find((row) => row.getCell(1).value === "PRJ-000002")!.getCell(2);
    assert.equal(evil.formula, undefined, "never a formula");
    assert.match(String(evil.text), /HYPERLINK/);
    const totalRows = [6, 7, 8].map((n) => details.getRow(n)).filter((row) => row.getCell(1).value === "Total");
    assert.ok(totalRows.length >= 1, "a totals row per currency below the data");
    const currencies = totalRows.map((row) => row.getCell(4).value);
    assert.equal(new Set(currencies).size, currencies.length, "one per currency");
    assert.equal(details.pageSetup.orientation, "landscape");
    assert.equal(details.pageSetup.fitToWidth, 1);
    const resources = workbook.getWorksheet("Resources")!;
    assert.deepEqual((resources.getRow(1).values as unknown[]).slice(1, 4), ["Project", "Resource", "Name"]);
    const people = new Map<string, string>();
    for (let page = 1, pages = 1; page <= pages; page++) {
      const r = (await call("GET", `/api/v1/resources?pageSize=100&page=${page}`, { token: analyst })).body.data;
      for (const item of r.items) people.set(item.resourceId, item.name);
      pages = r.pagination.totalPages;
    }
    assert.ok(resources.actualRowCount > 1);
    for (let n = 2; n <= resources.actualRowCount; n++) {
      const [id, name] = [resources.getCell(`B${n}`).value, resources.getCell(`C${n}`).value];
      assert.ok(typeof name === "string" && name.length > 0, `row ${n}: a name beside ${String(id)}`);
      assert.equal(name, people.get(String(id)), "the name GET /api/v1/resources gives");
    }
    const summaryText = workbook.getWorksheet("Summary")!.getSheetValues().flat().map(String).join(" ");
    assert.match(summaryText, /1 warning: see the Warnings sheet/);
    assert.match(summaryText, /Period 2026-01-01 to 2026-12-31: applied to Billed in period only/);
    assert.match(summaryText, /As of .* UTC: contract value, .* lifetime figures from SAP, not limited to the period/);
    assert.equal(
      workbook.getWorksheet("Warnings")!.getCell("A2").value,
      "Project PRJ-999999: not found in SAP",
      "the unknown project is named, not silently dropped",
    );

    assert.deepEqual(await reportBlobs(done.reportId), [`${done.reportId}.xlsx`]);
    const notices = await host.platform.queue.receive("task-completed", 20);
    assert.ok(
      notices.some(
        (m) =>
          JSON.stringify(m.body) === JSON.stringify({ taskType: "report", taskId: done.reportId, status: "COMPLETED" }),
      ),
    );
    const metrics = (await call("GET", "/api/metrics", { token: admin })).body as string;
    assert.match(metrics, /reports_generated_total\{report_type="financial_summary",status="COMPLETED"\} 1/);
  });

  it("generates a PDF report that parses, with the title, the period and the projects", async () => {
    const r = await call("POST", "/api/v1/reports/generate", {
      token: analyst,
      body: {
        projectIds: ["PRJ-000004", "PRJ-000005"],
        reportType: "project_status",
        options: { format: "pdf", dateRange: { start: "2026-01-01", end: "2026-06-30" } },
      },
    });
    const done = await waitForStatus(r.body.data.reportId, analyst, ["COMPLETED", "FAILED"]);
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    const file = await download(done.downloadUrl, analyst);
    assert.equal(file.type, "application/pdf");
    assert.equal(file.bytes.subarray(0, 5).toString(), "%PDF-");
    const text = await pdfText(file.bytes);
    assert.match(text, /Project status/);
    assert.match(text, /2026-01-01/);
    assert.match(text, /PRJ-000004/);
    assert.match(text, /report- ?analyst/);
  });

  it("completes a report of projects SAP does not know with a warning in its status and its file", async () => {
    const r = await call("POST", "/api/v1/reports/generate", {
      token: analyst,
      body: { projectIds: ["PRJ-999999"], reportType: "billing_report", options: { format: "pdf" } },
    });
    const queued = await call("GET", `/api/v1/reports/${r.body.data.reportId}`, { token: analyst });
    assert.ok(Array.isArray(queued.body.data.warnings), "the status always carries warnings");
    const done = await waitForStatus(r.body.data.reportId, analyst, ["COMPLETED", "FAILED"]);
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    assert.equal(done.rowCount, 0);
    assert.deepEqual(done.warnings, ["Project PRJ-999999: not found in SAP"]);
    const listed = (await call("GET", "/api/v1/reports", { token: analyst })).body.data.items;
    assert.deepEqual(listed.find((item: any) => item.reportId === done.reportId).warnings, done.warnings);
    const text = await pdfText((await download(done.downloadUrl, analyst)).bytes);
    assert.match(text, /Warnings.*Project PRJ-999999: not found in SAP/);
  });

  it("shows a report only to its requester and admins", async () => {
    const mine = (await call("GET", "/api/v1/reports", { token: analyst })).body.data;
    assert.ok(mine.items.length >= 2);
    const reportId = mine.items[0].reportId;
    assert.equal((await call("GET", `/api/v1/reports/${reportId}`, { token: other })).status, 404);
    assert.equal((await download(`/api/v1/reports/${reportId}/download`, other)).status, 404);
    assert.equal((await call("GET", "/api/v1/reports", { token: other })).body.data.pagination.total, 0);
    assert.equal((await call("GET", `/api/v1/reports/${reportId}`, { token: admin })).status, 200);
  });

  it("finishes a report whose worker died while PROCESSING, with one file, and ignores a repeated request", async () => {
    const r = await call("POST", "/api/v1/reports/generate", {
      token: analyst,
      body: { projectIds: ["PRJ-000006"], reportType: "billing_report", options: { format: "excel" } },
    });
    const reportId = r.body.data.reportId as string;
    await waitForStatus(reportId, analyst, ["COMPLETED"]);
    // As if a worker had died mid-way: PROCESSING, and the message delivered again.
    await host.platform.database.db
      .updateTable("report_requests")
      .set({ status: "PROCESSING", progress: 40 })
      .where("report_id", "=", reportId)
      .execute();
    await host.platform.queue.send("report-requests", { messageId: `${reportId}:redelivered`, body: { reportId } });
    const done = await waitForStatus(reportId, analyst, ["COMPLETED", "FAILED"]);
    assert.equal(done.status, "COMPLETED");
    assert.equal(done.attempts, 2);
    await host.platform.queue.send("report-requests", { messageId: `${reportId}:again`, body: { reportId } });
    await new Promise((res) => setTimeout(res, 500));
    const after = (await call("GET", `/api/v1/reports/${reportId}`, { token: analyst })).body.data;
    assert.equal(after.attempts, 2, "a finished report is left alone");
    assert.deepEqual(await reportBlobs(reportId), [`${reportId}.xlsx`], "one file");
  });

  it("retries a failing report with backoff and ends FAILED after the last attempt, never stuck PROCESSING", async () => {
    const sap = host.platform.simulators.sap!;
    sap.setControls({ failFunctions: ["Z_READ_PROJECT_DATA"] });
    try {
      const r = await call("POST", "/api/v1/reports/generate", {
        token: analyst,
        body: { projectIds: ["PRJ-000050"], reportType: "financial_summary", options: { format: "pdf" } },
      });
      const reportId = r.body.data.reportId as string;
      const first = await waitForStatus(reportId, analyst, ["QUEUED"]);
      await new Promise((res) => setTimeout(res, 300));
      const retrying = (await call("GET", `/api/v1/reports/${reportId}`, { token: analyst })).body.data;
      assert.equal(retrying.status, "QUEUED", JSON.stringify(first));
      assert.match(retrying.error, /attempt 1 failed.*retrying in 15 s/);
      // The retry is scheduled 15 s ahead; deliver it now instead of waiting.
      await host.platform.queue.send("report-requests", { messageId: `${reportId}:now`, body: { reportId } });
      const failed = await waitForStatus(reportId, analyst, ["FAILED"]);
      assert.equal(failed.status, "FAILED");
      assert.match(failed.error, /after 2 attempts/);
    } finally {
      sap.setControls({ failFunctions: [] });
    }
  });

  it("validates the request, naming the field", async () => {
    const bad = await call("POST", "/api/v1/reports/generate", {
      token: analyst,
      body: {
        projectIds: [],
        reportType: "everything",
        options: { format: "excel", dateRange: { start: "2026-02-01", end: "2026-01-01" } },
      },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.fields.map((f: any) => f.field).sort(), [
      "options.dateRange.start",
      "projectIds",
      "reportType",
    ]);
  });
});

describe("reports on a fixed clock: file names and local times", () => {
  // 23:30 UTC on 15 March is already 16 March in Brussels (UTC+01:00 until 29 March).
  const clock = new ManualClock("2026-03-15T23:30:00Z");
  let fixed: TestHost;
  let request: ReturnType<typeof apiClient>;
  let token: string;

  async function finished(reportId: string): Promise<any> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await request("GET", `/api/v1/reports/${reportId}`, { token });
      if (["COMPLETED", "FAILED"].includes(r.body.data?.status) || Date.now() > deadline) return r.body.data;
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  before(async () => {
    fixed = await startTestHost(
      {
        SAP_SIMULATOR_PROJECTS: "10",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
        REPORT_TIME_ZONE: "Europe/Brussels",
      },
      { queuePollMs: 50, clock },
    );
    request = apiClient(fixed.url);
    token = await loginAs(request);
  });
  after(async () => fixed?.stop());

  it("names the download after the report type, its period and its id", async () => {
    const r = await request("POST", "/api/v1/reports/generate", {
      token,
      body: {
        projectIds: ["PRJ-000001"],
        reportType: "financial_summary",
        options: { format: "excel", dateRange: { start: "2026-01-01", end: "2026-12-31" } },
      },
    });
    const done = await finished(r.body.data.reportId);
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    const file = await fetch(fixed.url + done.downloadUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(file.status, 200);
    assert.equal(
      file.headers.get("content-disposition"),
      `attachment; filename="financial-summary_2026-01-01_2026-12-31_${done.reportId.slice(0, 8)}.xlsx"`,
    );
    await file.arrayBuffer();
  });

  it("without a period: 'as-of' the local date, and the file shows local times with the zone named", async () => {
    const r = await request("POST", "/api/v1/reports/generate", {
      token,
      body: { projectIds: ["PRJ-000002", "PRJ-999999"], reportType: "project_status", options: { format: "pdf" } },
    });
    const done = await finished(r.body.data.reportId);
    assert.equal(done.status, "COMPLETED", JSON.stringify(done));
    assert.deepEqual(done.warnings, ["Project PRJ-999999: not found in SAP"]);
    const file = await fetch(fixed.url + done.downloadUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(
      file.headers.get("content-disposition"),
      `attachment; filename="project-status_as-of-2026-03-16_${done.reportId.slice(0, 8)}.pdf"`,
    );
    const text = await pdfText(Buffer.from(await file.arrayBuffer()));
    assert.match(text, /Generated at: 16 Mar 2026 00:30 Europe\/ ?Brussels \(UTC\+01:00\)/);
    assert.match(
      text,
      /As of 16 Mar 2026 00:30 Europe\/ ?Brussels \(UTC\+01:00\): SAP status, .* current figures; no period applied/,
    );
    assert.doesNotMatch(text, /Period /, "no period was asked for, none is printed");
    assert.match(text, /Warnings .*Project PRJ-999999: not found in SAP/);
  });
});
