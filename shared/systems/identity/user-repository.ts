import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { z } from "zod";
import { ConflictError, NotFoundError } from "../../kernel/errors.js";
import { roleSchema, type Role } from "../../kernel/roles.js";
import { selectPage } from "../../foundation/sql/paging.js";
import type { IdentityTables, UsersTable } from "./identity-tables.js";
import type { Clock } from "../../ports/clock.js";

export type UserStatus = "active" | "disabled";

export interface User {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly Role[];
  readonly status: UserStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastLoginAt: string | null;
  /** Access tokens issued before this instant are refused (null: none ended yet). */
  readonly sessionsValidAfter: string | null;
}

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, "may contain letters, digits and . _ @ - only");
export const passwordSchema = z.string().min(12, "must be at least 12 characters").max(128);
export const rolesSchema = z
  .array(roleSchema)
  .min(1)
  .max(4)
  .transform((r) => [...new Set(r)]);

export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

const storedRolesSchema = z.array(roleSchema);

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    username: row.username,
    roles: storedRolesSchema.parse(JSON.parse(row.roles)),
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    sessionsValidAfter: row.sessions_valid_after,
  };
}

/** Users and their password hashes, in the platform's SQL database. */
export class UserRepository {
  readonly #db: Kysely<IdentityTables>;
  readonly #clock: Clock;
  constructor(db: Kysely<IdentityTables>, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.#db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toUser(row);
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundError("User", id);
    return user;
  }

  /** Usernames are matched case-insensitively (stored lower-case). */
  async findCredentials(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const row = await this.#db
      .selectFrom("users")
      .selectAll()
      .where("username", "=", username.toLowerCase())
      .executeTakeFirst();
    return row && { user: toUser(row), passwordHash: row.password_hash };
  }

  /** Whether some active user holds the role (roles are a JSON column: checked here, not in SQL). */
  async anyActiveWithRole(role: Role): Promise<boolean> {
    const rows = await this.#db.selectFrom("users").select("roles").where("status", "=", "active").execute();
    return rows.some((row) => storedRolesSchema.parse(JSON.parse(row.roles)).includes(role));
  }

  async create(input: { username: string; passwordHash: string; roles: readonly Role[] }): Promise<User> {
    const now = this.#clock.now().toISOString();
    const username = input.username.toLowerCase();
    const existing = await this.#db
      .selectFrom("users")
      .select("id")
      .where("username", "=", username)
      .executeTakeFirst();
    if (existing) throw new ConflictError(`User '${username}' already exists`, { field: "username" });
    const row: UsersTable = {
      id: randomUUID(),
      username,
      password_hash: input.passwordHash,
      roles: JSON.stringify(input.roles),
      status: "active",
      created_at: now,
      updated_at: now,
      last_login_at: null,
      sessions_valid_after: null,
    };
    try {
      await this.#db.insertInto("users").values(row).execute();
    } catch (error) {
      // Lost a race with a concurrent create of the same name: the unique index decides.
      if (await this.findCredentials(username))
        throw new ConflictError(`User '${username}' already exists`, { field: "username" });
      throw error;
    }
    return toUser(row);
  }

  async list(filter: { page: number; pageSize: number; status?: UserStatus }): Promise<Page<User>> {
    let q = this.#db.selectFrom("users");
    if (filter.status) q = q.where("status", "=", filter.status);
    const { rows, total } = await selectPage(q, [["username", "asc"]], filter.page, filter.pageSize);
    return { items: rows.map(toUser), page: filter.page, pageSize: filter.pageSize, total };
  }

  async update(
    id: string,
    changes: {
      status?: UserStatus;
      roles?: readonly Role[];
      passwordHash?: string;
      lastLoginAt?: string;
      sessionsValidAfter?: string;
    },
  ): Promise<User> {
    const result = await this.#db
      .updateTable("users")
      .set({
        updated_at: this.#clock.now().toISOString(),
        ...(changes.status ? { status: changes.status } : {}),
        ...(changes.roles ? { roles: JSON.stringify(changes.roles) } : {}),
        ...(changes.passwordHash ? { password_hash: changes.passwordHash } : {}),
        ...(changes.lastLoginAt ? { last_login_at: changes.lastLoginAt } : {}),
        ...(changes.sessionsValidAfter ? { sessions_valid_after: changes.sessionsValidAfter } : {}),
      })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError("User", id);
    return this.getById(id);
  }
}
