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

/** Token bucket; `take` must be atomic across instances (never read-then-write). */
export interface RateLimiter {
  take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
}
