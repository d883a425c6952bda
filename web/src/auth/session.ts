// The signed-in session: tokens in sessionStorage (gone with the tab), the caller's /me,
// and a subscription so the layout re-renders on sign in and sign out.
import type { Role } from "./roles";

export interface Me {
  id: string;
  username: string;
  roles: Role[];
  provider: "local" | "entra";
}

interface Tokens {
  access_token: string;
  refresh_token: string;
}

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
      JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token }),
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
    refreshing ??= post<Tokens>("/v1/auth/refresh", { refresh_token: tokens.refresh_token })
      .then((result) => {
        if (!result.data) return false;
        session.store(result.data);
        return true;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  },
  async logout(): Promise<void> {
    const tokens = read();
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
