import { createSecretKey, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { UnauthorizedError } from "../../kernel/errors.js";
import { roleSchema, type Role } from "../../kernel/roles.js";
import type { Clock } from "../../ports/clock.js";

export interface AccessTokenClaims {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** Set for a Microsoft Entra ID token only: its tenant (`userId` is then the Entra object id). */
  readonly tenantId?: string;
  /** `iat` in seconds with milliseconds: checked against the account's sessionsValidAfter. */
  readonly issuedAt?: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  username: z.string().min(1),
  roles: z.array(roleSchema),
  iat: z.number().nonnegative(),
});

/** Verified tokens remembered per instance (about 1 KB each); the oldest go first. */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * HS256 access tokens. Verification accepts HS256 only, so `alg: none` and algorithm
 * confusion are refused; issuer, audience, exp and nbf are all checked.
 */
export class AccessTokens {
  readonly #key: () => Promise<Uint8Array>;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #ttlSeconds: number;
  readonly #clock: Clock;
  /**
   * jose would turn raw bytes into a KeyObject on every call; do it once per key (rotation
   * makes a new one). The same array from `key()` is not compared again.
   */
  #keyObject: { given: Uint8Array; bytes: Buffer; key: KeyObject } | undefined;
  /**
   * Tokens that verified under the current key, with their validity window: a client's
   * next request with the same token skips the HMAC, the JSON parsing and the claim checks
   * (a fifth of a cached read's CPU). The signature of a given string cannot change, so
   * only the window is checked again; a key rotation empties it. Whether the account may
   * still act is checked apart from the token, on every request (AccountStates).
   */
  readonly #verified = new Map<string, { claims: AccessTokenClaims; notBefore: number; expires: number }>();
  #verifiedUnder: KeyObject | undefined;

  constructor(options: {
    key: () => Promise<Uint8Array>;
    issuer: string;
    audience: string;
    ttlSeconds: number;
    clock: Clock;
  }) {
    this.#key = options.key;
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    this.#ttlSeconds = options.ttlSeconds;
    this.#clock = options.clock;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    // iat keeps the milliseconds (RFC 7519 allows a fractional NumericDate), so a token is
    // exactly before or after the instant an account's sessions were ended.
    const nowMs = this.#clock.now().getTime();
    const issuedAt = Math.floor(nowMs / 1000);
    return new SignJWT({ username: claims.username, roles: claims.roles })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setIssuedAt(nowMs / 1000)
      .setNotBefore(issuedAt)
      .setJti(randomUUID())
      .setExpirationTime(issuedAt + this.#ttlSeconds)
      .sign(await this.#currentKey());
  }

  async #currentKey(): Promise<KeyObject> {
    const given = await this.#key();
    if (this.#keyObject?.given === given) return this.#keyObject.key;
    const bytes = Buffer.from(given);
    this.#keyObject = this.#keyObject?.bytes.equals(bytes)
      ? { given, bytes, key: this.#keyObject.key }
      : { given, bytes, key: createSecretKey(bytes) };
    return this.#keyObject.key;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const key = await this.#currentKey();
    if (key !== this.#verifiedUnder) {
      this.#verified.clear();
      this.#verifiedUnder = key;
    }
    // jose's clock: whole seconds; valid from nbf (inclusive) until exp (exclusive).
    const current = this.#clock.now();
    const now = Math.floor(current.getTime() / 1000);
    const known = this.#verified.get(token);
    if (known && known.notBefore <= now && now < known.expires) return known.claims;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["HS256"],
        issuer: this.#issuer,
        audience: this.#audience,
        requiredClaims: ["exp", "sub"],
        currentDate: current,
      });
      const parsed = claimsSchema.parse(payload);
      const claims: AccessTokenClaims = {
        userId: parsed.sub,
        username: parsed.username,
        roles: parsed.roles,
        issuedAt: parsed.iat,
      };
      if (this.#verified.size >= VERIFIED_TOKENS_KEPT) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(token, { claims, notBefore: payload.nbf ?? 0, expires: payload.exp! });
      return claims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedError("The access token has expired");
      throw new UnauthorizedError("The access token is invalid");
    }
  }
}
