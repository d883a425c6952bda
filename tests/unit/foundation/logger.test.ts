import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROOT_CONTEXT, TraceFlags, context, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { createLogger, withLogFields } from "../../../shared/foundation/logger.js";

describe("log lines", () => {
  it("carry the fields of the scope they are written in, whoever's logger writes them", async () => {
    const lines: Record<string, unknown>[] = [];
    // Made before any scope, as the platform's logger is (services hold it, not the request's).
    const platformLogger = createLogger("info", { service: "t" }, (line) => void lines.push(JSON.parse(line)));
    const domain = platformLogger.child({ system: "reports" });
    await withLogFields({ correlation_id: "req-1", function: "reports-generate" }, async () => {
      await new Promise((resolve) => setImmediate(resolve)); // across awaits too
      domain.info("Report queued");
      await withLogFields({ job_id: "job-1" }, async () => domain.info("Job started"));
    });
    platformLogger.info("Outside any request");
    assert.deepEqual(
      lines.map(({ message, correlation_id, function: fn, job_id, system }) => ({
        message,
        correlation_id,
        fn,
        job_id,
        system,
      })),
      [
        {
          message: "Report queued",
          correlation_id: "req-1",
          fn: "reports-generate",
          job_id: undefined,
          system: "reports",
        },
        { message: "Job started", correlation_id: "req-1", fn: "reports-generate", job_id: "job-1", system: "reports" },
        {
          message: "Outside any request",
          correlation_id: undefined,
          fn: undefined,
          job_id: undefined,
          system: undefined,
        },
      ],
    );
  });

  it("go through the OpenTelemetry log bridge under the active trace, with fields as attributes", () => {
    const exporter = new InMemoryLogRecordExporter();
    logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [new SimpleLogRecordProcessor(exporter)] }));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const logger = createLogger("info", { service: "finance-platform" }, "opentelemetry");
    // The host's trace context, as the Functions instrumentation binds it to the invocation.
    const operation = {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.SAMPLED,
    };
    context.with(trace.setSpanContext(ROOT_CONTEXT, operation), () =>
      withLogFields({ correlation_id: "req-2" }, () => {
        logger.debug("Below the level");
        logger.error("Request failed", { error: new TypeError("boom"), status: 500, details: { a: 1 } });
      }),
    );
    const records = exporter.getFinishedLogRecords();
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record!.body, "Request failed");
    assert.equal(record!.severityText, "ERROR");
    assert.equal(record!.spanContext?.traceId, operation.traceId, "linked to the operation");
    const { "exception.stacktrace": stack, ...attributes } = record!.attributes;
    assert.match(String(stack), /TypeError: boom/);
    assert.deepEqual(attributes, {
      service: "finance-platform",
      correlation_id: "req-2",
      status: 500,
      details: '{"a":1}',
      "exception.type": "TypeError",
      "exception.message": "boom",
    });
  });
});
