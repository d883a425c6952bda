import { inferDecimalSeparator, parseAmount, type TabularRow } from "../../foundation/tabular/index.js";
import { peekBatches, type RowSource } from "../../foundation/tabular/row-source.js";
import { BUDGET_TARGETS, checkMappings, type MappingRequest } from "../../kernel/column-mapping/index.js";
import { currencyExponent, isKnownCurrency, parseDecimal } from "../../kernel/money.js";
import type { RowError, StagedLine } from "./budget-import-repository.js";
import { lineKey } from "./budget-repository.js";

/** Rows read before the amount column's decimal separator is decided. */
const SEPARATOR_SAMPLE = 10_000;

/** What a budget line needs; sub-category and cost center may be absent, currency has a default. */
const REQUIRED_TARGETS = ["department", "fiscalPeriod", "budgetedAmount"];

/** Target field → column index; 400 naming the field for an unknown column or a target mapped twice. */
export function checkBudgetMappings(
  mappings: readonly MappingRequest[],
  headers: readonly string[],
): ReadonlyMap<string, number> {
  return checkMappings(mappings, headers, BUDGET_TARGETS, REQUIRED_TARGETS);
}

/** One row checked: its line, or its problems (row, column, value, message). */
export type CheckedRow = { readonly line: StagedLine } | { readonly problems: RowError[] };

/**
 * Checks rows one at a time; a line's amount in integer minor units of its currency. The
 * amount column's own convention decides "1.234" (1234 in a column that writes
 * "12.500,00"), judged on the first rows. A line set twice is found once staged (in SQL,
 * so a million rows need no key set in memory).
 */
export class RowChecker {
  readonly #headers: readonly string[];
  readonly #columns: ReadonlyMap<string, number>;
  readonly #defaultCurrency: string;
  readonly #amountOptions: { decimalSeparator?: "." | "," };

  private constructor(
    headers: readonly string[],
    columns: ReadonlyMap<string, number>,
    defaultCurrency: string,
    separator: "." | "," | null,
  ) {
    this.#headers = headers;
    this.#columns = columns;
    this.#defaultCurrency = defaultCurrency;
    this.#amountOptions = separator ? { decimalSeparator: separator } : {};
  }

  /** The checker, and the rows it was judged on followed by the rest (to read once). */
  static async open(
    source: RowSource,
    columns: ReadonlyMap<string, number>,
    defaultCurrency: string,
  ): Promise<{ checker: RowChecker; batches: AsyncIterable<readonly TabularRow[]> }> {
    const { sample, batches } = await peekBatches(source.batches, SEPARATOR_SAMPLE);
    const amountColumn = columns.get("budgetedAmount");
    const separator =
      amountColumn === undefined ? null : inferDecimalSeparator(sample.map((r) => r.cells[amountColumn] ?? ""));
    return { checker: new RowChecker(source.headers, columns, defaultCurrency, separator), batches };
  }

  /** `budgetId` goes into the line itself: a `{ ...line, budgetId }` copy per row sent every line to old space. */
  check(row: readonly string[], rowNumber: number, budgetId: string): CheckedRow {
    const problems: RowError[] = [];
    const fail = (field: string, value: string, message: string) =>
      problems.push({ rowNumber, column: this.header(field), value, message });
    const department = this.#cell(row, "department");
    if (!department) fail("department", "", "department is empty");
    const fiscalPeriod = this.#cell(row, "fiscalPeriod");
    if (!fiscalPeriod) fail("fiscalPeriod", "", "fiscal period is empty");
    else if (fiscalPeriod.length > 40) fail("fiscalPeriod", fiscalPeriod, "is not a fiscal period (too long)");
    const currencyText = this.#cell(row, "currency").toUpperCase();
    const amountText = this.#cell(row, "budgetedAmount");
    const parsed = parseAmount(amountText, this.#amountOptions);
    let currency = currencyText || this.#defaultCurrency;
    if ("error" in parsed) fail("budgetedAmount", amountText, parsed.error);
    else if (parsed.value === null) fail("budgetedAmount", amountText, "amount is empty");
    else if (!currencyText && parsed.currency) currency = parsed.currency;
    if (!isKnownCurrency(currency)) fail("currency", currencyText, `'${currency}' is not an ISO 4217 currency`);
    let amountMinor: bigint | undefined;
    if (!("error" in parsed) && parsed.value !== null && isKnownCurrency(currency)) {
      try {
        amountMinor = parseDecimal(parsed.value, currencyExponent(currency));
      } catch {
        fail("budgetedAmount", amountText, `has more decimals than ${currency} allows (${currencyExponent(currency)})`);
      }
    }
    if (problems.length > 0 || amountMinor === undefined) return { problems };
    const subCategory = this.#cell(row, "subCategory");
    const costCenter = this.#cell(row, "costCenter");
    return {
      line: {
        lineKey: lineKey(department, subCategory, fiscalPeriod, costCenter),
        department,
        subCategory,
        fiscalPeriod,
        costCenter,
        currency,
        amountMinor,
        rowNumber,
        budgetId,
      },
    };
  }

  /** The file's own name of the column mapped to `field`. */
  header(field: string): string {
    return this.#headers[this.#columns.get(field) ?? -1] ?? field;
  }

  #cell(row: readonly string[], field: string): string {
    const index = this.#columns.get(field);
    return index === undefined ? "" : (row[index] ?? "").trim();
  }
}
