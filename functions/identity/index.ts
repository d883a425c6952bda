import type { FunctionDeclaration } from "../runtime/declarations.js";
import { authConfig, authLogin, authLogout, authMe, authRefresh, authRegister } from "./auth-functions.js";
import {
  auditLogList,
  usersCreate,
  usersDisable,
  usersEnable,
  usersGet,
  usersList,
  usersResetPassword,
  usersSetRoles,
} from "./user-functions.js";
import { purgeExpiredSessions } from "./purge-expired-sessions.js";

/** Identity: sign-in, users, the audit log and the nightly session purge. */
export const identityFunctions: readonly FunctionDeclaration[] = [
  authConfig,
  authLogin,
  authRefresh,
  authLogout,
  authMe,
  authRegister,
  usersCreate,
  usersList,
  usersGet,
  usersDisable,
  usersEnable,
  usersResetPassword,
  usersSetRoles,
  auditLogList,
  purgeExpiredSessions,
];
