import type { Registration } from "../functions/runtime/register.js";

type HttpRegistration = Extract<Registration, { kind: "http" }>;

interface CompiledRoute {
  readonly registration: HttpRegistration;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  /** Literal segments first, catch-all last, as the Functions host orders routes. */
  readonly rank: number;
  /** How many segments the route matches; undefined with a catch-all. */
  readonly segments: number | undefined;
}

/** Azure route templates (`v1/users/{userId}`, `{*path}`) matched the way the Functions host does. */
export class Router {
  /** By method, then by segment count; routes ending in a catch-all are tried after those, for any count. */
  readonly #routes = new Map<string, { bySegments: Map<number, CompiledRoute[]>; catchAll: CompiledRoute[] }>();

  constructor(
    registrations: readonly Registration[],
    readonly prefix = "api",
  ) {
    const compiled = registrations
      .filter((r): r is HttpRegistration => r.kind === "http")
      .map((registration) => compile(registration))
      .sort((a, b) => b.rank - a.rank);
    for (const route of compiled) {
      for (const method of route.registration.options.methods) {
        const forMethod = this.#routes.get(method) ?? { bySegments: new Map<number, CompiledRoute[]>(), catchAll: [] };
        this.#routes.set(method, forMethod);
        if (route.segments === undefined) forMethod.catchAll.push(route);
        else forMethod.bySegments.set(route.segments, [...(forMethod.bySegments.get(route.segments) ?? []), route]);
      }
    }
  }

  match(
    method: string,
    pathname: string,
  ): { registration: HttpRegistration; params: Record<string, string>; malformedParams: string[] } | undefined {
    const prefix = `/${this.prefix}/`;
    if (!pathname.startsWith(prefix)) return undefined;
    const forMethod = this.#routes.get(method);
    if (!forMethod) return undefined;
    const path = pathname.slice(prefix.length).replace(/\/+$/, "");
    const segments = path.split("/").length;
    for (const candidates of [forMethod.bySegments.get(segments) ?? [], forMethod.catchAll]) {
      for (const route of candidates) {
        const m = route.pattern.exec(path);
        if (!m) continue;
        const params: Record<string, string> = {};
        const malformedParams: string[] = [];
        route.names.forEach((name, i) => {
          const raw = m[i + 1] ?? "";
          try {
            params[name] = decodeURIComponent(raw);
          } catch {
            // Bad percent-encoding (`%ZZ`): the pipeline answers 400 naming the parameter.
            params[name] = raw;
            malformedParams.push(name);
          }
        });
        return { registration: route.registration, params, malformedParams };
      }
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
  const catchAll = registration.options.route.split("/").some((segment) => segment.startsWith("{*"));
  return {
    registration,
    pattern: new RegExp(`^${source}$`, "i"),
    names,
    rank,
    segments: catchAll ? undefined : registration.options.route.split("/").length,
  };
}
