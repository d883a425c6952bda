import type { Registration } from "../functions/registry/register.js";

type HttpRegistration = Extract<Registration, { kind: "http" }>;

interface CompiledRoute {
  readonly registration: HttpRegistration;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  /** Literal segments first, catch-all last, as the Functions host orders routes. */
  readonly rank: number;
}

/** Azure route templates (`v1/users/{userId}`, `{*path}`) matched the way the Functions host does. */
export class Router {
  readonly #routes: CompiledRoute[];

  constructor(registrations: readonly Registration[], readonly prefix = "api") {
    this.#routes = registrations
      .filter((r): r is HttpRegistration => r.kind === "http")
      .map((registration) => compile(registration))
      .sort((a, b) => b.rank - a.rank);
  }

  match(method: string, pathname: string): { registration: HttpRegistration; params: Record<string, string> } | undefined {
    const prefix = `/${this.prefix}/`;
    if (!pathname.startsWith(prefix)) return undefined;
    const path = pathname.slice(prefix.length).replace(/\/+$/, "");
    for (const route of this.#routes) {
      if (!route.registration.options.methods.includes(method as never)) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
      return { registration: route.registration, params };
    }
    return undefined;
  }
}

function compile(registration: HttpRegistration): CompiledRoute {
  const names: string[] = [];
  let rank = 0;
  const source = registration.options.route
    .split("/")
    .map((segment) => {
      const catchAll = /^\{\*(\w+)\}$/.exec(segment);
      if (catchAll) {
        names.push(catchAll[1]!);
        rank -= 1000;
        return "(.*)";
      }
      const param = /^\{(\w+)(?::\w+)?\}$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        rank += 1;
        return "([^/]+)";
      }
      rank += 10;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { registration, pattern: new RegExp(`^${source}$`, "i"), names, rank };
}
