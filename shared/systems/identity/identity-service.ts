import { randomUUID } from "node:crypto";
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from "../../kernel/errors.js";
import type { Role } from "../../kernel/roles.js";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { AccessTokenClaims, AccessTokens } from "./access-tokens.js";
import type { AccountStates } from "./account-states.js";
import type { SignInOptions } from "./console-sign-in.js";
import { ENTRA_APP_ROLES } from "./entra-roles.js";
import { isSignedWithRs256, type EntraTokens } from "./entra-tokens.js";
import type { LoginThrottle } from "./login-throttle.js";
import { assertStrongPassword } from "./password-policy.js";
import { DUMMY_PASSWORD_HASH, hashPassword, isCurrentHash, verifyPassword } from "./passwords.js";
import type { RefreshTokenStore } from "./refresh-token-repository.js";
import type { Page, User, UserRepository, UserStatus } from "./user-repository.js";
import type { Clock } from "../../ports/clock.js";

export interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: "Bearer";
  readonly expires_in: number;
}

/** The authenticated caller of a request. */
export interface Principal {
  /** The local user's id, or the Entra ID object id (`oid`) of an Entra ID principal. */
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly Role[];
  /** Set for a Microsoft Entra ID principal only: its tenant. It has no local account. */
  readonly tenantId?: string;
}

const INVALID_CREDENTIALS = "Invalid username or password";
/** Entra ID tokens remembered per instance as audited (about 100 bytes each). */
const ENTRA_SIGN_INS_KEPT = 10_000;

export interface IdentityServiceDeps {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  readonly users: UserRepository;
  /** Each account's state, read by every authenticated request. */
  readonly accountStates: AccountStates;
  readonly refreshTokens: RefreshTokenStore;
  readonly accessTokens: AccessTokens;
  /** Microsoft Entra ID access tokens, accepted beside the platform's own when configured. */
  readonly entraTokens?: EntraTokens | undefined;
  /** What the console's sign-in page offers (the platform's login, and Entra ID when configured). */
  readonly signInOptions: SignInOptions;
  readonly throttle: LoginThrottle;
  readonly audit: AuditLog;
  readonly refreshTokenTtlSeconds: number;
  readonly selfRegistrationEnabled: boolean;
  readonly metrics: PlatformMetrics;
}

/** Login, token rotation, logout, and user administration; every change is audited. */
export class IdentityService {
  readonly #d: IdentityServiceDeps;
  /** Entra ID tokens (object id and iat) whose sign-in this instance has audited. */
  readonly #entraSignIns = new Set<string>();
  constructor(deps: IdentityServiceDeps) {
    this.#d = deps;
  }

  signInOptions(): SignInOptions {
    return this.#d.signInOptions;
  }

  async login(username: string, password: string, actor: Actor): Promise<TokenPair> {
    const { throttle, users, audit } = this.#d;
    // Reserved before the password is checked: the attempt counts as a failure unless it succeeds.
    const attempt = await throttle.begin(username, actor.ipAddress);
    let found: Awaited<ReturnType<UserRepository["findCredentials"]>>;
    let passwordOk: boolean;
    try {
      found = await users.findCredentials(username);
      // Always run the hash, so an unknown user costs as much time as a wrong password.
      passwordOk = await verifyPassword(password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
    } catch (error) {
      // No verdict (SQL failed): an outage must not lock users out once it is over.
      await attempt.abandoned().catch(() => undefined);
      throw error;
    }
    if (!found || !passwordOk || found.user.status !== "active") {
      const reason = !found ? "unknown_user" : !passwordOk ? "bad_password" : "disabled";
      await audit.record(
        { ...actor, ...(found ? { userId: found.user.id } : {}) },
        {
          action: "auth.login_failed",
          resourceType: "user",
          ...(found ? { resourceId: found.user.id } : {}),
          details: { username: username.toLowerCase().slice(0, 100), reason },
        },
      );
      this.#d.metrics.loginFailures.inc({ reason });
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    await attempt.succeeded();
    const user = await users.update(found.user.id, {
      lastLoginAt: this.#d.clock.now().toISOString(),
      // A hash made with older (weaker) parameters is replaced while the password is at hand.
      ...(isCurrentHash(found.passwordHash) ? {} : { passwordHash: await hashPassword(password) }),
    });
    await audit.record(
      { ...actor, userId: user.id },
      { action: "auth.login", resourceType: "user", resourceId: user.id },
    );
    return this.#issue(user, randomUUID());
  }

  async refresh(refreshToken: string, actor: Actor): Promise<TokenPair> {
    const { refreshTokens, users, audit } = this.#d;
    const stored = await refreshTokens.find(refreshToken);
    if (!stored) throw new UnauthorizedError("The refresh token is invalid");
    if (stored.revoked_at) throw new UnauthorizedError("The refresh token has been revoked");
    if (stored.expires_at <= this.#d.clock.now().toISOString())
      throw new UnauthorizedError("The refresh token has expired");
    if (stored.used_at || !(await refreshTokens.markUsed(stored.id))) {
      const revoked = await refreshTokens.revokeFamily(stored.family_id, "reuse_detected");
      // A stolen token may have been refreshed already: its access tokens end too.
      await this.#endSessions(stored.user_id);
      await audit.record(
        { ...actor, userId: stored.user_id },
        {
          action: "auth.refresh_token_reused",
          resourceType: "refresh_token_family",
          resourceId: stored.family_id,
          details: { revoked_tokens: revoked },
        },
      );
      throw new UnauthorizedError("The refresh token was already used; its session has been revoked");
    }
    const user = await users.findById(stored.user_id);
    if (!user || user.status !== "active") throw new UnauthorizedError("The account is disabled");
    await audit.record(
      { ...actor, userId: user.id },
      { action: "auth.token_refreshed", resourceType: "refresh_token_family", resourceId: stored.family_id },
    );
    return this.#issue(user, stored.family_id);
  }

  /** Revokes the session of the given refresh token, or every session of the caller. */
  async logout(
    principal: Principal,
    refreshToken: string | undefined,
    actor: Actor,
  ): Promise<{ revoked_sessions: number }> {
    const { refreshTokens, audit } = this.#d;
    if (principal.tenantId !== undefined) {
      throw new ValidationError(
        [{ field: "authorization", location: "header", message: "is a Microsoft Entra ID token" }],
        "Only local accounts have sessions here; an Entra ID user signs out of Microsoft Entra ID",
      );
    }
    let revoked: number;
    if (refreshToken) {
      const stored = await refreshTokens.find(refreshToken);
      if (!stored || stored.user_id !== principal.userId)
        throw new ValidationError([{ field: "refresh_token", message: "is not a session of this user" }]);
      revoked = await refreshTokens.revokeFamily(stored.family_id, "logout");
    } else {
      revoked = await refreshTokens.revokeAllForUser(principal.userId, "logout");
    }
    await this.#endSessions(principal.userId);
    await audit.record(
      { ...actor, userId: principal.userId },
      {
        action: "auth.logout",
        resourceType: "user",
        resourceId: principal.userId,
        details: { revoked_tokens: revoked, scope: refreshToken ? "session" : "all" },
      },
    );
    return { revoked_sessions: revoked > 0 ? 1 : 0 };
  }

  /** Access tokens issued until now stop working for this account, on every instance. */
  async #endSessions(userId: string): Promise<void> {
    const user = await this.#d.users.update(userId, { sessionsValidAfter: this.#d.clock.now().toISOString() });
    await this.#d.accountStates.changed(user);
  }

  /**
   * Authentication, step 1 (runHttp runs step 2 beside the rate limit): the token's
   * signature and claims (no I/O for a platform token this instance verified before). The
   * header's algorithm picks the verifier: RS256 is Entra ID's, anything else is checked
   * as the platform's HS256 token (and refused unless it is one).
   */
  verifyAccessToken(accessToken: string): Promise<AccessTokenClaims> {
    const entra = this.#d.entraTokens;
    if (entra && isSignedWithRs256(accessToken)) return entra.verify(accessToken);
    return this.#d.accessTokens.verify(accessToken);
  }

  /**
   * Step 2: the account behind verified claims. A disabled account is refused at once and
   * role changes apply on the next request, not at the next login (see AccountStates).
   * An Entra ID principal has no account here: the token holds its roles, and its first
   * use on this instance is audited (`auth.entra_sign_in`, naming the person).
   */
  async principalOf(claims: AccessTokenClaims, actor: Actor): Promise<Principal> {
    if (claims.tenantId !== undefined) {
      if (claims.roles.length === 0) {
        throw new ForbiddenError(
          `Your Microsoft Entra ID account has none of this platform's app roles (${Object.keys(ENTRA_APP_ROLES).join(", ")}); ask an administrator to assign one`,
        );
      }
      await this.#auditEntraSignIn(claims, actor);
      return { userId: claims.userId, username: claims.username, roles: claims.roles, tenantId: claims.tenantId };
    }
    const state = await this.#d.accountStates.get(claims.userId);
    if (!state || state.status !== "active") throw new UnauthorizedError("The account is disabled");
    if (issuedBefore(claims, state.sessionsValidAfter)) {
      throw new UnauthorizedError("The session has ended; sign in again");
    }
    return { userId: claims.userId, username: state.username, roles: state.roles };
  }

  async #auditEntraSignIn(claims: AccessTokenClaims, actor: Actor): Promise<void> {
    const token = `${claims.userId}:${claims.issuedAt}`;
    if (this.#entraSignIns.has(token)) return;
    await this.#d.audit.record(
      { ...actor, userId: claims.userId },
      {
        action: "auth.entra_sign_in",
        resourceType: "user",
        resourceId: claims.userId,
        details: { username: claims.username, tenant_id: claims.tenantId, roles: claims.roles },
      },
    );
    // Bounded: past the cap the set starts over (a few repeated entries, no growth).
    if (this.#entraSignIns.size >= ENTRA_SIGN_INS_KEPT) this.#entraSignIns.clear();
    this.#entraSignIns.add(token);
  }

  /** The caller's local account; null for an Entra ID principal, whose account is in Entra ID. */
  async me(principal: Principal): Promise<User | null> {
    return principal.tenantId === undefined ? this.#d.users.getById(principal.userId) : null;
  }

  async register(username: string, password: string, actor: Actor): Promise<User> {
    if (!this.#d.selfRegistrationEnabled) throw new NotFoundError("Route");
    await assertStrongPassword(password, username);
    const user = await this.#d.users.create({
      username,
      passwordHash: await hashPassword(password),
      roles: ["viewer"],
    });
    await this.#d.audit.record(
      { ...actor, userId: user.id },
      { action: "auth.registered", resourceType: "user", resourceId: user.id },
    );
    return user;
  }

  async createUser(input: { username: string; password: string; roles: readonly Role[] }, actor: Actor): Promise<User> {
    await assertStrongPassword(input.password, input.username);
    return this.#create(input, actor);
  }

  async #create(input: { username: string; password: string; roles: readonly Role[] }, actor: Actor): Promise<User> {
    const user = await this.#d.users.create({
      username: input.username,
      passwordHash: await hashPassword(input.password),
      roles: input.roles,
    });
    await this.#d.audit.record(actor, {
      action: "user.created",
      resourceType: "user",
      resourceId: user.id,
      details: { username: user.username, roles: user.roles },
    });
    return user;
  }

  /**
   * Creates the user when missing; used by the local host's admin seeding only, whose
   * documented default password names the user, so the password policy is not applied.
   */
  async ensureUser(input: { username: string; password: string; roles: readonly Role[] }): Promise<User> {
    const existing = await this.#d.users.findCredentials(input.username);
    return existing?.user ?? this.#create(input, { correlationId: "local-admin-seed" });
  }

  listUsers(filter: { page: number; pageSize: number; status?: UserStatus }): Promise<Page<User>> {
    return this.#d.users.list(filter);
  }

  async getUser(userId: string): Promise<User> {
    return this.#d.users.getById(userId);
  }

  async setStatus(userId: string, status: UserStatus, actor: Actor): Promise<User> {
    if (status === "disabled" && userId === actor.userId)
      throw new ForbiddenError("You cannot disable your own account");
    const user = await this.#d.users.update(userId, {
      status,
      ...(status === "disabled" ? { sessionsValidAfter: this.#d.clock.now().toISOString() } : {}),
    });
    // Sessions first: they are SQL, like the change; the broadcast needs Redis.
    if (status === "disabled") await this.#d.refreshTokens.revokeAllForUser(userId, "user_disabled");
    await this.#d.accountStates.changed(user);
    await this.#d.audit.record(actor, {
      action: status === "disabled" ? "user.disabled" : "user.enabled",
      resourceType: "user",
      resourceId: userId,
    });
    return user;
  }

  async setRoles(userId: string, roles: readonly Role[], actor: Actor): Promise<User> {
    if (userId === actor.userId && !roles.includes("admin"))
      throw new ForbiddenError("You cannot remove your own admin role");
    const before = await this.#d.users.getById(userId);
    const user = await this.#d.users.update(userId, { roles });
    await this.#d.accountStates.changed(user);
    await this.#d.audit.record(actor, {
      action: "user.roles_changed",
      resourceType: "user",
      resourceId: userId,
      details: { before: before.roles, after: roles },
    });
    return user;
  }

  async resetPassword(userId: string, password: string, actor: Actor): Promise<User> {
    await assertStrongPassword(password, (await this.#d.users.getById(userId)).username);
    const user = await this.#d.users.update(userId, {
      passwordHash: await hashPassword(password),
      sessionsValidAfter: this.#d.clock.now().toISOString(),
    });
    const revoked = await this.#d.refreshTokens.revokeAllForUser(userId, "password_reset");
    await this.#d.accountStates.changed(user);
    await this.#d.audit.record(actor, {
      action: "user.password_reset",
      resourceType: "user",
      resourceId: userId,
      details: { revoked_tokens: revoked },
    });
    return user;
  }

  async purgeExpiredSessions(): Promise<number> {
    return this.#d.refreshTokens.purgeExpired();
  }

  async #issue(user: User, familyId: string): Promise<TokenPair> {
    const [access, refresh] = await Promise.all([
      this.#d.accessTokens.sign({ userId: user.id, username: user.username, roles: user.roles }),
      this.#d.refreshTokens.issue(user.id, familyId, this.#d.refreshTokenTtlSeconds),
    ]);
    return {
      access_token: access,
      refresh_token: refresh.token,
      token_type: "Bearer",
      expires_in: this.#d.accessTokens.ttlSeconds,
    };
  }
}

/** Whether the token was issued before the account's sessions were ended (both to the millisecond). */
function issuedBefore(claims: AccessTokenClaims, sessionsValidAfter: string | null): boolean {
  if (sessionsValidAfter === null || claims.issuedAt === undefined) return false;
  return Math.round(claims.issuedAt * 1000) < Date.parse(sessionsValidAfter);
}
