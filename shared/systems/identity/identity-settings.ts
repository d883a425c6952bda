import { z } from "zod";
import { bool, int, type SettingsCatalog } from "../../foundation/settings.js";

/** Identity: tokens, sessions, logins and the local admin: this slice of the settings catalog (the root composes every slice). */
export const IDENTITY_SETTINGS = {
  JWT_ISSUER: {
    scope: "platform",
    description: "Issuer (iss) written into and required of access tokens.",
    schema: z.string().min(1).default("finance-platform"),
  },
  JWT_AUDIENCE: {
    scope: "platform",
    description: "Audience (aud) written into and required of access tokens.",
    schema: z.string().min(1).default("finance-platform-api"),
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    scope: "platform",
    description: "Access token lifetime (15 minutes by default).",
    schema: int(60, 86_400).default(900),
  },
  REFRESH_TOKEN_TTL_SECONDS: {
    scope: "platform",
    description: "Refresh token lifetime (7 days by default).",
    schema: int(300, 90 * 86_400).default(604_800),
  },
  AUTH_SELF_REGISTRATION_ENABLED: {
    scope: "platform",
    description:
      "Allows POST /api/v1/auth/register (new users get the viewer role). Off by default: users are created by admins.",
    schema: bool.default(false),
  },
  LOGIN_MAX_FAILURES: {
    scope: "platform",
    description:
      "Failed logins allowed per username from one client address before that address is locked out of that username; a client address is locked out of every username at 4 times this, and a username for every address at 4 times this (docs/systems/identity.md).",
    schema: int(1, 1000).default(5),
  },
  LOGIN_LOCKOUT_SECONDS: {
    scope: "platform",
    description: "How long failed logins are counted: a lockout ends this long after the first failure it counted.",
    schema: int(1, 86_400).default(900),
  },
  SESSION_PURGE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the timer that deletes refresh tokens expired for over a day (login-throttle counters expire by themselves in the cache).",
    schema: z.string().min(1).default("0 30 3 * * *"),
  },
  LOCAL_ADMIN_USERNAME: {
    scope: "local",
    description: "Admin user the local host creates at start if missing. Refused in Azure.",
    schema: z.string().min(3).default("admin"),
  },
  LOCAL_ADMIN_PASSWORD: {
    scope: "local",
    description: "Password of that admin (documented default: local-admin-password). Refused in Azure.",
    schema: z.string().min(8).default("local-admin-password"),
  },
  JWT_SIGNING_KEY: {
    scope: "local",
    description:
      "Local fallback of the Key Vault secret jwt-signing-key (HS256 key, at least 32 bytes). When absent locally, a random key is generated once into DATA_DIR.",
    schema: z.string().min(32).optional(),
  },
} as const satisfies SettingsCatalog;
