/**
 * The CSV of a backup's parts (RFC 4180, one record per line, LF line breaks).
 *
 * The sections a restore loads are written exactly: nothing stripped, nothing prefixed, and
 * NULL kept apart from the empty string (an empty unquoted field is NULL, `""` is empty
 * text; PostgreSQL's COPY CSV reads it the same way). The merged read-model sections keep
 * the spreadsheet-safe `csvField` of the other exports.
 */

/** One field written exactly. */
export function exactField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "string" ? value : String(value);
  if (text === "") return '""';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record written exactly, with its line break. */
export function exactRecord(values: readonly (string | number | null)[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i === 0 ? "" : ",") + exactField(values[i]!);
  return `${line}\n`;
}

/** A parsed record: text, or null for an empty unquoted field. */
export type CsvRecord = (string | null)[];

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Parses CSV text fed in chunks of any size (a quoted field may span chunks and hold line
 * breaks), handing on whole records only: memory stays at one chunk and one record.
 */
export class CsvReader {
  #rest = "";
  #records = 0;

  /** Records completed by this chunk. */
  push(chunk: string): CsvRecord[] {
    const text = this.#rest + chunk;
    const out: CsvRecord[] = [];
    let pos = 0;
    for (;;) {
      const parsed = this.#parse(text, pos, false);
      if (!parsed) break;
      out.push(parsed.record);
      pos = parsed.next;
    }
    this.#rest = text.slice(pos);
    return out;
  }

  /** The last record, when the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.#rest === "") return [];
    const parsed = this.#parse(this.#rest, 0, true);
    this.#rest = "";
    return parsed ? [parsed.record] : [];
  }

  #parse(s: string, start: number, final: boolean): { record: CsvRecord; next: number } | undefined {
    if (start >= s.length) return undefined;
    const record: CsvRecord = [];
    let pos = start;
    for (;;) {
      if (s.charCodeAt(pos) === QUOTE) {
        let value = "";
        let i = pos + 1;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) {
            if (final) throw this.#malformed("a quoted field is not closed");
            return undefined;
          }
          if (q + 1 >= s.length && !final) return undefined; // "" or the closing quote: not known yet
          if (s.charCodeAt(q + 1) === QUOTE) {
            value += `${s.slice(i, q)}"`;
            i = q + 2;
            continue;
          }
          value += s.slice(i, q);
          pos = q + 1;
          break;
        }
        record.push(value);
      } else {
        let i = pos;
        while (i < s.length) {
          const c = s.charCodeAt(i);
          if (c === COMMA || c === LF) break;
          i++;
        }
        if (i >= s.length && !final) return undefined;
        let end = i;
        if (s.charCodeAt(i) === LF && end > pos && s.charCodeAt(end - 1) === CR) end--;
        record.push(end === pos ? null : s.slice(pos, end));
        pos = end;
      }
      // After a field: a comma, a line break (LF or CRLF) or the end of the text.
      if (pos >= s.length) {
        if (!final) return undefined;
        this.#records++;
        return { record, next: pos };
      }
      const c = s.charCodeAt(pos);
      if (c === COMMA) {
        pos++;
        continue;
      }
      if (c === CR && pos + 1 >= s.length && !final) return undefined;
      if (c === CR && s.charCodeAt(pos + 1) === LF) pos++;
      if (s.charCodeAt(pos) === LF) {
        this.#records++;
        return { record, next: pos + 1 };
      }
      throw this.#malformed(`unexpected ${JSON.stringify(s[pos])} after a field`);
    }
  }

  #malformed(what: string): Error {
    return new Error(`Malformed CSV in record ${this.#records + 1}: ${what}`);
  }
}

/**
 * Counts records without parsing their fields (line breaks outside quotes), and keeps the
 * first line: what verification needs, at a fraction of the parser's cost.
 */
export class CsvRecordCounter {
  #inQuotes = false;
  #pending = false;
  #records = 0;
  #header: string | undefined;
  #headerText = "";

  push(text: string): void {
    let i = 0;
    if (this.#header === undefined) {
      const n = text.indexOf("\n");
      this.#headerText += n < 0 ? text : text.slice(0, n);
      if (n < 0) return;
      this.#header = this.#headerText.endsWith("\r") ? this.#headerText.slice(0, -1) : this.#headerText;
      i = n + 1;
    }
    const len = text.length;
    while (i < len) {
      if (this.#inQuotes) {
        const q = text.indexOf('"', i);
        this.#pending = true;
        if (q < 0) return;
        this.#inQuotes = false;
        i = q + 1;
        continue;
      }
      const q = text.indexOf('"', i);
      const stop = q < 0 ? len : q;
      let n = text.indexOf("\n", i);
      while (n >= 0 && n < stop) {
        this.#records++;
        this.#pending = false;
        i = n + 1;
        n = text.indexOf("\n", i);
      }
      if (stop > i) this.#pending = true;
      if (q < 0) return;
      this.#inQuotes = true;
      i = q + 1;
    }
  }

  /** The first line (the header), if one was seen. */
  get header(): string | undefined {
    return this.#header ?? (this.#headerText === "" ? undefined : this.#headerText);
  }

  /** Records after the header (a last one without its line break counts too). */
  get records(): number {
    return this.#records + (this.#pending ? 1 : 0);
  }
}
