import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AccountStates, accountCacheKey } from "../../../shared/systems/identity/account-states.js";
import { UserRepository, type User } from "../../../shared/systems/identity/user-repository.js";
import { InProcessBroadcast } from "../../../shared/adapters/embedded/memory-broadcast.js";
import { InProcessCache } from "../../../shared/adapters/embedded/memory-cache.js";
import { PlatformMetrics } from "../../../shared/foundation/metrics.js";
import type { Broadcast, BroadcastListener } from "../../../shared/ports/broadcast.js";
import type { Cache } from "../../../shared/ports/cache.js";
import { openSqliteDatabase, tablesOf, type Database } from "../../../shared/foundation/sql/database.js";
import { MIGRATIONS, type PlatformTables } from "../../../shared/catalog.js";
import { systemClock } from "../../../shared/ports/clock.js";

/** A broadcast whose subscription goes down and comes back on demand, as Redis pub/sub does. */
class SwitchableBroadcast implements Broadcast {
  live = true;
  /** Messages published while false are lost (a delayed message, as far as the listeners know). */
  deliver = true;
  readonly #inner = new InProcessBroadcast();
  readonly #listeners: BroadcastListener[] = [];
  async publish(topic: string, message: string) {
    if (this.live && this.deliver) await this.#inner.publish(topic, message);
  }
  async subscribe(topic: string, listener: BroadcastListener) {
    this.#listeners.push(listener);
    await this.#inner.subscribe(topic, listener);
    const self = this;
    return {
      get live() {
        return self.live;
      },
    };
  }
  reset() {
    this.#listeners.forEach((l) => l.reset());
  }
  async close() {}
}

describe("account states: memory per instance, shared cache, SQL", () => {
  let database: Database<PlatformTables>;
  let users: UserRepository;
  let clock = 1_000_000;
  const now = () => clock;
  before(async () => {
    database = await openSqliteDatabase<PlatformTables>(":memory:", MIGRATIONS);
    users = new UserRepository(tablesOf(database.db), systemClock);
  });
  after(async () => database.close());

  /** Two instances sharing the cache and the broadcast, as two Function instances share Redis. */
  async function twoInstances(broadcast: Broadcast = new InProcessBroadcast()) {
    const cache = new InProcessCache(now);
    const open = () => AccountStates.open({ users, cache, broadcast, metrics: new PlatformMetrics(), now });
    return { cache, a: await open(), b: await open() };
  }
  let n = 0;
  const newUser = () => users.create({ username: `user-${n++}`, passwordHash: "h", roles: ["finance"] });
  /** An edit made straight in SQL, bypassing the platform: nothing is told. */
  const editInSql = (user: User, changes: Parameters<UserRepository["update"]>[1]) => users.update(user.id, changes);

  it("a change made through one instance is seen by the other at its next read", async () => {
    const { a, b } = await twoInstances();
    const user = await newUser();
    assert.equal((await b.get(user.id))?.status, "active");
    await a.changed(await users.update(user.id, { status: "disabled" }));
    assert.equal((await b.get(user.id))?.status, "disabled");
    await a.changed(await users.update(user.id, { status: "active", roles: ["viewer"] }));
    assert.deepEqual((await b.get(user.id))?.roles, ["viewer"]);
  });

  it("answers from memory; an edit made straight in SQL applies once the memory and the shared entry expire", async () => {
    const { cache, b } = await twoInstances();
    const user = await newUser();
    await b.get(user.id);
    await editInSql(user, { status: "disabled" });
    await cache.delete(accountCacheKey(user.id));
    assert.equal((await b.get(user.id))?.status, "active", "served from memory");
    clock += 10_000;
    assert.equal((await b.get(user.id))?.status, "disabled", "memory expired; read from SQL");
  });

  it("does not trust memory while the broadcast is not live, and forgets everything on a reset", async () => {
    const broadcast = new SwitchableBroadcast();
    const { cache, a, b } = await twoInstances(broadcast);
    const user = await newUser();
    await b.get(user.id);
    broadcast.live = false;
    // The change's message is lost, but B reads the shared entry the change overwrote.
    await a.changed(await users.update(user.id, { status: "disabled" }));
    assert.equal((await b.get(user.id))?.status, "disabled");

    broadcast.live = true;
    await b.get(user.id);
    await editInSql(user, { status: "active" });
    await cache.delete(accountCacheKey(user.id));
    assert.equal((await b.get(user.id))?.status, "disabled", "still in memory");
    broadcast.reset();
    assert.equal((await b.get(user.id))?.status, "active", "a reset dropped it");
  });

  it("a read in flight when a change arrives does not keep what it read", async () => {
    const shared = new InProcessCache(now);
    let release: (() => void) | undefined;
    // The shared cache, with B's reads held until released (a slow Redis answer).
    const slow: Cache = Object.assign(Object.create(shared) as Cache, {
      get: async (key: string) => {
        const value = await shared.get(key);
        await new Promise<void>((r) => (release = r));
        return value;
      },
    });
    const broadcast = new InProcessBroadcast();
    const a = await AccountStates.open({ users, cache: shared, broadcast, metrics: new PlatformMetrics(), now });
    const b = await AccountStates.open({ users, cache: slow, broadcast, metrics: new PlatformMetrics(), now });
    const user = await newUser();
    await a.get(user.id); // fills the shared entry: active
    const reading = b.get(user.id);
    await new Promise((r) => setImmediate(r));
    await a.changed(await users.update(user.id, { status: "disabled" }));
    release!();
    assert.equal((await reading)?.status, "active", "it read before the change");
    const next = b.get(user.id);
    await new Promise((r) => setImmediate(r));
    release!();
    assert.equal((await next)?.status, "disabled", "and did not keep it");
  });

  it("the instance that made a change sees it at once, whatever the broadcast does", async () => {
    const broadcast = new SwitchableBroadcast();
    const { a } = await twoInstances(broadcast);
    const user = await newUser();
    await a.get(user.id);
    broadcast.deliver = false;
    await a.changed(await users.update(user.id, { status: "disabled" }));
    assert.equal((await a.get(user.id))?.status, "disabled");
  });

  it("an unknown or deleted account has no state", async () => {
    const { b } = await twoInstances();
    assert.equal(await b.get("00000000-0000-0000-0000-000000000000"), undefined);
  });
});
