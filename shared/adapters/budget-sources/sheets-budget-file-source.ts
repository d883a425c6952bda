import { Readable } from "node:stream";
import {
  BudgetSourceUnavailableError,
  type BudgetFileSource,
  type RemoteBudgetFile,
  type SheetsSourceConnection,
} from "../../ports/budget-file-source.js";
import { GoogleAccessTokens, parseServiceAccountKey } from "./google-service-account.js";

const TIMEOUT_MS = 30_000;
/** A values.get answer past this is not a budget sheet. */
const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

/**
 * One range of a Google Sheet through the Sheets API v4 `spreadsheets.values.get`, read as
 * a CSV file for analyze. The sheet has no modification time here, so the poll tells
 * versions apart by content hash. It signs in with an API key (in a header, never in a URL
 * a log could print) or as a service account: a bearer token from `tokens`, which caches it
 * across polls.
 */
export class SheetsBudgetFileSource implements BudgetFileSource {
  readonly #connection: SheetsSourceConnection;
  readonly #apiUrl: string;
  readonly #tokens: GoogleAccessTokens;
  #csv: Buffer | undefined;

  constructor(
    connection: SheetsSourceConnection,
    apiUrl = "https://sheets.googleapis.com",
    tokens: GoogleAccessTokens = new GoogleAccessTokens(),
  ) {
    this.#connection = connection;
    this.#apiUrl = apiUrl.replace(/\/+$/, "");
    this.#tokens = tokens;
  }

  async list(): Promise<readonly RemoteBudgetFile[]> {
    this.#csv = await this.#fetchCsv();
    return [
      {
        path: `${this.#connection.spreadsheetId}/${this.#connection.range}`,
        sizeBytes: this.#csv.length,
        modifiedAt: "",
      },
    ];
  }

  async download(): Promise<Readable> {
    const csv = this.#csv ?? (await this.#fetchCsv());
    return Readable.from([csv]);
  }

  async close(): Promise<void> {}

  async #fetchCsv(): Promise<Buffer> {
    const { spreadsheetId, range } = this.#connection;
    const url =
      `${this.#apiUrl}/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(range)}` +
      "?majorDimension=ROWS&valueRenderOption=FORMATTED_VALUE";
    const headers = await this.#auth();
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `Google Sheets could not be reached: ${(error as Error).message}`,
        "sheets",
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new BudgetSourceUnavailableError(
        `Google Sheets answered ${response.status} for spreadsheet ${spreadsheetId} range ${range}`,
        "sheets",
      );
    }
    const text = await response.text();
    if (text.length > MAX_RESPONSE_BYTES)
      throw new BudgetSourceUnavailableError(`Google Sheets range ${range} is larger than a budget sheet`, "sheets");
    const body = JSON.parse(text) as { values?: unknown };
    const rows = Array.isArray(body.values) ? (body.values as unknown[]) : [];
    return Buffer.from(rows.map((row) => (Array.isArray(row) ? row.map(csvCell).join(",") : "")).join("\r\n"), "utf8");
  }

  async #auth(): Promise<Record<string, string>> {
    const { serviceAccountKey, apiKey } = this.#connection;
    if (serviceAccountKey !== undefined)
      return { authorization: `Bearer ${await this.#tokens.token(parseServiceAccountKey(serviceAccountKey))}` };
    if (apiKey !== undefined) return { "x-goog-api-key": apiKey };
    throw new BudgetSourceUnavailableError(
      "The Sheets source names neither an API key nor a service account",
      "sheets",
    );
  }
}

/** RFC 4180 quoting; values are kept as they are (this CSV is read by analyze, not opened by a person). */
function csvCell(value: unknown): string {
  const text =
    typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
