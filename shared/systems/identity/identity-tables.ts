export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  /** JSON array of roles. */
  roles: string;
  status: "active" | "disabled";
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  /** Access tokens issued before this instant no longer work (disable, logout, reset, reuse). */
  sessions_valid_after: string | null;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** Set when the token was exchanged for a new one. */
  used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** The tables this system owns, as Kysely sees them. */
export interface IdentityTables {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
}
