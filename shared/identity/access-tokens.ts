import { createSecretKey, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";
import { UnauthorizedError } from "../domain/errors.js";
import { roleSchema, type Role } from "../domain/roles.js";

export interface AccessTokenClaims {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly Role[];
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  username: z.string().min(1),
  roles: z.array(roleSchema),
});

/**
 * HS256 access tokens. Verification accepts HS256 only, so `alg: none` and algorithm
 * confusion are refused; issuer, audience, exp and nbf are all checked.
 */
export class AccessTokens {
  readonly #key: () => Promise<Uint8Array>;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #ttlSeconds: number;
  /** jose would turn raw bytes into a KeyObject on every call; do it once per key (rotation makes a new one). */
  #keyObject: { bytes: Buffer; key: KeyObject } | undefined;

  constructor(options: { key: () => Promise<Uint8Array>; issuer: string; audience: string; ttlSeconds: number }) {
    this.#key = options.key;
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    this.#ttlSeconds = options.ttlSeconds;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  async sign(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ username: claims.username, roles: claims.roles })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setIssuedAt()
      .setNotBefore("0s")
      .setJti(randomUUID())
      .setExpirationTime(`${this.#ttlSeconds}s`)
      .sign(await this.#currentKey());
  }

  async #currentKey(): Promise<KeyObject> {
    const bytes = Buffer.from(await this.#key());
    if (!this.#keyObject || !this.#keyObject.bytes.equals(bytes)) this.#keyObject = { bytes, key: createSecretKey(bytes) };
    return this.#keyObject.key;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.#currentKey(), {
        algorithms: ["HS256"],
        issuer: this.#issuer,
        audience: this.#audience,
        requiredClaims: ["exp", "sub"],
      });
      const claims = claimsSchema.parse(payload);
      return { userId: claims.sub, username: claims.username, roles: claims.roles };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedError("The access token has expired");
      throw new UnauthorizedError("The access token is invalid");
    }
  }
}
