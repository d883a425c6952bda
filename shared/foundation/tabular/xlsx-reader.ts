// Worksheets of an xlsx workbook to raw rows with exceljs. Formulas are never evaluated
// (exceljs has no calculation engine): a formula cell reads as the result Excel saved with
// it, or empty when none was saved. A merged range reads its top-left value in every cell
// (exceljs gives merged cells their master's value), so a merged header spans its columns.
import type { Cell, CellValue, Workbook } from "exceljs";
import { TabularError } from "./tabular-error.js";
import type { RawRow } from "./table-shape.js";
import type { TabularLimits } from "./types.js";

export interface WorksheetRows {
  readonly name: string;
  readonly rows: RawRow[];
}

export async function readWorkbookRows(
  bytes: Uint8Array,
  limits: TabularLimits,
): Promise<{ sheets: WorksheetRows[]; warnings: string[] }> {
  // Loaded on the first workbook, not with every process (exceljs is a large module).
  const { default: ExcelJS } = await import("exceljs");
  const workbook: Workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new TabularError("CORRUPT_FILE", "The Excel workbook could not be read; open it in Excel and save it again.");
  }
  const warnings: string[] = [];
  const sheets: WorksheetRows[] = [];
  for (const worksheet of workbook.worksheets) {
    if (worksheet.state !== "visible") {
      warnings.push(`The hidden sheet "${worksheet.name}" was not read.`);
      continue;
    }
    if (worksheet.rowCount > limits.maxRows * 2 + 1000) {
      throw new TabularError(
        "TOO_MANY_ROWS",
        `The sheet "${worksheet.name}" has more than ${limits.maxRows} data rows.`,
        {
          sheet: worksheet.name,
          limit: limits.maxRows,
        },
      );
    }
    let missingResults = 0;
    const rows: RawRow[] = [];
    for (let r = 1; r <= worksheet.rowCount; r++) {
      const cells: string[] = [];
      worksheet.getRow(r).eachCell((cell, column) => {
        if (column > limits.maxColumns) {
          throw new TabularError(
            "TOO_MANY_COLUMNS",
            `The sheet "${worksheet.name}" has more than ${limits.maxColumns} columns.`,
            {
              sheet: worksheet.name,
              limit: limits.maxColumns,
            },
          );
        }
        const text = cellText(cell);
        if (text === null) missingResults++;
        if (text !== null && text.length > limits.maxCellChars) {
          throw new TabularError(
            "CELL_TOO_LONG",
            `Cell ${cell.address} of "${worksheet.name}" is longer than ${limits.maxCellChars} characters.`,
            {
              sheet: worksheet.name,
              cell: cell.address,
              limit: limits.maxCellChars,
            },
          );
        }
        while (cells.length < column - 1) cells.push("");
        cells[column - 1] = text ?? "";
      });
      while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
      rows.push({ cells, line: r });
    }
    if (missingResults > 0) {
      warnings.push(
        `${missingResults} formula cell(s) in "${worksheet.name}" have no saved result and were read as empty; open the file in Excel and save it to store the results.`,
      );
    }
    sheets.push({ name: worksheet.name, rows });
  }
  return { sheets, warnings };
}

/** A cell's text as the user sees it; null for a formula whose result was never saved. */
function cellText(cell: Cell): string | null {
  return valueText(cell.value);
}

function valueText(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return numberText(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return dateText(value);
  if ("richText" in value)
    return value.richText
      .map((run) => run.text)
      .join("")
      .trim();
  if ("error" in value) return value.error;
  if ("formula" in value || "sharedFormula" in value) {
    const result = (value as { result?: CellValue }).result;
    return result === undefined ? null : valueText(result);
  }
  if ("text" in value) return String(value.text).trim();
  return "";
}

/**
 * Excel shows at most 15 significant digits, so a stored 0.30000000000000004 is the 0.3 the
 * user saw; written out without exponent ("1234.5", "-0.000012", "12000000000000000000000").
 */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) return "";
  const [mantissa = "0", exponentText = "0"] = value.toPrecision(15).split("e");
  const negative = mantissa.startsWith("-");
  let [whole = "0", fraction = ""] = mantissa.replace("-", "").split(".");
  const exponent = Number(exponentText);
  if (exponent > 0) {
    const shifted = fraction.padEnd(exponent, "0");
    whole += shifted.slice(0, exponent);
    fraction = shifted.slice(exponent);
  } else if (exponent < 0) {
    fraction = "0".repeat(-exponent - 1) + whole + fraction;
    whole = "0";
  }
  fraction = fraction.replace(/0+$/, "");
  whole = whole.replace(/^0+(?=\d)/, "");
  const text = fraction === "" ? whole : `${whole}.${fraction}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** exceljs reads a date cell as the UTC instant of its serial: the date, and the time when it has one. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
}
