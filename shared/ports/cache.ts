/** A shared key-value cache with TTLs. Redis in Azure; in-process on a laptop. */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes every key under a prefix (e.g. one project's entries); returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Atomically adds 1 and returns the new count; the TTL starts at the first increment. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
