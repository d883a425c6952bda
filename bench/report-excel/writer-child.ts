// One measurement of the report-excel benchmark, in its own process so its peak RSS is its own:
// `node writer-child.js <bare|ours> <rows> <file>`; sends one ChildResult over IPC and exits.
import { createWriteStream, statSync } from "node:fs";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import ExcelJS from "exceljs";
import { processMemoryBytes } from "../lib/process-memory.js";
import { writeExcelReport, type ReportColumn, type ReportRow } from "../../shared/systems/reports/excel-report.js";

export interface ChildResult {
  readonly target: "bare" | "ours";
  readonly rows: number;
  /** From the first row to the output's 'finish' (file written and closed). */
  readonly ms: number;
  /** VmHWM at the end: the kernel's peak resident set size of this process. */
  readonly peakRssBytes: number;
  /** Highest process.memoryUsage().rss seen by a 20 ms sampler (misses peaks between samples and while the loop is busy). */
  readonly sampledPeakRssBytes: number;
  /** RSS after loading everything, before the first row: the floor both targets share. */
  readonly startRssBytes: number;
  readonly fileBytes: number;
}

const COLUMNS: readonly ReportColumn[] = [
  { key: "projectId", header: "Project", kind: "text", width: 14 },
  { key: "amount", header: "Amount", kind: "money" },
  { key: "billingDate", header: "Billing date", kind: "date" },
  { key: "quantity", header: "Quantity", kind: "number" },
  { key: "description", header: "Description", kind: "text", width: 40 },
];

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 1);

/** Row i of the data set both targets write: text, money, date, number, text (distinct values). */
function benchRow(i: number): ReportRow {
  return {
    projectId: `PRJ-${String(i).padStart(7, "0")}`,
    amount: `${(i * 37) % 1_000_000}.${String(i % 100).padStart(2, "0")}`,
    billingDate: new Date(START + (i % 730) * DAY_MS).toISOString().slice(0, 10),
    quantity: String(i % 1000),
    description: `Billing line ${i} for cost centre CC-${i % 97}`,
  };
}

function* rows(count: number): Generator<ReportRow> {
  for (let i = 0; i < count; i++) yield benchRow(i);
}

/** The writer: exceljs's streaming WorkbookWriter writing to a file by name, a row at a time, committing each, yielding to the loop every 1,000 rows. */
async function bare(count: number, file: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file });
  const sheet = workbook.addWorksheet("Details");
  let i = 0;
  for (const row of rows(count)) {
    sheet
      .addRow([
        row.projectId,
        Number(row.amount),
        new Date(`${row.billingDate}T00:00:00Z`),
        Number(row.quantity),
        row.description,
      ])
      .commit();
    if (++i % 1000 === 0) await yieldToLoop();
  }
  sheet.commit();
  await workbook.commit();
}

async function ours(count: number, file: string): Promise<void> {
  await writeExcelReport(
    {
      title: "Benchmark report",
      subtitle: [`${count} rows`],
      summary: [{ label: "Rows", value: String(count), kind: "number" }],
      details: { name: "Details", columns: COLUMNS, rows: rows(count) },
      chartData: { name: "Chart data", columns: COLUMNS.slice(0, 2), rows: [benchRow(0), benchRow(1)] },
    },
    createWriteStream(file),
  );
}

async function main(): Promise<void> {
  const [target, count, file] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
  if ((target !== "bare" && target !== "ours") || !Number.isInteger(count) || !file)
    throw new Error("usage: writer-child.js <bare|ours> <rows> <file>");
  benchRow(0); // warm the row generator's code paths before the floor is read
  const startRssBytes = processMemoryBytes("VmRSS");
  let sampled = 0;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await (target === "bare" ? bare(count, file) : ours(count, file));
  const ms = performance.now() - started;
  clearInterval(sampler);
  const result: ChildResult = {
    target,
    rows: count,
    ms,
    peakRssBytes: processMemoryBytes("VmHWM"),
    sampledPeakRssBytes: Math.max(sampled, process.memoryUsage().rss),
    startRssBytes,
    fileBytes: statSync(file).size,
  };
  if (process.send) process.send(result, () => process.exit(0));
  else process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
