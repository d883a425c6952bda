import type { Cache, Reservation } from "../../ports/cache.js";
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from "../../ports/rate-limiter.js";

/** In-process cache for a single laptop process or tests; refused in Azure. */
export class InProcessCache implements Cache {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #now: () => number;
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }
  async get(key: string) {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
  }
  async add(key: string, value: string, ttlSeconds: number) {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now()) return false;
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
    return true;
  }
  async delete(key: string) {
    this.#entries.delete(key);
  }
  async deleteByPrefix(prefix: string) {
    let n = 0;
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix)) {
        this.#entries.delete(key);
        n++;
      }
    }
    return n;
  }
  /** No await between read and write: one event-loop turn makes it atomic. */
  async increment(key: string, ttlSeconds: number) {
    const now = this.#now();
    const entry = this.#entries.get(key);
    const live = entry && entry.expiresAt > now ? entry : undefined;
    const next = (live ? Number(live.value) : 0) + 1;
    this.#entries.set(key, { value: String(next), expiresAt: live?.expiresAt ?? now + ttlSeconds * 1000 });
    return next;
  }
  /** Read, decide and write with no await in between: one event-loop turn is the critical section. */
  async reserve(key: string, limit: number, ttlSeconds: number): Promise<Reservation> {
    const now = this.#now();
    const entry = this.#entries.get(key);
    const live = entry && entry.expiresAt > now ? entry : undefined;
    const count = live ? Number(live.value) : 0;
    if (count >= limit) {
      return { taken: false, retryAfterSeconds: Math.max(1, Math.ceil(((live?.expiresAt ?? now) - now) / 1000)) };
    }
    this.#entries.set(key, { value: String(count + 1), expiresAt: live?.expiresAt ?? now + ttlSeconds * 1000 });
    return { taken: true, retryAfterSeconds: 0 };
  }
  async release(key: string) {
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= this.#now()) return;
    const count = Number(entry.value) - 1;
    if (count <= 0) this.#entries.delete(key);
    else this.#entries.set(key, { value: String(count), expiresAt: entry.expiresAt });
  }
  async ping() {}
  async close() {
    this.#entries.clear();
  }
}

/**
 * Token bucket arithmetic shared by both limiters (the Redis one runs the same steps in
 * Lua): refill by elapsed time, then take one token if there is one.
 */
export function takeToken(
  state: { tokens: number; updatedAtMs: number } | undefined,
  policy: RateLimitPolicy,
  nowMs: number,
): { state: { tokens: number; updatedAtMs: number }; decision: RateLimitDecision } {
  const ratePerMs = policy.perMinute / 60_000;
  const before = state
    ? Math.min(policy.burst, state.tokens + Math.max(0, nowMs - state.updatedAtMs) * ratePerMs)
    : policy.burst;
  const allowed = before >= 1;
  const tokens = allowed ? before - 1 : before;
  return { state: { tokens, updatedAtMs: nowMs }, decision: toDecision(allowed, tokens, policy) };
}

/** Headers-ready figures from the bucket's state after a take. */
export function toDecision(allowed: boolean, tokens: number, policy: RateLimitPolicy): RateLimitDecision {
  const ratePerMs = policy.perMinute / 60_000;
  return {
    allowed,
    limit: policy.burst,
    remaining: Math.floor(tokens),
    resetSeconds: Math.ceil((policy.burst - tokens) / ratePerMs / 1000),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000)),
  };
}

/** In-process token bucket; one event loop makes each `take` atomic. Refused in Azure. */
export class InProcessRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; updatedAtMs: number }>();
  readonly #now: () => number;
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }
  async take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const { state, decision } = takeToken(this.#buckets.get(key), policy, this.#now());
    this.#buckets.set(key, state);
    return decision;
  }
  readonly #slots = new Map<string, number>();
  async pace(key: string, intervalMs: number): Promise<number> {
    const now = this.#now();
    const next = Math.max(now, this.#slots.get(key) ?? 0);
    this.#slots.set(key, next + intervalMs);
    return next - now;
  }
}
