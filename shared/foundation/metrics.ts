import { metrics as openTelemetry, type Histogram as OtelHistogram, type Observable } from "@opentelemetry/api";
import { Counter, Gauge, Histogram, Registry, type HistogramConfiguration, type LabelValues } from "prom-client";

const METER = "finance-platform";

/** A Prometheus histogram whose observations are also recorded on the OpenTelemetry meter. */
class ExportedHistogram<T extends string> {
  readonly #prometheus: Histogram<T>;
  readonly #otel: OtelHistogram;
  constructor(configuration: HistogramConfiguration<T>) {
    this.#prometheus = new Histogram(configuration);
    this.#otel = openTelemetry.getMeter(METER).createHistogram(configuration.name, {
      description: configuration.help,
      ...(configuration.buckets ? { advice: { explicitBucketBoundaries: configuration.buckets } } : {}),
    });
  }
  observe(value: number): void;
  observe(labels: LabelValues<T>, value: number): void;
  observe(labelsOrValue: LabelValues<T> | number, value?: number): void {
    if (typeof labelsOrValue === "number") {
      this.#prometheus.observe(labelsOrValue);
      this.#otel.record(labelsOrValue);
    } else {
      this.#prometheus.observe(labelsOrValue, value!);
      this.#otel.record(value!, labelsOrValue);
    }
  }
}

/**
 * The platform's metrics, with the names seed 000 uses. One instance per process; label
 * values are bounded (route templates, never raw paths or user ids).
 *
 * prom-client holds them for `/api/metrics` (Prometheus scrapes, locally). The same
 * metrics, under the same names, are reported through the OpenTelemetry metrics API,
 * which the Azure Monitor distro exports when telemetry runs (a no-op otherwise):
 * histograms record each observation, and counters and gauges are read from prom-client
 * at each export (counters as cumulative totals, which the SDK turns into the increments
 * Azure Monitor takes).
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly apiRequests = new Counter({
    name: "api_requests_total",
    help: "API requests by route template, method and status",
    labelNames: ["endpoint", "method", "status"] as const,
    registers: [this.registry],
  });
  readonly apiRequestDuration = new ExportedHistogram({
    name: "api_request_duration_seconds",
    help: "API request duration by route template",
    labelNames: ["endpoint"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rateLimitExceeded = new Counter({
    name: "rate_limit_exceeded_total",
    help: "Requests refused by the rate limit, by endpoint",
    labelNames: ["endpoint"] as const,
    registers: [this.registry],
  });
  readonly loginFailures = new Counter({
    name: "auth_login_failures_total",
    help: "Failed logins by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly cacheHits = new Counter({
    name: "cache_hits_total",
    help: "Cache hits",
    labelNames: ["cache_type"] as const,
    registers: [this.registry],
  });
  readonly cacheMisses = new Counter({
    name: "cache_misses_total",
    help: "Cache misses",
    labelNames: ["cache_type"] as const,
    registers: [this.registry],
  });
  readonly cacheInvalidations = new Counter({
    name: "cache_invalidations_total",
    help: "Cache invalidations (by cache type; project ids would be unbounded labels)",
    labelNames: ["cache_type"] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: "queue_depth",
    help: "Active messages waiting in a queue (sampled at scrape)",
    labelNames: ["queue"] as const,
    registers: [this.registry],
  });
  readonly queueDeadLetters = new Gauge({
    name: "queue_dead_letter_depth",
    help: "Messages in a queue's dead-letter sub-queue (sampled at scrape)",
    labelNames: ["queue"] as const,
    registers: [this.registry],
  });
  readonly messageProcessingDuration = new ExportedHistogram({
    name: "message_processing_duration_seconds",
    help: "Queue message processing time by queue and outcome",
    labelNames: ["queue", "status"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });
  readonly timerRuns = new Counter({
    name: "timer_runs_total",
    help: "Timer-triggered runs by function and outcome",
    labelNames: ["function", "status"] as const,
    registers: [this.registry],
  });
  readonly esgAccounts = new Counter({
    name: "esg_accounts_processed_total",
    help: "ESG run accounts finished, by Processing Status and whether the rating came from the API or was reused unchanged",
    labelNames: ["status", "source"] as const,
    registers: [this.registry],
  });
  readonly esgRuns = new Counter({
    name: "esg_runs_total",
    help: "ESG runs finished, by final status",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly esgApiRate = new Gauge({
    name: "esg_api_rate_per_second",
    help: "The adaptive client-side rate this instance paces ESG API calls at",
    registers: [this.registry],
  });
  readonly alertsRaised = new Counter({
    name: "alerts_raised_total",
    help: "Alerts raised by source and severity",
    labelNames: ["source", "severity"] as const,
    registers: [this.registry],
  });
  readonly alertDeliveryFailures = new Counter({
    name: "alert_delivery_failures_total",
    help: "Alert deliveries that failed, by channel",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });
  readonly sapRfcCallDuration = new ExportedHistogram({
    name: "sap_rfc_call_duration_seconds",
    help: "SAP RFC call duration",
    labelNames: ["function_name"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly sapRfcErrors = new Counter({
    name: "sap_rfc_errors_total",
    help: "SAP RFC call errors",
    labelNames: ["function_name", "error_type"] as const,
    registers: [this.registry],
  });
  readonly sapConnectionPoolSize = new Gauge({
    name: "sap_connection_pool_size",
    help: "Number of active SAP RFC connections",
    registers: [this.registry],
  });
  readonly sapAdmissionWait = new ExportedHistogram({
    name: "sap_admission_wait_seconds",
    help: "Time RFC calls waited for a free slot under SAP_MAX_CONCURRENT_CALLS",
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly sapAdmissionRejections = new Counter({
    name: "sap_admission_rejections_total",
    help: "RFC calls refused with SAP_BUSY after waiting past SAP_ADMISSION_TIMEOUT_MS",
    registers: [this.registry],
  });
  readonly sapUp = new Gauge({
    name: "sap_up",
    help: "1 while SAP is considered available, 0 while the circuit is open",
    registers: [this.registry],
  });
  readonly reportsGenerated = new Counter({
    name: "reports_generated_total",
    help: "Total reports generated",
    labelNames: ["report_type", "status"] as const,
    registers: [this.registry],
  });
  readonly reportGenerationDuration = new ExportedHistogram({
    name: "report_generation_duration_seconds",
    help: "Report generation time",
    labelNames: ["report_type"] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  readonly reportSize = new ExportedHistogram({
    name: "report_size_bytes",
    help: "Report file size",
    labelNames: ["report_type"] as const,
    buckets: [10_000, 100_000, 1_000_000, 10_000_000, 50_000_000, 200_000_000],
    registers: [this.registry],
  });
  readonly invoiceProcessing = new Counter({
    name: "invoice_processing_total",
    help: "Invoices that finished forwarding to Clearfacts, by outcome (sent, failed, duplicate, held)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly invoiceProcessingDuration = new ExportedHistogram({
    name: "invoice_processing_duration_seconds",
    help: "Time to validate, archive and forward one invoice, by outcome",
    labelNames: ["outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly externalApiCalls = new Counter({
    name: "external_api_calls_total",
    help: "Calls to outside APIs (clearfacts, invoice-source), by HTTP status, or timeout / network when none came back",
    labelNames: ["api", "status"] as const,
    registers: [this.registry],
  });
  readonly externalApiCallDuration = new ExportedHistogram({
    name: "external_api_call_duration_seconds",
    help: "Duration of calls to outside APIs (clearfacts, invoice-source), timeouts included",
    labelNames: ["api"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120],
    registers: [this.registry],
  });
  readonly invoiceJobs = new Counter({
    name: "invoice_jobs_total",
    help: "Invoice forwarding jobs finished, by job type (scheduled, manual, replay) and final status",
    labelNames: ["job_type", "status"] as const,
    registers: [this.registry],
  });
  readonly invoiceJobDuration = new ExportedHistogram({
    name: "invoice_job_duration_seconds",
    help: "Invoice forwarding job time from start to its last invoice, by job type",
    labelNames: ["job_type"] as const,
    buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14_400],
    registers: [this.registry],
  });
  readonly budgetCheckRequests = new Counter({
    name: "budget_check_requests_total",
    help: "Budget checks answered, by outcome (auto_approved, manual, refused, no_budget)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly budgetCheckDuration = new ExportedHistogram({
    name: "budget_check_duration_seconds",
    help: "Time to answer a budget check, from the parsed request to the decision",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly budgetImportsStarted = new Counter({
    name: "budget_import_started_total",
    help: "Budget imports started (dry runs included), by source type",
    labelNames: ["source_type"] as const,
    registers: [this.registry],
  });
  readonly budgetImportsSucceeded = new Counter({
    name: "budget_import_succeeded_total",
    help: "Budget imports whose lines were staged without error (committed at once, awaiting approval or dry run)",
    labelNames: ["source_type", "status"] as const,
    registers: [this.registry],
  });
  readonly budgetImportsFailed = new Counter({
    name: "budget_import_failed_total",
    help: "Budget imports refused for row errors (nothing imported)",
    labelNames: ["source_type"] as const,
    registers: [this.registry],
  });
  readonly budgetImportDuration = new ExportedHistogram({
    name: "budget_import_duration_seconds",
    help: "Time from an import request to its lines staged (and committed for a first import)",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly budgetWebhooksSent = new Counter({
    name: "budget_webhook_sent_total",
    help: "Budget webhook deliveries the receiver accepted (2xx), by event",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly budgetWebhooksFailed = new Counter({
    name: "budget_webhook_failed_total",
    help: "Budget webhook deliveries given up, by event and reason (rejected: a 4xx; retries_exhausted; refused_address; worker)",
    labelNames: ["event", "reason"] as const,
    registers: [this.registry],
  });
  readonly budgetWebhookRetries = new Counter({
    name: "budget_webhook_retried_total",
    help: "Budget webhook attempts that failed and were scheduled again (network error, 5xx, 429), by event",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly fileTypeWarnings = new Counter({
    name: "file_type_warning_total",
    help: "Analyzed budget files judged not to be budgets, by the type detected (payroll, expenses, invoice)",
    labelNames: ["likely_type"] as const,
    registers: [this.registry],
  });
  readonly backupsCompleted = new Counter({
    name: "backups_completed_total",
    help: "Total backups",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly backupDuration = new ExportedHistogram({
    name: "backup_duration_seconds",
    help: "Backup execution time",
    buckets: [1, 5, 15, 60, 300, 900, 1800, 3600],
    registers: [this.registry],
  });
  readonly backupSize = new Gauge({
    name: "backup_size_bytes",
    help: "Last backup size in bytes",
    registers: [this.registry],
  });

  /** Callbacks run before each scrape or export to sample gauges such as queue depth. */
  readonly #collectors: { run: () => Promise<void>; exported: boolean }[] = [];

  constructor() {
    const meter = openTelemetry.getMeter(METER);
    const read = this.registry
      .getMetricsAsArray()
      .flatMap((m) =>
        m instanceof Counter || m instanceof Gauge
          ? [{ metric: m as Counter | Gauge, name: m.name, help: m.help }]
          : [],
      )
      .map(({ metric, name, help }) => {
        const options = { description: help };
        const observable: Observable =
          metric instanceof Counter
            ? meter.createObservableCounter(name, options)
            : meter.createObservableGauge(name, options);
        return { metric, observable };
      });
    meter.addBatchObservableCallback(
      async (result) => {
        await this.#collect(true);
        for (const { metric, observable } of read) {
          for (const { value, labels } of (await metric.get()).values) result.observe(observable, value, labels);
        }
      },
      read.map((r) => r.observable),
    );
  }

  /**
   * Adds a sampler run before each scrape and, unless `exported` is false, before each
   * export to Azure Monitor (every minute in each instance: keep those cheap).
   */
  onCollect(collector: () => Promise<void>, options: { exported?: boolean } = {}): void {
    this.#collectors.push({ run: collector, exported: options.exported ?? true });
  }

  async render(): Promise<string> {
    await this.#collect(false);
    return this.registry.metrics();
  }

  async #collect(forExport: boolean): Promise<void> {
    await Promise.allSettled(this.#collectors.filter((c) => !forExport || c.exported).map((c) => c.run()));
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
