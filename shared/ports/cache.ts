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
  ping(): Promise<void>;
  close(): Promise<void>;
}
