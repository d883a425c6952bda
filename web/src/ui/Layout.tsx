import type { ComponentChildren } from "preact";
import { hasAnyRole } from "../auth/roles";
import { session, type Me } from "../auth/session";
import { pages } from "../pages/index";
import { navigate } from "../router";

/** Header, the nav (only the pages the caller's roles allow) and the page. */
export function Layout({ me, path, children }: { me: Me; path: string; children: ComponentChildren }) {
  const allowed = pages.filter((p) => hasAnyRole(me.roles, p.roles));
  return (
    <div class="layout">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Finance console</span>
        <span class="who">
          {me.username} ({me.roles.join(", ")})
        </span>
        <button type="button" onClick={() => void session.logout().then(() => navigate("/"))}>
          Sign out
        </button>
      </header>
      <nav aria-label="Main">
        <ul>
          {allowed.map((p) => (
            <li key={p.path}>
              <a
                href={p.path}
                aria-current={p.path === path ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(p.path);
                }}
              >
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
