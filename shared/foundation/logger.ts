/** Structured JSON logs, one line per event, always carrying the correlation id when known. */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds these fields to every line (correlation_id, function, ...). */
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (line: string, level: LogLevel) => void;
const consoleSink: LogSink = (line, level) =>
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");

export function createLogger(
  minLevel: LogLevel = "info",
  base: Record<string, unknown> = {},
  sink: LogSink = consoleSink,
): Logger {
  return new JsonLogger(ORDER[minLevel], sink, [base]);
}

/** A child costs one small object: its fields are merged only when a line is written (every request makes one). */
class JsonLogger implements Logger {
  readonly #min: number;
  readonly #sink: LogSink;
  readonly #fields: readonly Record<string, unknown>[];
  constructor(min: number, sink: LogSink, fields: readonly Record<string, unknown>[]) {
    this.#min = min;
    this.#sink = sink;
    this.#fields = fields;
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.#write("debug", message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.#write("info", message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.#write("warn", message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#write("error", message, fields);
  }
  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.#min, this.#sink, [...this.#fields, fields]);
  }
  #write(level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    if (ORDER[level] < this.#min) return;
    const entry = Object.assign(
      { timestamp: new Date().toISOString(), level, message },
      ...this.#fields,
      fields,
    ) as Record<string, unknown>;
    this.#sink(JSON.stringify(entry, errorReplacer), level);
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    // The cause too: a 503 for a dependency keeps the driver's own error there.
    const cause = value.cause === undefined ? {} : { cause: value.cause };
    return { name: value.name, message: value.message, stack: value.stack, ...cause };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
