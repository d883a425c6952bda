import type { ComponentChildren } from "preact";
import { session, type Me } from "../auth/session";
import type { PageEntry } from "../pages/index";
import { navigate } from "../router";

/** Header, the nav (only the pages the caller may open: `allowed`) and the page. */
export function Layout({
  me,
  path,
  allowed,
  children,
}: {
  me: Me;
  path: string;
  allowed: readonly PageEntry[];
  children: ComponentChildren;
}) {
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
