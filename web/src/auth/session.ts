// The signed-in session: tokens in sessionStorage (gone with the tab), the caller's /me,
// and a subscription so the layout re-renders on sign in and sign out.
import { entraLogoutUrl, refreshEntra, type EntraTokens } from "./entra";
import type { Role } from "./roles";

export interface Me {
  id: string;
  username: string;
  roles: Role[];
  provider: "local" | "entra";
}

/** The platform's own pair, or Entra ID's with what its refresh and sign-out need. */
type Tokens = { access_token: string; refresh_token: string; entra?: undefined } | EntraTokens;

const KEY = "console.tokens";
const listeners = new Set<() => void>();
let me: Me | null = null;
let refreshing: Promise<boolean> | null = null;

function read(): Tokens | null {
  const text = sessionStorage.getItem(KEY);
  return text ? (JSON.parse(text) as Tokens) : null;
}

function notify(): void {
  for (const listener of listeners) listener();
}

async function post<T>(path: string, body: unknown, token?: string): Promise<{ status: number; data?: T }> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers["Authorization"] = `Bearer ${token}`;
  const response = await fetch(`/api${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) return { status: response.status };
  return { status: response.status, data: ((await response.json()) as { data: T }).data };
}

export const session = {
  accessToken: (): string | undefined => read()?.access_token,
  me: (): Me | null => me,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  store(tokens: Tokens): void {
    sessionStorage.setItem(
      KEY,
      JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, entra: tokens.entra }),
    );
  },
  setMe(value: Me | null): void {
    me = value;
    notify();
  },
  /** One refresh at a time: concurrent 401s share it (a reused refresh token revokes the session). */
  refresh(): Promise<boolean> {
    const tokens = read();
    if (!tokens) return Promise.resolve(false);
    const renew = (): Promise<Tokens | null | undefined> =>
      tokens.entra
        ? refreshEntra(tokens)
        : post<Tokens>("/v1/auth/refresh", { refresh_token: tokens.refresh_token }).then((result) => result.data);
    refreshing ??= renew()
      .then((fresh) => {
        if (!fresh) return false;
        session.store(fresh);
        return true;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  },
  async logout(): Promise<void> {
    const tokens = read();
    if (tokens?.entra) {
      // An Entra ID session has nothing to revoke here: it ends at Entra ID, which sends the browser back.
      session.clear();
      location.assign(entraLogoutUrl(tokens.entra));
      return;
    }
    if (tokens)
      await post("/v1/auth/logout", { refresh_token: tokens.refresh_token }, tokens.access_token).catch(
        () => undefined,
      );
    session.clear();
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
    me = null;
    notify();
  },
};
