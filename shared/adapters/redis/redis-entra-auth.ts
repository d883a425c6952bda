import type { TokenCredential } from "@azure/identity";
import type { Redis } from "ioredis";

/** The token audience of Azure Managed Redis (and Azure Cache for Redis). */
export const REDIS_TOKEN_SCOPE = "https://redis.azure.com/.default";
/** A token is renewed this long before it expires (Entra tokens live about an hour). */
const RENEW_BEFORE_MS = 5 * 60_000;
/** Never renew more often than this, even for a token that is already nearly expired. */
const MIN_RENEW_DELAY_MS = 30_000;

export interface RedisSignIn {
  readonly username: string;
  readonly password: string;
  readonly expiresAt: number;
}

/** A fresh Entra sign-in: the user name is the token's `oid` (the identity's object id). */
export async function entraSignIn(credential: TokenCredential): Promise<RedisSignIn> {
  const token = await credential.getToken(REDIS_TOKEN_SCOPE);
  if (!token) throw new Error(`No Microsoft Entra token for ${REDIS_TOKEN_SCOPE}`);
  const claims = JSON.parse(Buffer.from(token.token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
    oid?: unknown;
  };
  if (typeof claims.oid !== "string") throw new Error("The Redis access token carries no oid claim");
  return { username: claims.oid, password: token.token, expiresAt: token.expiresOnTimestamp };
}

const signIns = new WeakMap<Redis, EntraRedisAuth>();

/** The Entra sign-in that keeps `client` authenticated, if it uses one. */
export function entraSignInOf(client: Redis): EntraRedisAuth | undefined {
  return signIns.get(client);
}

/**
 * Keeps Redis clients signed in with Microsoft Entra tokens (REDIS_AUTH=entra): before the
 * token expires, a new one is fetched, sent with AUTH on every ready connection, and put in
 * the options a reconnect uses. A subscriber connection cannot send AUTH; it keeps its
 * session and signs in with the new token when it reconnects. Duplicates of a tracked
 * client (the broadcast's subscriber) are tracked too.
 */
export class EntraRedisAuth {
  readonly #credential: TokenCredential;
  readonly #clients = new Set<Redis>();
  #current: RedisSignIn | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(credential: TokenCredential) {
    this.#credential = credential;
  }

  /** The current sign-in, fetched on first use. */
  async signIn(): Promise<RedisSignIn> {
    this.#current ??= await entraSignIn(this.#credential);
    this.#schedule();
    return this.#current;
  }

  /** Signs `client` in on every (re)connect from now on, and its duplicates too. */
  track(client: Redis): Redis {
    this.#clients.add(client);
    signIns.set(client, this);
    if (this.#current) Object.assign(client.options, this.#credentials(this.#current));
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (override) => this.track(duplicate(override));
    client.once("end", () => this.#clients.delete(client));
    return client;
  }

  /** Fetches a new token and re-authenticates every tracked connection with it. */
  async renew(): Promise<void> {
    const next = await entraSignIn(this.#credential);
    this.#current = next;
    const credentials = this.#credentials(next);
    await Promise.all(
      [...this.#clients].map(async (client) => {
        Object.assign(client.options, credentials);
        const subscribed = (client as unknown as { condition?: { subscriber?: unknown } }).condition?.subscriber;
        if (client.status === "ready" && !subscribed) await client.call("AUTH", next.username, next.password);
      }),
    );
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #credentials(signIn: RedisSignIn) {
    return { username: signIn.username, password: signIn.password };
  }

  #schedule(): void {
    if (this.#closed || !this.#current) return;
    clearTimeout(this.#timer);
    const delay = Math.max(MIN_RENEW_DELAY_MS, this.#current.expiresAt - RENEW_BEFORE_MS - Date.now());
    this.#timer = setTimeout(() => {
      // A failed renewal is retried on the next timer; the current token may still be valid.
      this.renew().catch(() => this.#schedule());
    }, delay);
    this.#timer.unref();
  }
}
