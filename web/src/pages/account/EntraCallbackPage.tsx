import { useEffect, useState } from "preact/hooks";
import { completeEntraSignIn } from "../../auth/entra";
import { session } from "../../auth/session";
import { navigate } from "../../router";
import { ErrorBanner } from "../../ui/ErrorBanner";

/** Where Entra ID sends the browser back: redeem the code, then go where the person was headed. */
export function EntraCallbackPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    completeEntraSignIn(location.search)
      .then(({ tokens, returnTo }) => {
        session.store(tokens);
        // Replace, so the code never stays in the address bar or the history.
        navigate(returnTo, { replace: true });
        onSignedIn();
      })
      .catch((err: unknown) => setError(err));
  }, []);
  return (
    <main id="main" class="sign-in">
      <h1>Signing in with Microsoft</h1>
      {error ? (
        <>
          <ErrorBanner error={error} />
          <p>
            <a href="/">Back to sign in</a>
          </p>
        </>
      ) : (
        <p class="loading">Finishing sign-in…</p>
      )}
    </main>
  );
}
