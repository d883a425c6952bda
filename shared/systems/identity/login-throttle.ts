import { RateLimitedError } from "../../kernel/errors.js";
import type { Cache } from "../../ports/cache.js";

/**
 * Locks out a username, or a client address, after repeated failed logins. The answer is
 * the same whether or not the user exists. A client address gets four times the
 * username's allowance, since many users can share one address behind a proxy.
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

  #keys(username: string, clientIp: string | undefined) {
    return [
      { key: `login-failures:user:${username.toLowerCase()}`, max: this.#maxFailures },
      ...(clientIp ? [{ key: `login-failures:ip:${clientIp}`, max: this.#maxFailures * 4 }] : []),
    ];
  }

  async assertAllowed(username: string, clientIp: string | undefined): Promise<void> {
    for (const { key, max } of this.#keys(username, clientIp)) {
      if (Number((await this.#cache.get(key)) ?? 0) >= max) {
        throw new RateLimitedError(
          this.#lockoutSeconds,
          "TOO_MANY_ATTEMPTS",
          "Too many failed logins; try again later",
        );
      }
    }
  }

  async recordFailure(username: string, clientIp: string | undefined): Promise<void> {
    await Promise.all(
      this.#keys(username, clientIp).map(({ key }) => this.#cache.increment(key, this.#lockoutSeconds)),
    );
  }

  async recordSuccess(username: string): Promise<void> {
    await this.#cache.delete(`login-failures:user:${username.toLowerCase()}`);
  }
}
