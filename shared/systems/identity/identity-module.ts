import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import { localGeneratedSecret } from "../../foundation/local-secrets.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import { ConfigurationError, type SettingsOf } from "../../foundation/settings.js";
import type { Broadcast } from "../../ports/broadcast.js";
import type { Cache } from "../../ports/cache.js";
import type { Clock } from "../../ports/clock.js";
import type { SecretStore } from "../../ports/secret-store.js";
import { AccessTokens } from "./access-tokens.js";
import { AccountStates } from "./account-states.js";
import { signInOptionsOf } from "./console-sign-in.js";
import { EntraTokens } from "./entra-tokens.js";
import { IdentityService } from "./identity-service.js";
import type { IDENTITY_SETTINGS } from "./identity-settings.js";
import type { IdentityTables } from "./identity-tables.js";
import { LoginThrottle } from "./login-throttle.js";
import { RefreshTokenStore } from "./refresh-token-repository.js";
import { UserRepository } from "./user-repository.js";
import { isHttpsOrLoopback } from "../../kernel/network-address.js";

export interface IdentityModuleDeps {
  readonly settings: SettingsOf<typeof IDENTITY_SETTINGS> & {
    readonly DATA_DIR: string;
    readonly KEY_VAULT_URL?: string | undefined;
    readonly runningInAzure: boolean;
  };
  readonly db: Kysely<IdentityTables>;
  readonly clock: Clock;
  readonly cache: Cache;
  readonly broadcast: Broadcast;
  readonly secrets: SecretStore;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
}

/** Identity wired from the ports it needs: users, sessions, tokens and login throttling. */
export async function createIdentity(deps: IdentityModuleDeps): Promise<IdentityService> {
  const { settings, db, clock, cache, broadcast, metrics } = deps;
  const users = new UserRepository(db, clock);
  return new IdentityService({
    users,
    accountStates: await AccountStates.open({ users, cache, broadcast, metrics }),
    refreshTokens: new RefreshTokenStore(db, clock),
    accessTokens: new AccessTokens({
      key: await loadSigningKey(deps),
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
      ttlSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
      clock,
    }),
    entraTokens: entraTokensOf(settings, clock),
    signInOptions: signInOptionsOf(settings),
    throttle: new LoginThrottle(cache, {
      maxFailures: settings.LOGIN_MAX_FAILURES,
      lockoutSeconds: settings.LOGIN_LOCKOUT_SECONDS,
    }),
    audit: deps.audit,
    refreshTokenTtlSeconds: settings.REFRESH_TOKEN_TTL_SECONDS,
    selfRegistrationEnabled: settings.AUTH_SELF_REGISTRATION_ENABLED,
    metrics,
    clock,
  });
}

/**
 * The HS256 key: the secret `jwt-signing-key`. On a laptop without one, a random key is
 * generated once into DATA_DIR, so tokens survive restarts and nothing sits in a sample
 * file. In Azure a missing key stops the start with a clear message.
 */
async function loadSigningKey({ settings, secrets }: IdentityModuleDeps): Promise<() => Promise<Uint8Array>> {
  // The same bytes (the same array) until the secret changes: AccessTokens keeps its key object while it gets the same array.
  let last: { text: string; bytes: Uint8Array } | undefined;
  const fromStore = async () => {
    const value = await secrets.findSecret("jwt-signing-key");
    if (value === undefined) return undefined;
    if (last?.text !== value) last = { text: value, bytes: new TextEncoder().encode(value) };
    return last.bytes;
  };
  const initial = await fromStore();
  if (initial) {
    if (initial.length < 32) throw new ConfigurationError(["jwt-signing-key: must be at least 32 bytes"]);
    return async () => (await fromStore()) ?? initial;
  }
  if (settings.runningInAzure || settings.KEY_VAULT_URL) {
    throw new ConfigurationError([
      "jwt-signing-key: the Key Vault secret is missing; set it (at least 32 random bytes)",
    ]);
  }
  const key = new TextEncoder().encode(
    localGeneratedSecret(settings.DATA_DIR, "jwt-signing-key", () => randomBytes(48).toString("base64url")),
  );
  return async () => key;
}

/** Entra ID sign-in when ENTRA_TENANT_ID is set, with its audience required and its endpoints defaulted. */
export function entraTokensOf(settings: IdentityModuleDeps["settings"], clock: Clock): EntraTokens | undefined {
  const tenantId = settings.ENTRA_TENANT_ID;
  const audiences = settings.ENTRA_AUDIENCE ?? [];
  if (tenantId === undefined) {
    if (audiences.length > 0) throw new ConfigurationError(["ENTRA_AUDIENCE: set ENTRA_TENANT_ID too, or neither"]);
    return undefined;
  }
  if (audiences.length === 0) {
    throw new ConfigurationError([
      "ENTRA_AUDIENCE: required with ENTRA_TENANT_ID (the API app registration's application ID)",
    ]);
  }
  const jwksUrl = new URL(
    settings.ENTRA_JWKS_URL ?? `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
  );
  // Keys fetched in clear text could be swapped on the way: https, or a test's loopback server.
  if (!isHttpsOrLoopback(jwksUrl)) {
    throw new ConfigurationError(["ENTRA_JWKS_URL: must be https (http only to a loopback address)"]);
  }
  const issuers = settings.ENTRA_ISSUER?.length
    ? settings.ENTRA_ISSUER
    : [`https://login.microsoftonline.com/${tenantId}/v2.0`];
  return new EntraTokens({ tenantId, audiences, issuers, jwksUrl, clock });
}
