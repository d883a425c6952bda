import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { ServiceUnavailableError, UnauthorizedError } from "../../kernel/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { AccessTokenClaims } from "./access-tokens.js";
import { rolesFromAppRoles } from "./entra-roles.js";

/** Clock skew allowed between Entra ID and this instance, on exp and nbf. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** Entra ID publishes a new signing key weeks before using it: a day-old key set is current. */
const KEYS_MAX_AGE_MS = 24 * 3600_000;
/** A token naming a key not in the set fetches the set again, at most this often. */
const UNKNOWN_KEY_REFETCH_MS = 5 * 60_000;
const KEYS_FETCH_TIMEOUT_MS = 5_000;
const KEYS_RETRY_AFTER_SECONDS = 30;

const entraClaims = z
  .object({
    // GUIDs: the object id is the principal's id, which user-id columns hold (36 characters).
    oid: z.guid(),
    tid: z.guid(),
    preferred_username: z.string().min(1).optional(),
    upn: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    // The client the token was issued to (v2, v1): access tokens have it, ID tokens do not.
    azp: z.string().min(1).optional(),
    appid: z.string().min(1).optional(),
    iat: z.number().nonnegative(),
  })
  .refine((c) => c.azp !== undefined || c.appid !== undefined, "not an access token");

/** The key resolver failed for want of keys (network, HTTP status, timeout), not because of the token. */
class KeysUnavailable extends Error {}

/**
 * Whether a token is for the Entra ID verifier: RS256 tokens go there, everything else to
 * the platform's HS256 verifier. Each verifier accepts its one algorithm only, with its own
 * keys, so a token cannot pick a key of the other kind (no algorithm confusion).
 */
export function isSignedWithRs256(token: string): boolean {
  try {
    return decodeProtectedHeader(token).alg === "RS256";
  } catch {
    return false;
  }
}

/**
 * Microsoft Entra ID access tokens for the platform's app registration: RS256 signatures
 * checked against the tenant's published keys (fetched and cached by jose), audience,
 * issuer, tenant and lifetime checked; app roles become platform roles.
 */
export class EntraTokens {
  readonly #tenantId: string;
  readonly #audiences: string[];
  readonly #issuers: string[];
  readonly #clock: Clock;
  readonly #keys: JWTVerifyGetKey;

  constructor(options: {
    tenantId: string;
    audiences: readonly string[];
    issuers: readonly string[];
    jwksUrl: URL;
    clock: Clock;
  }) {
    this.#tenantId = options.tenantId.toLowerCase();
    this.#audiences = [...options.audiences];
    this.#issuers = [...options.issuers];
    this.#clock = options.clock;
    const remote = createRemoteJWKSet(options.jwksUrl, {
      timeoutDuration: KEYS_FETCH_TIMEOUT_MS,
      cooldownDuration: UNKNOWN_KEY_REFETCH_MS,
      cacheMaxAge: KEYS_MAX_AGE_MS,
    });
    this.#keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys)
          throw error;
        throw new KeysUnavailable("The Entra ID signing keys could not be fetched", { cause: error });
      }
    };
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: ["RS256"],
        issuer: this.#issuers,
        audience: this.#audiences,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "iat"],
        currentDate: this.#clock.now(),
      }));
    } catch (error) {
      if (error instanceof KeysUnavailable) {
        const unavailable = new ServiceUnavailableError(
          "Microsoft Entra ID's signing keys cannot be fetched; try again shortly",
          KEYS_RETRY_AFTER_SECONDS,
        );
        unavailable.cause = error.cause;
        throw unavailable;
      }
      if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedError("The access token has expired");
      // Which claim failed (jose: `unexpected "aud" claim value`) is what a misconfigured
      // client needs to know, and tells the sender nothing about its own token it lacks.
      if (error instanceof joseErrors.JWTClaimValidationFailed)
        throw new UnauthorizedError(`The access token is invalid: ${error.message}`);
      throw new UnauthorizedError("The access token is invalid");
    }
    const claims = entraClaims.safeParse(payload);
    if (!claims.success) throw new UnauthorizedError("The access token is invalid: not an access token for this API");
    if (claims.data.tid.toLowerCase() !== this.#tenantId)
      throw new UnauthorizedError("The access token is invalid: it is from another tenant");
    const c = claims.data;
    return {
      userId: c.oid.toLowerCase(),
      tenantId: this.#tenantId,
      // Who the audit log and reports name: the sign-in name, else the display name; an
      // application signing in as itself has neither.
      username: c.preferred_username ?? c.upn ?? c.name ?? `app:${c.azp ?? c.appid}`,
      roles: rolesFromAppRoles(payload.roles),
      issuedAt: c.iat,
    };
  }
}
