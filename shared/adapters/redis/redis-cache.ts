import type { TokenCredential } from "@azure/identity";
import type { Redis } from "ioredis";
import type { Cache, Reservation } from "../../ports/cache.js";
import { toDecision } from "../embedded/memory-cache.js";
import type { RateLimitDecision, RateLimitPolicy, RateLimiter } from "../../ports/rate-limiter.js";
import { redisCommand, reportConnectionErrors } from "./redis-unavailable.js";
import { EntraRedisAuth } from "./redis-entra-auth.js";

/**
 * How the client signs in (REDIS_AUTH): a password (none when undefined), or Microsoft
 * Entra tokens from `credential` (DefaultAzureCredential when absent), renewed before expiry.
 */
export type RedisAuth =
  | { readonly kind: "password"; readonly password: string | undefined }
  | { readonly kind: "entra"; readonly credential?: TokenCredential };

export interface RedisClientOptions {
  /** A command unanswered for this long fails (REDIS_COMMAND_TIMEOUT_MS). */
  readonly commandTimeoutMs: number;
  /** Hears connection errors (for the log), each distinct one once until Redis is ready again. */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * The one Redis client of an instance (the broadcast's subscriber is its duplicate, with
 * the same options). Redis down or hung fails a command within `commandTimeoutMs`, never
 * later: a command unanswered for that long is rejected; a connection that sent nothing
 * back for that long while commands waited is dropped and reconnected (a paused server, a
 * link gone silent), and while there is no connection every command fails at once (no
 * offline queue) instead of waiting for one. Commands the client gave up on are not sent
 * again after a reconnect. The adapters turn these failures into 503 with Retry-After.
 */
export async function connectRedis(url: string, auth: RedisAuth, options: RedisClientOptions): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const entra =
    auth.kind === "entra"
      ? new EntraRedisAuth(auth.credential ?? new (await import("@azure/identity")).DefaultAzureCredential())
      : undefined;
  const signIn = entra ? await entra.signIn() : undefined;
  const credentials = signIn
    ? { username: signIn.username, password: signIn.password }
    : auth.kind === "password" && auth.password
      ? { password: auth.password }
      : {};
  const client = new Redis(url, {
    ...credentials,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    connectTimeout: 5000,
    commandTimeout: options.commandTimeoutMs,
    socketTimeout: options.commandTimeoutMs,
    autoResendUnfulfilledCommands: false,
    // Commands issued in the same tick share one round trip (rate limit + cache read per request).
    enableAutoPipelining: true,
  });
  reportConnectionErrors(client, options.onConnectionError);
  if (entra) {
    entra.track(client);
    client.once("end", () => entra.close());
  }
  // A refused sign-in (a wrong password, a token for another identity) stops the start
  // with Redis' own reason: that is configuration, not an outage. Redis merely down is
  // waited for but not required: until it answers, commands fail at once (503 with
  // Retry-After) while ioredis keeps reconnecting.
  let refused: Error | undefined;
  const onError = (error: Error) => {
    if (/WRONGPASS|NOAUTH|NOPERM/.test(error.message)) refused = error;
  };
  client.on("error", onError);
  try {
    await client.connect();
  } catch {
    if (refused) {
      client.disconnect();
      throw refused;
    }
  } finally {
    client.off("error", onError);
  }
  return client;
}

/**
 * Check and count in one script (one key, so it runs on any cluster policy): below the
 * limit, INCR (the TTL set by the first); at it, nothing but the milliseconds left. A
 * counter found without a TTL gets one, so no lock can outlive its window.
 */
const RESERVE_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    left = tonumber(ARGV[2])
  end
  return { 0, left }
end
redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return { 1, 0 }
`;

/** One unit back, the TTL kept (DECR keeps it); at zero the counter goes, so an expired one is never recreated. */
const RELEASE_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count <= 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
return redis.call('DECR', KEYS[1])
`;

interface CounterCommands {
  reserveUnit(key: string, limit: number, ttlMs: number): Promise<[number, number]>;
  releaseUnit(key: string): Promise<number>;
}

export class RedisCache implements Cache {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = "fip:cache:") {
    this.#redis = redis;
    this.#prefix = prefix;
    redis.defineCommand("reserveUnit", { numberOfKeys: 1, lua: RESERVE_LUA });
    redis.defineCommand("releaseUnit", { numberOfKeys: 1, lua: RELEASE_LUA });
  }
  async get(key: string) {
    return (await redisCommand(this.#redis.get(this.#prefix + key))) ?? undefined;
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await redisCommand(this.#redis.set(this.#prefix + key, value, "EX", Math.max(1, Math.ceil(ttlSeconds))));
  }
  async add(key: string, value: string, ttlSeconds: number) {
    return (
      (await redisCommand(
        this.#redis.set(this.#prefix + key, value, "EX", Math.max(1, Math.ceil(ttlSeconds)), "NX"),
      )) === "OK"
    );
  }
  async delete(key: string) {
    await redisCommand(this.#redis.del(this.#prefix + key));
  }
  /** SCAN, never KEYS: it does not block Redis on a large keyspace. */
  async deleteByPrefix(prefix: string) {
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = await redisCommand(
        this.#redis.scan(cursor, "MATCH", `${escapeGlob(this.#prefix + prefix)}*`, "COUNT", 500),
      );
      cursor = next;
      if (keys.length > 0) deleted += await redisCommand(this.#redis.unlink(...keys));
    } while (cursor !== "0");
    return deleted;
  }
  async increment(key: string, ttlSeconds: number) {
    const [[, count]] = (await redisCommand(
      this.#redis
        .multi()
        .incr(this.#prefix + key)
        .expire(this.#prefix + key, Math.max(1, Math.ceil(ttlSeconds)), "NX")
        .exec(),
    )) as [[unknown, number]];
    return count;
  }
  async reserve(key: string, limit: number, ttlSeconds: number): Promise<Reservation> {
    const redis = this.#redis as unknown as CounterCommands;
    const ttlMs = Math.max(1000, Math.ceil(ttlSeconds * 1000));
    const [taken, leftMs] = await redisCommand(redis.reserveUnit(this.#prefix + key, limit, ttlMs));
    return taken === 1
      ? { taken: true, retryAfterSeconds: 0 }
      : { taken: false, retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)) };
  }
  async release(key: string) {
    await redisCommand((this.#redis as unknown as CounterCommands).releaseUnit(this.#prefix + key));
  }
  async ping() {
    await redisCommand(this.#redis.ping());
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
/** Keys whose lease or refusal is remembered; past it, expired ones go, then the oldest. */
const MAX_LEASES = 10_000;

interface Lease {
  /** Tokens taken from Redis and not yet spent here. */
  tokens: number;
  /** Redis's bucket after the last refill, and when it was asked (for the headers and Retry-After). */
  shared: number;
  refilledAt: number;
  /** Allowed requests since the last refill: with the time since, the caller's rate. */
  spent: number;
  expiresAt: number;
  /** Refused until then without asking Redis (the bucket had no whole token). */
  deniedUntil: number;
}

/** A refill in flight, which `want - promised` more concurrent requests may wait for. */
interface Refill {
  readonly want: number;
  promised: number;
  readonly done: Promise<RateLimitDecision>;
}

/**
 * The token bucket in Redis, shared by every instance. A busy caller leases tokens: each
 * refill asks for about half a lease period's worth at the caller's recent rate (up to a
 * tenth of the burst), spent here without a Redis call each, so a client making thousands of
 * requests a second costs Redis one script per lease instead of one per request. A caller
 * making a request every few seconds takes one token per request, as without leases.
 *
 * What leasing changes: tokens only ever leave Redis through the script, so over any period
 * a caller gets no more than the bucket's refill allows; but a lease is spent after Redis
 * handed it out, so one instant's burst can exceed the burst by what the instances still
 * hold (at most a tenth of the burst per instance). Leased tokens unspent after LEASE_MS are
 * lost to the caller. Concurrent requests for one key wait for a refill in flight when it
 * asked for enough tokens for them, else they go to Redis at once. A refused caller is
 * refused here until its next token is due, unless it still holds leased tokens.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #leases = new Map<string, Lease>();
  readonly #refills = new Map<string, Refill>();
  #sweptAt = 0;
  constructor(redis: Redis, options: { prefix?: string; leaseMs?: number } = {}) {
    this.#redis = redis;
    this.#prefix = options.prefix ?? "fip:ratelimit:";
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    redis.defineCommand("takeTokens", { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    redis.defineCommand("paceSlot", { numberOfKeys: 1, lua: PACE_LUA });
  }
  async pace(key: string, intervalMs: number): Promise<number> {
    const redis = this.#redis as unknown as { paceSlot(k: string, interval: number): Promise<string> };
    return Number(await redisCommand(redis.paceSlot(this.#prefix + key, intervalMs)));
  }
  async take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    const redisKey = this.#prefix + key;
    for (;;) {
      const local = this.#takeLocal(redisKey, policy, Date.now());
      if (local) return local;
      const pending = this.#refills.get(redisKey);
      if (!pending || pending.promised >= pending.want) break;
      pending.promised++;
      await pending.done.catch(() => undefined);
    }
    const want = this.#leaseSize(redisKey, policy, Date.now());
    const refill: Refill = { want, promised: 1, done: this.#refill(redisKey, policy, want) };
    this.#refills.set(redisKey, refill);
    return refill.done.finally(() => {
      if (this.#refills.get(redisKey) === refill) this.#refills.delete(redisKey);
    });
  }

  #takeLocal(redisKey: string, policy: RateLimitPolicy, now: number): RateLimitDecision | undefined {
    const lease = this.#leases.get(redisKey);
    if (!lease) return undefined;
    const sharedNow = Math.min(policy.burst, lease.shared + ((now - lease.refilledAt) * policy.perMinute) / 60_000);
    if (lease.tokens >= 1 && now < lease.expiresAt) {
      lease.tokens -= 1;
      lease.spent += 1;
      return toDecision(true, Math.min(policy.burst, sharedNow + lease.tokens), policy);
    }
    return now < lease.deniedUntil ? toDecision(false, sharedNow, policy) : undefined;
  }

  /** Half a lease period's worth at the caller's rate since its last refill: little is left to expire. */
  #leaseSize(redisKey: string, policy: RateLimitPolicy, now: number): number {
    const previous = this.#leases.get(redisKey);
    if (!previous) return 1;
    const maxLease = Math.max(1, Math.min(MAX_LEASE, Math.floor(policy.burst / 10)));
    const perMs = previous.spent / Math.max(1, now - previous.refilledAt);
    return Math.max(1, Math.min(maxLease, Math.floor((perMs * this.#leaseMs) / 2)));
  }

  async #refill(redisKey: string, policy: RateLimitPolicy, want: number): Promise<RateLimitDecision> {
    // Timed from the request, so a slow answer shortens the lease rather than stretching it.
    const askedAt = Date.now();
    const redis = this.#redis as unknown as {
      takeTokens(k: string, rate: number, burst: number, want: number): Promise<[number, string]>;
    };
    const [granted, sharedText] = await redisCommand(redis.takeTokens(redisKey, policy.perMinute, policy.burst, want));
    const shared = Number(sharedText);
    const previous = this.#leases.get(redisKey);
    this.#bound(askedAt);
    // Tokens of refills that answered earlier stay spendable: they came out of Redis.
    const live = previous && askedAt < previous.expiresAt && previous.tokens >= 1 ? previous : undefined;
    if (granted < 1) {
      const ratePerMs = policy.perMinute / 60_000;
      this.#leases.set(redisKey, {
        tokens: live?.tokens ?? 0,
        shared,
        refilledAt: askedAt,
        spent: live?.spent ?? 0,
        expiresAt: live?.expiresAt ?? askedAt,
        deniedUntil: askedAt + (1 - shared) / ratePerMs,
      });
      return toDecision(false, shared, policy);
    }
    const lease: Lease = {
      tokens: (live?.tokens ?? 0) + granted - 1,
      shared,
      refilledAt: askedAt,
      spent: 1,
      expiresAt: askedAt + this.#leaseMs,
      deniedUntil: 0,
    };
    this.#leases.set(redisKey, lease);
    return toDecision(true, Math.min(policy.burst, shared + lease.tokens), policy);
  }

  /** At most MAX_LEASES keys: expired ones go (once a second at most), then the oldest. */
  #bound(now: number): void {
    if (this.#leases.size < MAX_LEASES) return;
    if (now - this.#sweptAt >= 1000) {
      this.#sweptAt = now;
      for (const [key, lease] of this.#leases)
        if (lease.expiresAt <= now && lease.deniedUntil <= now) this.#leases.delete(key);
    }
    for (const key of this.#leases.keys()) {
      if (this.#leases.size < MAX_LEASES) break;
      this.#leases.delete(key);
    }
  }
}
