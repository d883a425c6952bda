// A tiny history router: the local host and Static Web Apps answer index.html for any
// non-/api path, so deep links work.
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();

/** Goes to `path`; `replace` leaves no history entry (for a URL that must not be revisited). */
export function navigate(path: string, { replace = false } = {}): void {
  if (path === location.pathname + location.search && !replace) return;
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path;
}
