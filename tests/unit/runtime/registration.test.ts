import assert from "node:assert/strict";
import Module, { createRequire } from "node:module";
import { describe, it } from "node:test";
import { functions, functionsFor, systemFunctions } from "../../../functions/catalog.js";
import { loadSettings } from "../../../shared/index.js";

interface CoreBinding {
  type: string;
  direction: string;
  [key: string]: unknown;
}
interface CoreMetadata {
  name: string;
  bindings: Record<string, CoreBinding>;
}

/**
 * Loads the entry named by package.json `main` the way the Functions worker does, with
 * `@azure/functions-core` (which only exists inside the worker) stubbed to record what
 * gets registered.
 */
/** Where the stub records; @azure/functions keeps the first core it finds, so a second load records here too. */
let recording: CoreMetadata[] = [];

async function loadEntryAsTheWorkerWould(query = ""): Promise<CoreMetadata[]> {
  const registered: CoreMetadata[] = [];
  recording = registered;
  const core = {
    registerFunction: (metadata: CoreMetadata) => {
      recording.push(metadata);
      return { dispose() {} };
    },
    setProgrammingModel: () => {},
    getProgrammingModel: () => undefined,
    registerHook: () => ({ dispose() {} }),
    log: () => {},
  };
  const M = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === "@azure/functions-core" ? "@azure/functions-core" : resolve.call(this, request, ...rest);
  };
  const stub = new Module("@azure/functions-core");
  stub.exports = core;
  stub.loaded = true;
  M._cache["@azure/functions-core"] = stub;

  const require = createRequire(import.meta.url);
  const pkg = require("../../../../package.json") as { main: string };
  // A query loads the app module afresh (ES modules are cached by URL; the entry, main.js,
  // imports ./index.js without one, so it is index.js that must be loaded anew).
  const module = query ? "dist/functions/index.js" : pkg.main;
  await import(new URL(`../../../../${module}${query}`, import.meta.url).href);
  return registered;
}

describe("the Azure entry", () => {
  it("registers every declared function once, with its trigger metadata", async () => {
    const registered = await loadEntryAsTheWorkerWould();
    const settings = loadSettings({});
    const trigger = (m: CoreMetadata) =>
      Object.values(m.bindings).find((b) => b.direction === "in" && /Trigger$/.test(b.type))!;

    const actual = registered.map((m) => {
      // The library adds a generated binding name and worker-internal properties.
      const { name: _bindingName, properties: _properties, ...t } = trigger(m);
      return { name: m.name, trigger: t };
    });
    const preflightTaken = new Set<string>();
    const expected = functions.map((f) => {
      switch (f.kind) {
        case "http": {
          // The first function of each route template also takes OPTIONS (CORS preflights).
          const first = !preflightTaken.has(f.route.toLowerCase());
          preflightTaken.add(f.route.toLowerCase());
          return {
            name: f.name,
            trigger: {
              type: "httpTrigger",
              direction: "in",
              authLevel: "anonymous",
              route: f.route,
              methods:
                f.method === "ANY"
                  ? ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
                  : first
                    ? [f.method, "OPTIONS"]
                    : [f.method],
            },
          };
        }
        case "serviceBusQueue":
          return {
            name: f.name,
            trigger: {
              type: "serviceBusTrigger",
              direction: "in",
              queueName: f.queue.name,
              connection: "ServiceBusConnection",
              cardinality: "one",
            },
          };
        case "timer":
          return {
            name: f.name,
            trigger: {
              type: "timerTrigger",
              direction: "in",
              schedule: settings[f.schedule],
              runOnStartup: false,
              useMonitor: true,
            },
          };
      }
    });
    assert.deepEqual(actual, expected);

    const routes = functions.filter((f) => f.kind === "http").map((f) => (f as { route: string }).route);
    for (const route of routes) {
      assert.ok(
        route.startsWith("v1/") ||
          ["health", "health/ready", "metrics", "openapi.json", "docs", "docs/{asset}", "{*path}"].includes(route),
        route,
      );
    }
    // What the Functions host checks at start-up: a function whose route equals another's
    // (case-insensitive, slashes trimmed) with an intersecting method is put in error
    // ("The route specified conflicts with the route defined by function ...").
    const http = actual.filter((a) => a.trigger.type === "httpTrigger") as unknown as {
      name: string;
      trigger: { route: string; methods: string[] };
    }[];
    const key = (route: string) => route.replace(/^\/+|\/+$/g, "").toLowerCase();
    for (const [i, a] of http.entries()) {
      for (const b of http.slice(i + 1)) {
        if (key(a.trigger.route) !== key(b.trigger.route)) continue;
        const shared = a.trigger.methods.filter((m) => b.trigger.methods.includes(m));
        assert.deepEqual(shared, [], `${a.name} and ${b.name} share route ${a.trigger.route} and ${shared.join()}`);
      }
    }
    // Every route answers a preflight, in Azure as on the local host.
    for (const route of new Set(http.map((a) => key(a.trigger.route)))) {
      assert.ok(
        http.some((a) => key(a.trigger.route) === route && a.trigger.methods.includes("OPTIONS")),
        `no function on ${route} accepts OPTIONS`,
      );
    }
    const login = registered.find((m) => m.name === "auth-login")!;
    assert.equal(Object.values(login.bindings).find((b) => b.direction === "out")?.type, "http");
  });

  it("registers only the systems ENABLED_SYSTEMS names, and the platform's own functions", async () => {
    const before = process.env.ENABLED_SYSTEMS;
    process.env.ENABLED_SYSTEMS = "identity,esg";
    try {
      const names = (await loadEntryAsTheWorkerWould("?enabled=identity,esg")).map((m) => m.name);
      assert.deepEqual(
        names,
        functionsFor(["identity", "esg"]).map((f) => f.name),
      );
      for (const system of ["gateway", "billing", "reports", "backups"] as const)
        for (const f of systemFunctions[system]) assert.ok(!names.includes(f.name), `${system}: ${f.name}`);
      for (const name of ["auth-login", "esg-runs-list", "health", "health-ready", "metrics", "jobs-sweep"])
        assert.ok(names.includes(name), name);
      assert.ok(!names.includes("sap-probe"), "no system calls SAP, so SAP is not probed");
    } finally {
      if (before === undefined) delete process.env.ENABLED_SYSTEMS;
      else process.env.ENABLED_SYSTEMS = before;
    }
  });
});
