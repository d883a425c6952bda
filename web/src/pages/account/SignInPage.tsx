import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { session } from "../../auth/session";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field } from "../../ui/Field";

interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Local sign-in against POST /api/v1/auth/login; Entra ID sign-in is still to come. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
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
    </main>
  );
}
