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
 * clocks. Same arithmetic as `takeToken`.
 */
const TOKEN_BUCKET_LUA = `
local key = KEYS[1]
local rate_per_ms = tonumber(ARGV[1]) / 60000
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate_per_ms)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', key, math.ceil(burst / rate_per_ms) + 1000)
return { allowed, tostring(tokens) }
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

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = "fip:ratelimit:") {
    this.#redis = redis;
    this.#prefix = prefix;
    redis.defineCommand("takeToken", { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    redis.defineCommand("paceSlot", { numberOfKeys: 1, lua: PACE_LUA });
  }
  async pace(key: string, intervalMs: number): Promise<number> {
    const run = (this.#redis as unknown as { paceSlot(k: string, interval: number): Promise<string> }).paceSlot;
    return Number(await run.call(this.#redis, this.#prefix + key, intervalMs));
  }
  async take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const run = (this.#redis as unknown as { takeToken(k: string, rate: number, burst: number): Promise<[number, string]> }).takeToken;
    const [allowedFlag, tokensText] = await run.call(this.#redis, this.#prefix + key, policy.perMinute, policy.burst);
    return toDecision(allowedFlag === 1, Number(tokensText), policy);
  }
}
