import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { beginEntraSignIn, CALLBACK_PATH, type EntraConfig } from "../../auth/entra";
import { session } from "../../auth/session";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field } from "../../ui/Field";

interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** The platform's login (POST /api/v1/auth/login), and "Sign in with Microsoft" where Entra ID is configured. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [entra, setEntra] = useState<EntraConfig | null>(null);
  useEffect(() => {
    api<{ entra: EntraConfig | null }>("/v1/auth/config", { anonymous: true })
      .then((config) => setEntra(config.entra))
      .catch(() => setEntra(null)); // the platform's login still works
  }, []);
  const withMicrosoft = () => {
    const here = location.pathname === CALLBACK_PATH ? "/" : location.pathname + location.search;
    beginEntraSignIn(entra!, here).catch((err: unknown) => setError(err));
  };
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      session.store(await api<TokenPair>("/v1/auth/login", { body: { username, password }, anonymous: true }));
      onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)}>
        <Field
          label="Username"
          name="username"
          value={username}
          onInput={setUsername}
          autocomplete="username"
          required
        />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          autocomplete="current-password"
          required
        />
        <ErrorBanner error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {entra && (
        <section class="sign-in-other" aria-label="Other ways to sign in">
          <p>or</p>
          <button type="button" onClick={withMicrosoft}>
            Sign in with Microsoft
          </button>
        </section>
      )}
    </main>
  );
}
