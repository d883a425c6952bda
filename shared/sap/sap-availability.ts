import { ServiceUnavailableError } from "../kernel/errors.js";
import type { Logger } from "../foundation/logger.js";
import type { PlatformMetrics } from "../foundation/metrics.js";
import type { Alerter } from "../ports/alerter.js";
import type { Cache } from "../ports/cache.js";
import type { RfcError } from "../ports/sap-rfc.js";
import type { Clock } from "../ports/clock.js";

export type SapState = "up" | "down";

interface SharedState {
  readonly state: SapState;
  readonly since: string;
  readonly reason: string;
}

export interface SapAvailabilityOptions {
  /** Stamps when the state changed; the probe cadence runs on real time, as Redis expiries do. */
  readonly clock: Clock;
  readonly cache: Cache;
  readonly alerts: Alerter;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  /** RFC_PING with its own deadline. */
  readonly ping: () => Promise<void>;
  readonly probeIntervalSeconds: number;
  readonly failureThreshold: number;
  /**
   * `interval` (a laptop, a long-lived worker): `start()` ticks every second.
   * `on-demand` (Azure's serverless workers, where no interval should run): a call reads
   * the shared state first when it is over a second old, probing when this instance wins
   * the interval, and a timer function ticks too, so an idle app still notices.
   */
  readonly drive?: "interval" | "on-demand";
}

const STATE_KEY = "sap:availability";
const STATE_TTL_SECONDS = 86_400;

/**
 * Whether SAP is up, known without waiting for a user's miss: a circuit breaker fed by
 * failed calls and by an RFC_PING probe. The state lives in the shared cache (Redis in
 * Azure), so every instance agrees: one instance per interval wins the probe (an atomic
 * increment on a per-interval key), writes the result, and each instance re-reads it
 * every second. A change is alerted once, by whoever wins the change's alert key.
 *
 * The seed's rule holds: while SAP is down nothing SAP-backed is served, cache hits
 * included, and it comes back by itself when the probe succeeds.
 */
export class SapAvailability {
  readonly #options: SapAvailabilityOptions;
  #state: SharedState;
  #consecutiveFailures = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  /** When this instance last read the shared state (real time, as the probe intervals). */
  #tickedAt = 0;

  constructor(options: SapAvailabilityOptions) {
    this.#options = Object.freeze({ ...options });
    this.#state = { state: "up", since: options.clock.now().toISOString(), reason: "assumed up at start" };
    options.metrics.sapUp.set(1);
  }

  get state(): SapState {
    return this.#state.state;
  }

  get since(): string {
    return this.#state.since;
  }

  get retryAfterSeconds(): number {
    return this.#options.probeIntervalSeconds;
  }

  /** Throws 503 SAP_UNAVAILABLE while the circuit is open. */
  assertAvailable(): void {
    if (this.#state.state === "down") {
      throw new ServiceUnavailableError(
        "SAP, the source of truth, is unavailable; nothing SAP-backed is served until it is back",
        this.retryAfterSeconds,
        { since: this.#state.since },
        "SAP_UNAVAILABLE",
      );
    }
  }

  recordSuccess(): void {
    this.#consecutiveFailures = 0;
  }

  /** A call failed because SAP could not be reached; enough of them open the circuit. */
  async recordOutage(error: RfcError): Promise<void> {
    this.#consecutiveFailures++;
    if (this.#consecutiveFailures >= this.#options.failureThreshold && this.#state.state === "up") {
      await this.#change(
        "down",
        `${this.#consecutiveFailures} consecutive RFC calls failed (${error.type}: ${error.message})`,
      );
    }
  }

  /** `assertAvailable` on an up-to-date state: what every SAP-backed read checks first. */
  async ensureAvailable(): Promise<void> {
    await this.refresh();
    this.assertAvailable();
  }

  /** Before a call, on demand: the shared state when the last read is over a tick old. */
  async refresh(): Promise<void> {
    if (this.#options.drive === "on-demand" && Date.now() - this.#tickedAt >= this.#tickMs) await this.tick();
  }

  get #tickMs(): number {
    return Math.min(1000, this.#options.probeIntervalSeconds * 1000);
  }

  start(): void {
    if (this.#timer || this.#options.drive === "on-demand") return;
    this.#timer = setInterval(() => void this.tick(), this.#tickMs);
    this.#timer.unref();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One step: probe when this instance won this interval's probe, then adopt the shared state. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    this.#tickedAt = Date.now();
    try {
      const { cache, probeIntervalSeconds } = this.#options;
      const interval = Math.floor(Date.now() / (probeIntervalSeconds * 1000));
      if ((await cache.increment(`sap:probe:${interval}`, probeIntervalSeconds * 2)) === 1) await this.#probe();
      const shared = await cache.get(STATE_KEY);
      if (shared) this.#adopt(JSON.parse(shared) as SharedState);
    } catch (error) {
      this.#options.logger.warn("SAP availability check failed", { error });
    } finally {
      this.#ticking = false;
    }
  }

  async #probe(): Promise<void> {
    try {
      await this.#options.ping();
      this.#consecutiveFailures = 0;
      if (this.#state.state === "down") await this.#change("up", "RFC_PING answered");
    } catch (error) {
      if (this.#state.state === "up") await this.#change("down", `RFC_PING failed: ${(error as Error).message}`);
    }
  }

  async #change(state: SapState, reason: string): Promise<void> {
    const next: SharedState = { state, since: this.#options.clock.now().toISOString(), reason };
    this.#adopt(next);
    const { cache, alerts, probeIntervalSeconds } = this.#options;
    await cache.set(STATE_KEY, JSON.stringify(next), STATE_TTL_SECONDS);
    // Instances that see the same change within one window raise one alert between them.
    const window = Math.floor(Date.now() / (probeIntervalSeconds * 4000));
    if ((await cache.increment(`sap:alerted:${state}:${window}`, probeIntervalSeconds * 8)) === 1) {
      await alerts.raise({
        source: "sap",
        severity: state === "down" ? "critical" : "info",
        title: state === "down" ? "SAP is unavailable" : "SAP is available again",
        message: reason,
        details: { since: next.since },
      });
    }
  }

  #adopt(shared: SharedState): void {
    if (shared.state !== this.#state.state) {
      this.#options.logger[shared.state === "down" ? "error" : "info"](`SAP is ${shared.state}`, {
        reason: shared.reason,
        since: shared.since,
      });
      if (shared.state === "up") this.#consecutiveFailures = 0;
    }
    this.#state = shared;
    this.#options.metrics.sapUp.set(shared.state === "up" ? 1 : 0);
  }
}
