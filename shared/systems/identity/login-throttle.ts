import { isIPv6 } from "node:net";
import { RateLimitedError } from "../../kernel/errors.js";
import type { Cache, Reservation } from "../../ports/cache.js";

/**
 * How far failures escalate, as multiples of LOGIN_MAX_FAILURES (5 by default):
 *
 * 1. (account, client): LOGIN_MAX_FAILURES. One client guessing one account's password
 *    locks only itself out of that account; the account stays open to everyone else.
 * 2. client: CLIENT_FACTOR times that (20), across every account it tries: one address
 *    cannot walk through the user list. Four times, since an office behind one proxy is
 *    many users (their successful logins do not count, only failures).
 * 3. account: ACCOUNT_FACTOR times that (20), across every client: the cap on a guessing
 *    attack spread over many addresses. Only this tier locks an account for everyone, and
 *    a client's attempts count here only while its own (account, client) tier lets them
 *    through, so locking an account (the admin's included) takes failures from at least
 *    four clients; from one client the most it reaches is 5 of 20.
 *
 * A client is its address; an IPv6 address counts by its /64, which one subscriber
 * usually holds whole (else one attacker would be 2^64 clients).
 */
const CLIENT_FACTOR = 4;
const ACCOUNT_FACTOR = 4;

/** One login attempt, counted as a failure from the start; how it ended adjusts the counters. */
export interface LoginAttempt {
  /** The password was right: the (account, client) count starts over, and this attempt counts nowhere. */
  succeeded(): Promise<void>;
  /** No verdict on the password was reached (a dependency failed first): the attempt is given back. */
  abandoned(): Promise<void>;
}

/**
 * Locks out failed logins by (account, client), then client, then account (see the tiers
 * above), for LOGIN_LOCKOUT_SECONDS from a counter's first failure. Checking and counting
 * are one atomic step per counter (`Cache.reserve`): an attempt reserves its unit before
 * the password is checked, so concurrent attempts can never together get past a limit,
 * and a successful attempt gives its unit back. The counters are taken in tier order and
 * an attempt refused at one tier gives back what it took at the ones before, so attempts
 * a client is already refused never count against the account. The answer is the same
 * whether or not the user exists: the counters are by the name as given.
 */
export class LoginThrottle {
  readonly #cache: Cache;
  readonly #maxFailures: number;
  readonly #lockoutSeconds: number;

  constructor(cache: Cache, options: { maxFailures: number; lockoutSeconds: number }) {
    this.#cache = cache;
    this.#maxFailures = options.maxFailures;
    this.#lockoutSeconds = options.lockoutSeconds;
  }

  /** Reserves this attempt on every tier, or throws 429 TOO_MANY_ATTEMPTS (Retry-After: until that tier's window ends). */
  async begin(username: string, clientIp: string | undefined): Promise<LoginAttempt> {
    const account = username.toLowerCase();
    const client = throttleClientOf(clientIp);
    // The client comes first in the pair key: an address has no "/" in it, so no username can forge another pair.
    const pair = `login-failures:pair:${client}/${account}`;
    const tiers = [
      { key: pair, limit: this.#maxFailures },
      { key: `login-failures:client:${client}`, limit: this.#maxFailures * CLIENT_FACTOR },
      { key: `login-failures:account:${account}`, limit: this.#maxFailures * ACCOUNT_FACTOR },
    ];
    const taken: string[] = [];
    let refused: Reservation | undefined;
    try {
      for (const { key, limit } of tiers) {
        const reservation = await this.#cache.reserve(key, limit, this.#lockoutSeconds);
        if (!reservation.taken) {
          refused = reservation;
          break;
        }
        taken.push(key);
      }
    } catch (error) {
      // The cache failed part-way: give back what was taken, if it lets us.
      await this.#release(taken).catch(() => undefined);
      throw error;
    }
    if (refused) {
      await this.#release(taken);
      throw new RateLimitedError(
        refused.retryAfterSeconds,
        "TOO_MANY_ATTEMPTS",
        "Too many failed logins; try again later",
      );
    }
    return {
      succeeded: async () => {
        await Promise.all([this.#cache.delete(pair), this.#release(taken.slice(1))]);
      },
      abandoned: () => this.#release(taken),
    };
  }

  async #release(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.#cache.release(key)));
  }
}

/** The client a counter is kept for: the address, an IPv6 one by its /64 (an IPv4-mapped one as IPv4). */
export function throttleClientOf(clientIp: string | undefined): string {
  if (!clientIp) return "unknown";
  const address = clientIp.split("%")[0]!;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const groupsOf = (text: string | undefined) =>
    text ? text.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : [];
  const [left, right] = address.split("::");
  const head = groupsOf(left);
  const tail = groupsOf(right);
  const groups =
    right === undefined ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
