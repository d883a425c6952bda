import { NotFoundError, ServiceUnavailableError } from "../kernel/errors.js";
import type { PlatformMetrics } from "../foundation/metrics.js";
import { RfcError, type RfcParameters, type RfcResult, type SapRfcClient } from "../ports/sap-rfc.js";
import { AdmissionGate } from "./admission-gate.js";
import type { SapAvailability } from "./sap-availability.js";

/**
 * An RFC call that reached SAP and failed. `UNKNOWN` (timeout, broken connection): SAP may
 * have done the work, so a write must find out before it decides. `REJECTED`: SAP answered
 * with an error, so nothing was applied.
 */
export class SapCallError extends ServiceUnavailableError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    details: Record<string, unknown>,
    readonly outcome: "UNKNOWN" | "REJECTED",
  ) {
    super(message, retryAfterSeconds, details, "SAP_UNAVAILABLE");
  }
}

export interface GuardedSapClientOptions {
  readonly client: SapRfcClient;
  readonly availability: SapAvailability;
  readonly metrics: PlatformMetrics;
  readonly maxConcurrentCalls: number;
  readonly admissionTimeoutMs: number;
  readonly callTimeoutMs: number;
  /** RFC_PING's deadline: short, so a hanging SAP is noticed within the probe interval. */
  readonly pingTimeoutMs: number;
}

/**
 * Every RFC call the domain makes goes through here: refused at once while the circuit
 * is open, admitted at most N at a time, cancelled at its deadline, measured, and its
 * failures translated into domain errors (SAP_UNAVAILABLE, SAP_BUSY, NOT_FOUND).
 */
export class GuardedSapClient {
  readonly #options: GuardedSapClientOptions;
  readonly #gate: AdmissionGate;

  constructor(options: GuardedSapClientOptions) {
    this.#options = Object.freeze({ ...options });
    this.#gate = new AdmissionGate(options.maxConcurrentCalls);
  }

  get availability(): SapAvailability {
    return this.#options.availability;
  }

  /** Calls a function module; `notFound` names the thing an ABAP NOT_FOUND means. */
  async call(
    functionName: string,
    parameters: RfcParameters,
    notFound?: { what: string; id: string },
  ): Promise<RfcResult> {
    const { availability, metrics, client } = this.#options;
    await availability.ensureAvailable();
    const waitStarted = performance.now();
    const release = await this.#gate.acquire(this.#options.admissionTimeoutMs);
    metrics.sapAdmissionWait.observe((performance.now() - waitStarted) / 1000);
    if (!release) {
      metrics.sapAdmissionRejections.inc();
      throw new ServiceUnavailableError(
        `SAP is busy: ${this.#options.maxConcurrentCalls} RFC calls are already running; retry shortly`,
        1,
        { max_concurrent_calls: this.#options.maxConcurrentCalls },
        "SAP_BUSY",
      );
    }
    const started = performance.now();
    try {
      const result = await this.#withDeadline(
        (signal) => client.call(functionName, parameters, signal),
        this.#options.callTimeoutMs,
      );
      availability.recordSuccess();
      return result;
    } catch (error) {
      const rfc = error instanceof RfcError ? error : new RfcError("SYSTEM_FAILURE", String(error));
      metrics.sapRfcErrors.inc({
        function_name: functionName,
        error_type: rfc.key ? `${rfc.type}:${rfc.key}` : rfc.type,
      });
      if (rfc.type === "ABAP_EXCEPTION" && rfc.key === "NOT_FOUND" && notFound)
        throw new NotFoundError(notFound.what, notFound.id);
      if (rfc.isOutage) {
        await availability.recordOutage(rfc);
        throw new SapCallError(
          "SAP could not be reached; retry shortly",
          availability.retryAfterSeconds,
          { function_name: functionName, error_type: rfc.type },
          "UNKNOWN",
        );
      }
      throw new SapCallError(
        `SAP function ${functionName} failed: ${rfc.message}`,
        availability.retryAfterSeconds,
        { function_name: functionName, error_type: rfc.type, key: rfc.key ?? null },
        "REJECTED",
      );
    } finally {
      metrics.sapRfcCallDuration.observe({ function_name: functionName }, (performance.now() - started) / 1000);
      release();
    }
  }

  /** RFC_PING under the call deadline, outside admission control (probes must not queue behind a rush). */
  ping(): Promise<void> {
    return this.#withDeadline((signal) => this.#options.client.ping(signal), this.#options.pingTimeoutMs);
  }

  /** Races the call against its deadline and aborts it there, whether or not the adapter honours the signal. */
  async #withDeadline<T>(run: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new RfcError("TIMEOUT", `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([run(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
