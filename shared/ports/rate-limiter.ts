export interface RateLimitPolicy {
  /** Tokens added per minute. */
  readonly perMinute: number;
  /** Bucket capacity: requests allowed at once. */
  readonly burst: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number;
  /** Seconds until one token is available (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/** Token bucket; `take` and `pace` must be atomic across instances (never read-then-write). */
export interface RateLimiter {
  take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
  /**
   * Paces callers sharing `key` to one per `intervalMs` (GCRA): reserves the next free
   * slot and returns how many ms to wait before using it. Sub-millisecond intervals work,
   * so thousands of calls per second can be spread evenly over many workers.
   */
  pace(key: string, intervalMs: number): Promise<number>;
}
