/** A shared key-value cache with TTLs. Redis in Azure; in-process on a laptop. */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores only when the key is absent (SET NX); true when it stored. A fill that raced a newer write never replaces it. */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes every key under a prefix (e.g. one project's entries); returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Atomically adds 1 and returns the new count; the TTL starts at the first increment. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /**
   * Check and count in one atomic step: when the counter's live count is below `limit`,
   * adds 1 and answers `taken: true` (the TTL starts at the first unit taken); otherwise
   * changes nothing and answers `taken: false` with the seconds until the counter expires.
   * Concurrent callers can never together take more than `limit`.
   */
  reserve(key: string, limit: number, ttlSeconds: number): Promise<Reservation>;
  /** Gives back one unit `reserve` took: never below zero, the TTL unchanged; nothing once the counter expired. */
  release(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Reservation {
  readonly taken: boolean;
  /** When refused: seconds until the counter expires (at least 1); 0 when taken. */
  readonly retryAfterSeconds: number;
}
