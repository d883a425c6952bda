import { AsyncLocalStorage } from "node:async_hooks";
import { logs, SeverityNumber, type AnyValue, type AnyValueMap } from "@opentelemetry/api-logs";
import { telemetryStarted } from "./telemetry.js";

/**
 * Structured logs, one event per line, always carrying the correlation id when known.
 * Locally (and in tests) each line is JSON on stdout/stderr; in Azure, with telemetry on,
 * lines go through the OpenTelemetry log bridge instead, so Application Insights links
 * them to the invocation's operation.
 */
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

/** Where a logger's entries go: a line sink (JSON text) or the OpenTelemetry log bridge. */
type Writer = (level: LogLevel, entry: Record<string, unknown>) => void;

const scope = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

/**
 * Runs `work` with these fields on every line any logger writes during it, however deep in
 * the domain (the services hold the platform's logger, not the request's). The HTTP
 * pipeline and the queue and timer runners open one per request, message or run.
 */
export function withLogFields<T>(fields: Readonly<Record<string, unknown>>, work: () => T): T {
  const outer = scope.getStore();
  return scope.run(outer ? { ...outer, ...fields } : fields, work);
}

/**
 * Lines go to `output`: a sink of JSON lines, or "opentelemetry" (the log bridge). Without
 * one: the bridge when telemetry was started, else JSON lines on the console.
 */
export function createLogger(
  minLevel: LogLevel = "info",
  base: Record<string, unknown> = {},
  output: LogSink | "opentelemetry" = telemetryStarted() ? "opentelemetry" : consoleSink,
): Logger {
  const writer: Writer =
    output === "opentelemetry" ? otelWriter() : (level, entry) => output(JSON.stringify(entry, errorReplacer), level);
  return new StructuredLogger(ORDER[minLevel], writer, [base]);
}

/** A child costs one small object: its fields are merged only when a line is written (every request makes one). */
class StructuredLogger implements Logger {
  readonly #min: number;
  readonly #writer: Writer;
  readonly #fields: readonly Record<string, unknown>[];
  constructor(min: number, writer: Writer, fields: readonly Record<string, unknown>[]) {
    this.#min = min;
    this.#writer = writer;
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
    return new StructuredLogger(this.#min, this.#writer, [...this.#fields, fields]);
  }
  #write(level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    if (ORDER[level] < this.#min) return;
    const entry = Object.assign(
      { timestamp: new Date().toISOString(), level, message },
      ...this.#fields,
      scope.getStore(),
      fields,
    ) as Record<string, unknown>;
    this.#writer(level, entry);
  }
}

const SEVERITY: Record<LogLevel, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

/**
 * Entries as OpenTelemetry log records: the message is the body, the fields are attributes
 * (customDimensions in Application Insights), and an `error` field becomes the exception.*
 * attributes, which Azure Monitor records as an exception. The record takes the active
 * trace context, so it lands under the invocation's operation id.
 */
function otelWriter(): Writer {
  const otel = logs.getLogger("finance-platform");
  return (level, entry) => {
    const attributes: AnyValueMap = {};
    for (const [key, value] of Object.entries(entry)) {
      if (key === "message" || key === "timestamp" || key === "level" || value === undefined) continue;
      if (key === "error" && value instanceof Error) {
        attributes["exception.type"] = value.name;
        attributes["exception.message"] = value.message;
        if (value.stack) attributes["exception.stacktrace"] = value.stack;
      } else attributes[key] = toAnyValue(value);
    }
    otel.emit({
      severityNumber: SEVERITY[level],
      severityText: level.toUpperCase(),
      body: String(entry.message),
      attributes,
    });
  };
}

function toAnyValue(value: unknown): AnyValue {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null)
    return value;
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value, errorReplacer);
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
