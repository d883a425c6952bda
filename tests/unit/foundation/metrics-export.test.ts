import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from "@opentelemetry/sdk-metrics";
import { PlatformMetrics } from "../../../shared/foundation/metrics.js";

/** Collects on demand, asking for increments (delta) as the Azure Monitor exporter does. */
class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
  async export(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await this.collect();
    return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  }
}

describe("platform metrics through OpenTelemetry (exported to Azure Monitor when telemetry runs)", () => {
  it("reports the same metrics under the same names: counters as increments, histograms, sampled gauges", async () => {
    const reader = new DeltaReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    const platform = new PlatformMetrics();
    let depth = 7;
    let remoteSamples = 0;
    platform.onCollect(async () => platform.queueDepth.set({ queue: "report-requests" }, depth));
    platform.onCollect(async () => void remoteSamples++, { exported: false });

    const requests = { endpoint: "v1/projects", method: "GET", status: "200" };
    platform.apiRequests.inc(requests);
    platform.apiRequests.inc(requests);
    platform.apiRequestDuration.observe({ endpoint: "v1/projects" }, 0.02);
    platform.apiRequestDuration.observe({ endpoint: "v1/projects" }, 0.3);
    platform.sapUp.set(1);

    let exported = await reader.export();
    const counter = exported.get("api_requests_total")!;
    assert.equal(counter.dataPointType, DataPointType.SUM);
    assert.deepEqual(
      counter.dataPoints.map((p) => [p.attributes, p.value]),
      [[requests, 2]],
    );
    const histogram = exported.get("api_request_duration_seconds")!;
    assert.equal(histogram.dataPointType, DataPointType.HISTOGRAM);
    const [point] = histogram.dataPoints as {
      value: { count: number; sum: number; buckets: { boundaries: number[] } };
    }[];
    assert.equal(point!.value.count, 2);
    assert.equal(point!.value.sum, 0.32);
    assert.deepEqual(point!.value.buckets.boundaries, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    assert.deepEqual(
      exported.get("queue_depth")!.dataPoints.map((p) => [p.attributes, p.value]),
      [[{ queue: "report-requests" }, 7]],
      "gauges are sampled at export",
    );
    assert.deepEqual(
      exported.get("sap_up")!.dataPoints.map((p) => p.value),
      [1],
    );
    assert.equal(remoteSamples, 0, "a sampler marked not exported runs only for scrapes");

    platform.apiRequests.inc(requests);
    depth = 3;
    exported = await reader.export();
    assert.deepEqual(
      exported.get("api_requests_total")!.dataPoints.map((p) => p.value),
      [1],
      "the next export carries the increment since the last",
    );
    assert.deepEqual(
      exported.get("queue_depth")!.dataPoints.map((p) => p.value),
      [3],
    );

    // /api/metrics (Prometheus) is unchanged: the same registry, every sampler.
    const text = await platform.render();
    assert.match(text, /api_requests_total\{endpoint="v1\/projects",method="GET",status="200"\} 3/);
    assert.match(text, /api_request_duration_seconds_count\{endpoint="v1\/projects"\} 2/);
    assert.match(text, /queue_depth\{queue="report-requests"\} 3/);
    assert.equal(remoteSamples, 1);
  });
});

describe("invoice forwarding metrics on /api/metrics", () => {
  it("shows invoice, outside API and job counts and durations once observed, with their labels", async () => {
    const platform = new PlatformMetrics();
    const before = await platform.render();
    assert.doesNotMatch(before, /^invoice_processing_total\{/m, "a counter shows no series before it counts");

    platform.invoiceProcessing.inc({ outcome: "sent" });
    platform.invoiceProcessing.inc({ outcome: "sent" });
    platform.invoiceProcessing.inc({ outcome: "duplicate" });
    platform.invoiceProcessingDuration.observe({ outcome: "sent" }, 0.2);
    platform.externalApiCalls.inc({ api: "clearfacts", status: "429" });
    platform.externalApiCalls.inc({ api: "clearfacts", status: "timeout" });
    platform.externalApiCalls.inc({ api: "invoice-source", status: "200" });
    platform.externalApiCallDuration.observe({ api: "clearfacts" }, 60);
    platform.invoiceJobs.inc({ job_type: "scheduled", status: "completed" });
    platform.invoiceJobs.inc({ job_type: "replay", status: "failed" });
    platform.invoiceJobDuration.observe({ job_type: "scheduled" }, 95);

    const text = await platform.render();
    assert.match(text, /^# HELP invoice_processing_total Invoices that finished forwarding/m);
    assert.match(text, /^invoice_processing_total\{outcome="sent"\} 2$/m);
    assert.match(text, /^invoice_processing_total\{outcome="duplicate"\} 1$/m);
    assert.match(text, /^invoice_processing_duration_seconds_count\{outcome="sent"\} 1$/m);
    assert.match(text, /^invoice_processing_duration_seconds_bucket\{le="0.25",outcome="sent"\} 1$/m);
    assert.match(text, /^external_api_calls_total\{api="clearfacts",status="429"\} 1$/m);
    assert.match(text, /^external_api_calls_total\{api="clearfacts",status="timeout"\} 1$/m);
    assert.match(text, /^external_api_calls_total\{api="invoice-source",status="200"\} 1$/m);
    assert.match(
      text,
      /^external_api_call_duration_seconds_bucket\{le="30",api="clearfacts"\} 0$/m,
      "a call that hit the default 60 s Clearfacts timeout is not counted as faster",
    );
    assert.match(text, /^external_api_call_duration_seconds_bucket\{le="60",api="clearfacts"\} 1$/m);
    assert.match(text, /^invoice_jobs_total\{job_type="scheduled",status="completed"\} 1$/m);
    assert.match(text, /^invoice_jobs_total\{job_type="replay",status="failed"\} 1$/m);
    assert.match(text, /^invoice_job_duration_seconds_sum\{job_type="scheduled"\} 95$/m);
  });
});
