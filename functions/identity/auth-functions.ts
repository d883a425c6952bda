import { z } from "zod";
import { ANY_ROLE, passwordSchema, usernameSchema } from "../../shared/index.js";
import { httpFunction } from "../runtime/declarations.js";
import { meView, toMeView, toUserView, userView } from "./user-schemas.js";
import { text } from "../runtime/schemas.js";

const tokenPair = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
});
const refreshTokenBody = z.object({ refresh_token: text({ min: 16, max: 200, trim: false }) });

export const authLogin = httpFunction({
  name: "auth-login",
  route: "v1/auth/login",
  method: "POST",
  summary: "Exchange a username and password for an access token (15 min) and a refresh token (7 days)",
  tags: ["auth"],
  access: { public: true },
  body: z.object({ username: text({ max: 100 }), password: z.string().min(1).max(128) }),
  response: tokenPair,
  errors: [401, 429],
  handler: async ({ body }, { platform, actor }) => ({
    data: await platform.identity.login(body.username, body.password, actor),
  }),
});

export const authConfig = httpFunction({
  name: "auth-config",
  route: "v1/auth/config",
  method: "GET",
  summary:
    "How to sign in (public, nothing secret): the platform's login, and Microsoft Entra ID's authority, console client ID and scope when configured",
  tags: ["auth"],
  access: { public: true },
  response: z.object({
    local: z.literal(true),
    entra: z.object({ authority: z.string(), clientId: z.string(), scope: z.string() }).nullable(),
  }),
  handler: async (_input, { platform }) => ({ data: platform.identity.signInOptions() }),
});

export const authRefresh = httpFunction({
  name: "auth-refresh",
  route: "v1/auth/refresh",
  method: "POST",
  summary: "Rotate a refresh token: returns a new pair; a reused refresh token revokes its whole session",
  tags: ["auth"],
  access: { public: true },
  body: refreshTokenBody,
  response: tokenPair,
  errors: [401],
  handler: async ({ body }, { platform, actor }) => ({
    data: await platform.identity.refresh(body.refresh_token, actor),
  }),
});

export const authLogout = httpFunction({
  name: "auth-logout",
  route: "v1/auth/logout",
  method: "POST",
  summary:
    "Revoke the session of the given refresh token, or every session of the caller when none is given (local accounts; 400 for an Entra ID token)",
  tags: ["auth"],
  access: { roles: ANY_ROLE },
  body: refreshTokenBody.partial().optional(),
  response: z.object({ revoked_sessions: z.number().int() }),
  handler: async ({ body }, { platform, principal, actor }) => ({
    data: await platform.identity.logout(principal!, body?.refresh_token, actor),
  }),
});

export const authMe = httpFunction({
  name: "auth-me",
  route: "v1/auth/me",
  method: "GET",
  summary: "The caller's account and roles: a local account, or a Microsoft Entra ID principal (provider entra)",
  tags: ["auth"],
  access: { roles: ANY_ROLE },
  response: meView,
  handler: async (_input, { platform, principal }) => ({
    data: toMeView(principal!, await platform.identity.me(principal!)),
  }),
});

export const authRegister = httpFunction({
  name: "auth-register",
  route: "v1/auth/register",
  method: "POST",
  summary: "Self-registration as a viewer; only when AUTH_SELF_REGISTRATION_ENABLED is true (404 otherwise)",
  tags: ["auth"],
  access: { public: true },
  body: z.object({ username: usernameSchema, password: passwordSchema }),
  response: userView,
  successStatus: 201,
  errors: [404, 409],
  handler: async ({ body }, { platform, actor }) => ({
    data: toUserView(await platform.identity.register(body.username, body.password, actor)),
  }),
});
