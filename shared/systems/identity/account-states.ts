import { z } from "zod";
import { roleSchema } from "../../kernel/roles.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { Broadcast, Subscription } from "../../ports/broadcast.js";
import type { Cache } from "../../ports/cache.js";
import type { User, UserRepository } from "./user-repository.js";

/** What authentication needs of an account. */
export type AccountState = Pick<User, "username" | "status" | "roles" | "sessionsValidAfter">;

/**
 * How long the shared entry (`account:{id}`) lives. Changes made through the platform
 * overwrite it at once; the TTL only bounds how long an edit made straight in SQL takes.
 */
const SHARED_TTL_SECONDS = 60;
/** How long an instance keeps a state in memory; changes made through the platform drop it at once. */
const LOCAL_TTL_MS = 10_000;
/** Memory bound: the oldest entries go first. */
const LOCAL_MAX_ENTRIES = 10_000;
const TOPIC = "account-changed";

export const accountCacheKey = (userId: string) => `account:${userId}`;

const accountStateSchema = z.object({
  username: z.string(),
  status: z.enum(["active", "disabled"]),
  roles: z.array(roleSchema),
  sessionsValidAfter: z.string().nullable(),
});

function encode(user: AccountState): string {
  return JSON.stringify({
    username: user.username,
    status: user.status,
    roles: user.roles,
    sessionsValidAfter: user.sessionsValidAfter,
  });
}

/** Anything unreadable counts as a miss (and SQL is asked). */
function decode(value: string | undefined): AccountState | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = accountStateSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface AccountStatesDeps {
  readonly users: UserRepository;
  /** Shared across instances (Redis in Azure). */
  readonly cache: Cache;
  /** Tells every instance that an account changed. */
  readonly broadcast: Broadcast;
  readonly metrics: PlatformMetrics;
  readonly now?: () => number;
}

/**
 * The state of each account, read on every authenticated request: from this instance's
 * memory, else from the shared cache, else from SQL. A change made through the platform
 * overwrites the shared entry and is broadcast before the change returns; the instance that
 * made it forgets at once, every other one when the message arrives (Redis has sent it to
 * every subscriber by the time `publish` resolves: see RedisBroadcast), so a disabled account is
 * refused everywhere from the next request on. Memory is only trusted while the broadcast
 * subscription is live (Redis answered within the last 3 s): after a lost connection or a
 * silence the shared cache is read again, and what was in memory is dropped.
 */
export class AccountStates {
  readonly #d: AccountStatesDeps;
  readonly #now: () => number;
  readonly #local = new Map<string, { state: AccountState; expiresAt: number }>();
  /** Bumped by every drop: a read that started before it must not store what it read. */
  #generation = 0;
  #subscription: Subscription = { live: false };

  private constructor(deps: AccountStatesDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  static async open(deps: AccountStatesDeps): Promise<AccountStates> {
    const states = new AccountStates(deps);
    states.#subscription = await deps.broadcast.subscribe(TOPIC, {
      message: (userId) => states.#drop(userId),
      reset: () => states.#drop(undefined),
    });
    return states;
  }

  async get(userId: string): Promise<AccountState | undefined> {
    if (this.#subscription.live) {
      const local = this.#local.get(userId);
      if (local && local.expiresAt > this.#now()) return local.state;
    } else if (this.#local.size > 0) {
      // Messages may be lost while it is down: nothing kept from before is trusted afterwards.
      this.#drop(undefined);
    }
    const generation = this.#generation;
    const state = await this.#readShared(userId);
    if (state && this.#subscription.live && generation === this.#generation) this.#remember(userId, state);
    return state;
  }

  /** After a change to the account is committed: overwrite the shared entry, then tell every instance. */
  async changed(user: User): Promise<void> {
    // This instance forgets at once; the others when the message arrives.
    this.#drop(user.id);
    await this.#d.cache.set(accountCacheKey(user.id), encode(user), SHARED_TTL_SECONDS);
    await this.#d.broadcast.publish(TOPIC, user.id);
  }

  async #readShared(userId: string): Promise<AccountState | undefined> {
    const { cache, metrics, users } = this.#d;
    const cached = decode(await cache.get(accountCacheKey(userId)));
    if (cached) {
      metrics.cacheHits.inc({ cache_type: "account" });
      return cached;
    }
    metrics.cacheMisses.inc({ cache_type: "account" });
    const user = await users.findById(userId);
    if (!user) return undefined;
    // Add, not set: a change committed after this read has already written its newer state.
    await cache.add(accountCacheKey(userId), encode(user), SHARED_TTL_SECONDS);
    return user;
  }

  #remember(userId: string, state: AccountState): void {
    this.#local.delete(userId);
    this.#local.set(userId, { state, expiresAt: this.#now() + LOCAL_TTL_MS });
    if (this.#local.size > LOCAL_MAX_ENTRIES) this.#local.delete(this.#local.keys().next().value!);
  }

  /** One account, or every one (undefined). */
  #drop(userId: string | undefined): void {
    this.#generation++;
    if (userId === undefined) this.#local.clear();
    else this.#local.delete(userId);
  }
}
