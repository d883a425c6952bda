import type { Cache } from "../../ports/cache.js";
import type { RateLimiter } from "../../ports/rate-limiter.js";

export interface AdaptiveRateOptions {
  readonly cache: Cache;
  readonly limiter: RateLimiter;
  /** Names the partner; every worker on every instance with this key shares one rate. */
  readonly key: string;
  /** The configured ceiling, requests per second. */
  readonly maxPerSecond: number;
  /** Never slower than this. */
  readonly minPerSecond: number;
  /** Calm time (no 429) before each step back up. */
  readonly increaseAfterMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Multiplicative decrease on a 429, additive increase after calm: AIMD, as TCP does it. */
const DECREASE_FACTOR = 0.7;
const INCREASE_SHARE = 0.05;
/** How stale a worker's view of the shared rate may be. */
const REFRESH_MS = 500;

/**
 * One client-side rate for a partner, shared by all workers through the cache (Redis in
 * Azure) and paced through the rate limiter's GCRA slots. It lowers the rate when the
 * partner answers 429 and climbs back while it stops, so a run follows the partner's real
 * limit instead of hammering it. Cuts are taken at most once per second across workers,
 * so a burst of 429s answered to many workers at once counts as one signal.
 */
export class AdaptiveRate {
  readonly #o: Required<Omit<AdaptiveRateOptions, "cache" | "limiter">> &
    Pick<AdaptiveRateOptions, "cache" | "limiter">;
  #rate: number;
  #refreshedAt = 0;
  #refreshing: Promise<void> | undefined;

  constructor(options: AdaptiveRateOptions) {
    this.#o = {
      increaseAfterMs: 3000,
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...options,
    };
    this.#rate = options.maxPerSecond;
  }

  /** The rate this worker paces at now, requests per second. */
  get current(): number {
    return this.#rate;
  }

  /** Waits for this worker's next slot under the shared rate. */
  async acquire(): Promise<void> {
    if (this.#o.now() - this.#refreshedAt >= REFRESH_MS)
      await (this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined)));
    const waitMs = await this.#o.limiter.pace(`${this.#o.key}:slots`, 1000 / this.#rate);
    if (waitMs >= 1) await this.#o.sleep(waitMs);
  }

  /** The partner said slow down (429, or 503 with Retry-After). */
  async throttled(): Promise<void> {
    const now = this.#o.now();
    await this.#o.cache.set(`${this.#o.key}:throttled-at`, String(now), 3600);
    if ((await this.#o.cache.increment(`${this.#o.key}:cut:${Math.floor(now / 1000)}`, 5)) !== 1) return;
    const shared = await this.#sharedRate();
    this.#rate = Math.max(this.#o.minPerSecond, Math.round(shared * DECREASE_FACTOR));
    await this.#o.cache.set(`${this.#o.key}:rate`, String(this.#rate), 3600);
    this.#refreshedAt = now;
  }

  async #sharedRate(): Promise<number> {
    const stored = Number(await this.#o.cache.get(`${this.#o.key}:rate`));
    return Number.isFinite(stored) && stored > 0 ? Math.min(stored, this.#o.maxPerSecond) : this.#o.maxPerSecond;
  }

  /** Reads the shared rate; after a calm period one worker steps it up. */
  async #refresh(): Promise<void> {
    const now = this.#o.now();
    this.#refreshedAt = now;
    let rate = await this.#sharedRate();
    if (rate < this.#o.maxPerSecond) {
      const throttledAt = Number((await this.#o.cache.get(`${this.#o.key}:throttled-at`)) ?? 0);
      const step = Math.floor(now / this.#o.increaseAfterMs);
      if (
        now - throttledAt >= this.#o.increaseAfterMs &&
        (await this.#o.cache.increment(
          `${this.#o.key}:raise:${step}`,
          Math.ceil(this.#o.increaseAfterMs / 1000) + 5,
        )) === 1
      ) {
        rate = Math.min(this.#o.maxPerSecond, Math.round(rate + Math.max(1, this.#o.maxPerSecond * INCREASE_SHARE)));
        await this.#o.cache.set(`${this.#o.key}:rate`, String(rate), 3600);
      }
    }
    this.#rate = rate;
  }
}
