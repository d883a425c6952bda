// Who may open a page: its roles, and for a page whose API roles are a setting, the API's answer.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { hasAnyRole } from "../auth/roles";
import type { Me } from "../auth/session";
import { pages, type PageEntry } from "./index";

/** One question per user and access route, shared by the nav and the router. */
const answers = new Map<string, Promise<boolean>>();

function askAccess(me: Me, path: string): Promise<boolean> {
  const key = `${me.id}\u0000${me.roles.join(",")}\u0000${path}`;
  let answer = answers.get(key);
  if (!answer) {
    // Fails closed: a page whose API cannot say yes is not offered.
    answer = api<{ allowed: boolean }>(path).then(
      (a) => a.allowed,
      () => false,
    );
    answers.set(key, answer);
  }
  return answer;
}

/**
 * Whether `me` may open a page: false when the roles do not allow it, else the page's
 * `access` route's answer when it has one (undefined until it answers), else true.
 */
export function usePageAccess(me: Me): (page: PageEntry) => boolean | undefined {
  const [answered, setAnswered] = useState<ReadonlyMap<string, boolean>>(new Map());
  const rolesKey = me.roles.join(",");
  useEffect(() => {
    let live = true;
    const asked = pages.filter((p) => p.access !== undefined && hasAnyRole(me.roles, p.roles));
    void Promise.all(asked.map(async (p) => [p.path, await askAccess(me, p.access!)] as const)).then((entries) => {
      if (live) setAnswered(new Map(entries));
    });
    return () => {
      live = false;
    };
  }, [me.id, rolesKey]);
  return (page) => {
    if (!hasAnyRole(me.roles, page.roles)) return false;
    return page.access === undefined ? true : answered.get(page.path);
  };
}
