import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { IdentityTables, RefreshTokensTable } from "./identity-tables.js";
import type { Clock } from "../../ports/clock.js";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Rotating refresh tokens, stored as SHA-256 hashes. Tokens issued from one login form a
 * family; presenting a token that was already exchanged revokes the whole family, since
 * either the user or a thief holds a copy.
 */
export class RefreshTokenStore {
  readonly #db: Kysely<IdentityTables>;
  readonly #clock: Clock;
  constructor(db: Kysely<IdentityTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async issue(userId: string, familyId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString("base64url");
    const now = this.#clock.now().getTime();
    const expiresAt = new Date(now + ttlSeconds * 1000).toISOString();
    await this.#db
      .insertInto("refresh_tokens")
      .values({
        id: randomUUID(),
        user_id: userId,
        family_id: familyId,
        token_hash: hashToken(token),
        created_at: new Date(now).toISOString(),
        expires_at: expiresAt,
        used_at: null,
        revoked_at: null,
        revoked_reason: null,
      })
      .execute();
    return { token, expiresAt };
  }

  async find(token: string): Promise<RefreshTokensTable | undefined> {
    return this.#db
      .selectFrom("refresh_tokens")
      .selectAll()
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirst();
  }

  /**
   * Marks the token used if, and only if, nobody used it first: of two concurrent
   * refreshes with one token, exactly one wins; the other is treated as reuse.
   */
  async markUsed(id: string): Promise<boolean> {
    const r = await this.#db
      .updateTable("refresh_tokens")
      .set({ used_at: this.#clock.now().toISOString() })
      .where("id", "=", id)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async revokeFamily(familyId: string, reason: string): Promise<number> {
    const r = await this.#db
      .updateTable("refresh_tokens")
      .set({ revoked_at: this.#clock.now().toISOString(), revoked_reason: reason })
      .where("family_id", "=", familyId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async revokeAllForUser(userId: string, reason: string): Promise<number> {
    const r = await this.#db
      .updateTable("refresh_tokens")
      .set({ revoked_at: this.#clock.now().toISOString(), revoked_reason: reason })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Deletes tokens expired for longer than a day (kept that long for reuse forensics). */
  async purgeExpired(now = this.#clock.now()): Promise<number> {
    const cutoff = new Date(now.getTime() - 86_400_000).toISOString();
    const r = await this.#db.deleteFrom("refresh_tokens").where("expires_at", "<", cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
