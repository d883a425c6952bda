// Microsoft Entra ID sign-in for a single-page application: the authorization code flow
// with PKCE (RFC 7636), the code redeemed and refreshed at the token endpoint from the
// browser, as Entra ID requires of SPA registrations. Written out (about a page) rather
// than MSAL: the console needs only this flow, and MSAL refuses an http authority, so it
// could not be tested against the local Entra ID simulator.

/** What GET /api/v1/auth/config says about Entra ID (null when it is not configured). */
export interface EntraConfig {
  authority: string;
  clientId: string;
  scope: string;
}

/** Tokens from Entra ID, with what their refresh needs. */
export interface EntraTokens {
  access_token: string;
  refresh_token: string;
  entra: EntraConfig;
}

interface Pending {
  verifier: string;
  state: string;
  returnTo: string;
  config: EntraConfig;
}

const PENDING = "console.entra.pending";
export const CALLBACK_PATH = "/auth/callback";

const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const randomText = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/** Sends the browser to Entra ID; it comes back to /auth/callback with a code. */
export async function beginEntraSignIn(config: EntraConfig, returnTo: string): Promise<void> {
  const verifier = randomText(32);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  const pending: Pending = { verifier, state: randomText(16), returnTo, config };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(`${config.authority}/oauth2/v2.0/authorize`);
  for (const [name, value] of Object.entries({
    client_id: config.clientId,
    response_type: "code",
    response_mode: "query",
    redirect_uri: redirectUri(),
    scope: config.scope,
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    prompt: "select_account",
  }))
    url.searchParams.set(name, value);
  location.assign(url.href);
}

async function tokenCall(config: EntraConfig, form: Record<string, string>): Promise<EntraTokens> {
  const response = await fetch(`${config.authority}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: config.clientId, scope: config.scope, ...form }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    refresh_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token || !body.refresh_token)
    throw new Error(
      `Microsoft Entra ID refused the sign-in: ${body.error_description ?? body.error ?? response.status}`,
    );
  return { access_token: body.access_token, refresh_token: body.refresh_token, entra: config };
}

/** Redeems the code Entra ID sent back (after checking it answers the request this tab made). */
export async function completeEntraSignIn(search: string): Promise<{ tokens: EntraTokens; returnTo: string }> {
  const text = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING); // one answer per request, whatever happens
  if (!text) throw new Error("No sign-in was started in this tab: sign in again");
  const pending = JSON.parse(text) as Pending;
  const params = new URLSearchParams(search);
  if (params.get("state") !== pending.state) throw new Error("The sign-in answer does not match this tab's request");
  const error = params.get("error");
  if (error) throw new Error(`Microsoft Entra ID refused the sign-in: ${params.get("error_description") ?? error}`);
  const tokens = await tokenCall(pending.config, {
    grant_type: "authorization_code",
    code: params.get("code") ?? "",
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  return { tokens, returnTo: pending.returnTo };
}

/** A new token pair for the refresh token (Entra ID rotates it); null when it is refused. */
export function refreshEntra(tokens: EntraTokens): Promise<EntraTokens | null> {
  return tokenCall(tokens.entra, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }).catch(
    () => null,
  );
}

/** Where signing out ends: Entra ID's logout, which sends the browser back to the console. */
export function entraLogoutUrl(config: EntraConfig): string {
  const url = new URL(`${config.authority}/oauth2/v2.0/logout`);
  url.searchParams.set("post_logout_redirect_uri", `${location.origin}/`);
  return url.href;
}
