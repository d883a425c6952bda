import { ConfigurationError, type SettingsOf } from "../../foundation/settings.js";
import type { IDENTITY_SETTINGS } from "./identity-settings.js";
import { isHttpsOrLoopback } from "../../kernel/network-address.js";

/** How the console offers Microsoft Entra ID sign-in (authorization code flow with PKCE). */
export interface EntraConsoleSignIn {
  /** Base of the v2.0 endpoints: `<authority>/oauth2/v2.0/authorize`, `/token`, `/logout`. */
  readonly authority: string;
  /** The console's single-page-application registration. */
  readonly clientId: string;
  /** Space-separated scopes asked for, the API's first. */
  readonly scope: string;
}

/** What the sign-in page offers; public, and holds nothing secret. */
export interface SignInOptions {
  readonly local: true;
  readonly entra: EntraConsoleSignIn | null;
}

/** Entra ID sign-in for the console when ENTRA_CONSOLE_CLIENT_ID is set (with ENTRA_TENANT_ID). */
export function signInOptionsOf(settings: SettingsOf<typeof IDENTITY_SETTINGS>): SignInOptions {
  const clientId = settings.ENTRA_CONSOLE_CLIENT_ID;
  const tenantId = settings.ENTRA_TENANT_ID;
  if (clientId === undefined) return { local: true, entra: null };
  if (tenantId === undefined) {
    throw new ConfigurationError(["ENTRA_CONSOLE_CLIENT_ID: set ENTRA_TENANT_ID too, or neither"]);
  }
  const authority = new URL(settings.ENTRA_AUTHORITY ?? `https://login.microsoftonline.com/${tenantId}`);
  // The browser posts the authorization code and its verifier here: never in clear text off the machine.
  if (!isHttpsOrLoopback(authority)) {
    throw new ConfigurationError(["ENTRA_AUTHORITY: must be https (http only to a loopback address)"]);
  }
  const apiScope = settings.ENTRA_CONSOLE_SCOPE ?? `api://${settings.ENTRA_AUDIENCE?.[0] ?? ""}/.default`;
  return {
    local: true,
    entra: {
      authority: authority.href.replace(/\/+$/, ""),
      clientId,
      // offline_access: a refresh token, so the console renews without sending the person back.
      scope: `${apiScope} openid profile offline_access`,
    },
  };
}
