import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "./api/client";
import { session, type Me } from "./auth/session";
import { CALLBACK_PATH } from "./auth/entra";
import { EntraCallbackPage } from "./pages/account/EntraCallbackPage";
import { SignInPage } from "./pages/account/SignInPage";
import { pages } from "./pages/index";
import { usePageAccess } from "./pages/page-access";
import { usePath } from "./router";
import { ErrorBanner } from "./ui/ErrorBanner";
import { Layout } from "./ui/Layout";
import "./styles.css";

function App() {
  const path = usePath();
  const [me, setMe] = useState<Me | null>(session.me());
  const [loading, setLoading] = useState(Boolean(session.accessToken()));
  const [error, setError] = useState<unknown>(null);
  useEffect(() => session.subscribe(() => setMe(session.me())), []);
  const loadMe = () => {
    setLoading(true);
    api<Me>("/v1/auth/me")
      .then((value) => session.setMe(value))
      .catch((err: unknown) => setError(err))
      .finally(() => setLoading(false));
  };
  useEffect(() => {
    if (session.accessToken()) loadMe();
  }, []);
  if (loading) return <p class="loading">Loading…</p>;
  if (path === CALLBACK_PATH && !me) return <EntraCallbackPage onSignedIn={loadMe} />;
  if (!me) return <SignInPage onSignedIn={loadMe} />;
  return <SignedIn me={me} path={path} error={error} />;
}

/** The layout and the page, offered only where the caller's roles (and the page's API) allow. */
function SignedIn({ me, path, error }: { me: Me; path: string; error: unknown }) {
  const access = usePageAccess(me);
  const page = pages.find((p) => p.path === path);
  const allowed = page && access(page);
  return (
    <Layout me={me} path={path} allowed={pages.filter((p) => access(p) === true)}>
      <ErrorBanner error={error} />
      {!page && <h1>Page not found</h1>}
      {page && allowed === undefined && <p class="loading">Loading…</p>}
      {page && allowed === false && <h1>Your roles do not allow this page</h1>}
      {page && allowed === true && <page.component />}
    </Layout>
  );
}

render(<App />, document.getElementById("app")!);
