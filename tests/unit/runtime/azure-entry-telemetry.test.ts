import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { functions } from "../../../functions/catalog.js";

const root = new URL("../../../../", import.meta.url).pathname;
const main = (createRequire(import.meta.url)(`${root}package.json`) as { main: string }).main;

/**
 * Run in a child process: records the order in which modules load (a loader hook that
 * posts each URL), stubs `@azure/functions-core` as the worker provides it, loads the
 * entry named by package.json `main` as the worker does, then imports the drivers the
 * platform loads on first use.
 */
const CHILD = `
import Module, { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const loaded = [];
let seen;
const sentinel = "data:text/javascript,export default 'last'";
const done = new Promise((resolve) => (seen = resolve));
port1.on("message", (url) => (url === sentinel ? seen() : loaded.push(url)));
const recorder = "data:text/javascript," + encodeURIComponent(
  "let port; export function initialize(data) { port = data.port; }" +
  "export async function load(url, context, next) { port.postMessage(url); return next(url, context); }");
register(recorder, import.meta.url, { data: { port: port2 }, transferList: [port2] });

let registered = 0;
const core = {
  registerFunction: () => (registered++, { dispose() {} }),
  setProgrammingModel() {}, getProgrammingModel() {}, log() {},
  registerHook: () => ({ dispose() {} }),
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "@azure/functions-core" ? request : resolve.call(this, request, ...rest);
};
const stub = new Module("@azure/functions-core");
stub.exports = core;
stub.loaded = true;
Module._cache["@azure/functions-core"] = stub;

await import(new URL(${JSON.stringify(main)}, "file://${root}").href);
const { Redis } = await import("ioredis");
const { Connection } = (await import("tedious")).default;
await import(sentinel);
await done;
process.stdout.write(JSON.stringify({
  loaded,
  registered,
  ioredisTraced: Boolean(Redis.prototype.sendCommand.__wrapped),
  tediousTraced: Boolean(Connection.prototype.execSql.__wrapped),
}));
process.exit(0);
`;

function loadEntry(env: Record<string, string>) {
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as {
    loaded: string[];
    registered: number;
    ioredisTraced: boolean;
    tediousTraced: boolean;
  };
}

// An ingestion endpoint nothing listens on: the exporters start, and never reach anything.
const CONNECTION_STRING =
  "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

describe("the Azure entry's telemetry", () => {
  it("starts the Azure Monitor distro before any module of the app loads, so the drivers are traced", () => {
    const entry = loadEntry({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING });
    const index = (test: (url: string) => boolean) => entry.loaded.findIndex(test);
    const distro = index((url) => url.includes("/node_modules/@azure/monitor-opentelemetry/"));
    const telemetryStarter = index((url) => url.endsWith("/dist/shared/foundation/telemetry.js"));
    const firstOfApp = index(
      (url) =>
        /\/dist\/(shared|functions)\//.test(url) &&
        !url.endsWith("/dist/shared/foundation/telemetry.js") &&
        !url.endsWith(`/${main}`),
    );
    assert.ok(telemetryStarter >= 0 && distro > telemetryStarter, "the entry starts the distro");
    assert.ok(firstOfApp > distro, `the app loads after the distro, not first: ${entry.loaded[firstOfApp]}`);
    assert.equal(entry.registered, functions.length, "every function is registered once the entry's import resolves");
    assert.equal(entry.ioredisTraced, true, "ioredis (the cache) is instrumented");
    assert.equal(entry.tediousTraced, true, "tedious (Azure SQL) is instrumented");
  });

  it("stays off without a connection string: no SDK, exporter or loader hook is loaded", () => {
    const entry = loadEntry({});
    assert.equal(entry.registered, functions.length);
    // Only the OpenTelemetry API packages, which do nothing without an SDK.
    assert.deepEqual(
      entry.loaded.filter((url) =>
        /@opentelemetry\/(?!api\/|api-logs\/)|monitor-opentelemetry|in-the-middle/.test(url),
      ),
      [],
    );
    assert.equal(entry.ioredisTraced, false);
  });
});
