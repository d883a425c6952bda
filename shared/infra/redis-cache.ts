import type { Redis } from "ioredis";
import type { Cache } from "../ports/cache.js";
import { toDecision } from "./memory-cache.js";
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from "../ports/rate-limiter.js";

export async function connectRedis(url: string, password: string | undefined): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    ...(password ? { password } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    connectTimeout: 5000,
    // Commands issued in the same tick share one round trip (rate limit + cache read per request).
    enableAutoPipelining: true,
  });
  await client.connect();
  return client;
}

export class RedisCache implements Cache {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = "fip:cache:") {
    this.#redis = redis;
    this.#prefix = prefix;
  }
  async get(key: string) {
    return (await this.#redis.get(this.#prefix + key)) ?? undefined;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await this.#redis.set(this.#prefix + key, value, "EX", Math.max(1, Math.ceil(ttlSeconds)));
  }
  async add(key: string, value: string, ttlSeconds: number) {
    return (await this.#redis.set(this.#prefix + key, value, "EX", Math.max(1, Math.ceil(ttlSeconds)), "NX")) === "OK";
  }
  async delete(key: string) {
    await this.#redis.del(this.#prefix + key);
  }
  /** SCAN, never KEYS: it does not block Redis on a large keyspace. */
  async deleteByPrefix(prefix: string) {
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = await this.#redis.scan(cursor, "MATCH", `${escapeGlob(this.#prefix + prefix)}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) deleted += await this.#redis.unlink(...keys);
    } while (cursor !== "0");
    return deleted;
  }
  async increment(key: string, ttlSeconds: number) {
    const [[, count]] = (await this.#redis
      .multi()
      .incr(this.#prefix + key)
      .expire(this.#prefix + key, Math.max(1, Math.ceil(ttlSeconds)), "NX")
      .exec()) as [[unknown, number]];
    return count;
  }
  async ping() {
    await this.#redis.ping();
  }
  async close() {
    this.#redis.disconnect();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * The whole bucket update runs inside Redis as one script, so concurrent instances can
 * never both spend the last token. Time comes from Redis (TIME), not from the callers'
 * clocks. Same arithmetic as `takeToken`, except that it grants up to ARGV[3] tokens at
 * once (a lease; see RedisRateLimiter) and returns how many it granted.
 */
const TOKEN_BUCKET_LUA = `
local key = KEYS[1]
local rate_per_ms = tonumber(ARGV[1]) / 60000
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate_per_ms)
end
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', key, math.ceil(burst / rate_per_ms) + 1000)
return { granted, tostring(tokens) }
`;

/** GCRA: the key holds the next free slot (ms since the epoch, fractional); Redis's clock is the one clock. */
const PACE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil(slot - now + interval) + 60000)
return tostring(slot - now)
`;

/** Leased tokens not spent within this long are given up (they stay spent in Redis). */
const LEASE_MS = 1000;
/** The largest lease: a tenth of the bucket, and never more than this. */
const MAX_LEASE = 100;
/** Expired leases are swept once this many keys are held. */
const MAX_LEASES = 10_000;

interface Lease {
  /** Tokens taken from Redis and not yet spent here. */
  tokens: number;
  /** How many the last refill granted (the next one doubles it while the caller stays hot). */
  size: number;
  expiresAt: number;
  /** Redis's bucket after the last refill, and when (for the headers and Retry-After). */
  shared: number;
  refilledAt: number;
  /** Refused until then without asking Redis (the bucket had no whole token). */
  deniedUntil: number;
}

/**
 * The token bucket in Redis, shared by every instance. A caller that spends a whole lease
 * within LEASE_MS is hot: its next refill takes twice as many tokens at once (up to a tenth
 * of the burst), spent here without a Redis call each, so a busy client costs Redis one
 * script per lease instead of one per request. A caller that is not hot takes one token per
 * request, as without leases. Tokens are only ever taken from Redis, so the limit holds
 * across instances; leased tokens left unspent expire and are lost to the caller, at most
 * a tenth of the burst per instance per second. A refused caller is refused here until its
 * next token is due.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #leases = new Map<string, Lease>();
  /** One refill in flight per key: concurrent requests wait for it instead of each taking a lease. */
  readonly #refills = new Map<string, Promise<RateLimitDecision>>();
  constructor(redis: Redis, prefix = "fip:ratelimit:") {
    this.#redis = redis;
    this.#prefix = prefix;
    redis.defineCommand("takeTokens", { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    redis.defineCommand("paceSlot", { numberOfKeys: 1, lua: PACE_LUA });
  }
  async pace(key: string, intervalMs: number): Promise<number> {
    const run = (this.#redis as unknown as { paceSlot(k: string, interval: number): Promise<string> }).paceSlot;
    return Number(await run.call(this.#redis, this.#prefix + key, intervalMs));
  }
  async take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const redisKey = this.#prefix + key;
    for (;;) {
      const local = this.#takeLocal(redisKey, policy, Date.now());
      if (local) return local;
      const pending = this.#refills.get(redisKey);
      if (!pending) break;
      await pending.catch(() => undefined);
    }
    const refill = this.#refill(redisKey, policy).finally(() => this.#refills.delete(redisKey));
    this.#refills.set(redisKey, refill);
    return refill;
  }

  #takeLocal(redisKey: string, policy: RateLimitPolicy, now: number): RateLimitDecision | undefined {
    const lease = this.#leases.get(redisKey);
    if (!lease) return undefined;
    const sharedNow = Math.min(policy.burst, lease.shared + ((now - lease.refilledAt) * policy.perMinute) / 60_000);
    if (now < lease.deniedUntil) return toDecision(false, sharedNow, policy);
    if (lease.tokens < 1 || now >= lease.expiresAt) return undefined;
    lease.tokens -= 1;
    return toDecision(true, Math.min(policy.burst, sharedNow + lease.tokens), policy);
  }

  async #refill(redisKey: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const now = Date.now();
    const previous = this.#leases.get(redisKey);
    const maxLease = Math.max(1, Math.min(MAX_LEASE, Math.floor(policy.burst / 10)));
    const hot = previous !== undefined && previous.size > 0 && now < previous.expiresAt;
    const want = hot ? Math.min(maxLease, previous.size * 2) : 1;
    const run = (this.#redis as unknown as { takeTokens(k: string, rate: number, burst: number, want: number): Promise<[number, string]> }).takeTokens;
    const [granted, sharedText] = await run.call(this.#redis, redisKey, policy.perMinute, policy.burst, want);
    const shared = Number(sharedText);
    const at = Date.now();
    const ratePerMs = policy.perMinute / 60_000;
    if (this.#leases.size >= MAX_LEASES) this.#sweep(at);
    if (granted < 1) {
      this.#leases.set(redisKey, { tokens: 0, size: 0, expiresAt: at, shared, refilledAt: at, deniedUntil: at + (1 - shared) / ratePerMs });
      return toDecision(false, shared, policy);
    }
    const carried = previous && at < previous.expiresAt ? previous.tokens : 0;
    const lease: Lease = { tokens: carried + granted - 1, size: granted, expiresAt: at + LEASE_MS, shared, refilledAt: at, deniedUntil: 0 };
    this.#leases.set(redisKey, lease);
    return toDecision(true, Math.min(policy.burst, shared + lease.tokens), policy);
  }

  #sweep(now: number): void {
    for (const [key, lease] of this.#leases) if (lease.expiresAt <= now && lease.deniedUntil <= now) this.#leases.delete(key);
  }
}
