import { z } from "zod";
import { bool, int, optionalUrl, type SettingsCatalog } from "../../foundation/settings.js";

/** A comma-separated list, blanks dropped. */
const commaList = z.string().transform((text) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);

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
  ENTRA_TENANT_ID: {
    scope: "platform",
    description:
      "Directory (tenant) ID, a GUID, whose Microsoft Entra ID access tokens are accepted beside the platform's own (app roles Platform.Admin, Platform.Finance, Platform.Analyst, Platform.Viewer; docs/systems/identity.md). Entra ID sign-in is off when unset.",
    schema: z.guid().optional(),
  },
  ENTRA_AUDIENCE: {
    scope: "platform",
    description:
      "Audience (aud) required of Entra ID tokens: the API app registration's application (client) ID, which v2 tokens carry; several comma-separated. Required with ENTRA_TENANT_ID.",
    schema: commaList.optional(),
  },
  ENTRA_ISSUER: {
    scope: "platform",
    description:
      "Issuers (iss) accepted on Entra ID tokens, comma-separated. Default: https://login.microsoftonline.com/<ENTRA_TENANT_ID>/v2.0 only; add https://sts.windows.net/<tenant>/ to accept v1 tokens, or set a sovereign cloud's issuer.",
    schema: commaList.optional(),
  },
  ENTRA_JWKS_URL: {
    scope: "platform",
    description:
      "Where the Entra ID signing keys are fetched (https; http only to a loopback address, for tests). Default: https://login.microsoftonline.com/<ENTRA_TENANT_ID>/discovery/v2.0/keys.",
    schema: optionalUrl,
  },
  ENTRA_AUTHORITY: {
    scope: "platform",
    description:
      "Where the console sends people to sign in with Microsoft Entra ID (the authorize, token and logout endpoints under <authority>/oauth2/v2.0/; https, http only to a loopback address). Default: https://login.microsoftonline.com/<ENTRA_TENANT_ID>; set it for a sovereign cloud.",
    schema: optionalUrl,
  },
  ENTRA_CONSOLE_CLIENT_ID: {
    scope: "platform",
    description:
      "Application (client) ID of the console's single-page-application registration (redirect URI https://<console>/auth/callback). With ENTRA_TENANT_ID set, the console offers 'Sign in with Microsoft'; unset, it offers the platform's login only.",
    schema: z.guid().optional(),
  },
  ENTRA_CONSOLE_SCOPE: {
    scope: "platform",
    description:
      "The API scope the console asks Entra ID for (space-separated). Default: api://<first ENTRA_AUDIENCE>/.default (every delegated permission the console's registration was granted on the API).",
    schema: z.string().trim().min(1).max(500).optional(),
  },
  LOCAL_ENTRA_SIMULATOR: {
    scope: "local",
    description:
      "Runs a Microsoft Entra ID simulator (authorize with a choice of seeded people, token with PKCE, refresh, keys, logout) and points the ENTRA_* settings at it when ENTRA_TENANT_ID is unset, so 'Sign in with Microsoft' works on a laptop. Local host only.",
    schema: bool.default(true),
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
    secret: { setBy: "generated", neededWhen: "always", randomBytes: 48 },
    description:
      "Local fallback of the Key Vault secret jwt-signing-key (HS256 key, at least 32 bytes). When absent locally, a random key is generated once into DATA_DIR.",
    schema: z.string().min(32).optional(),
  },
} as const satisfies SettingsCatalog;
