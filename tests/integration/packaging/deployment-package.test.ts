import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { functions } from "../../../functions/catalog.js";
import { shippedFiles } from "../../support/funcignore.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "deployment-package-"));
const app = join(work, "app");
// A production install is hundreds of megabytes in thousands of files: removing it can take
// longer than the test, so it is left to a detached `rm` instead of holding up the run.
after(() => spawn("rm", ["-rf", work], { detached: true, stdio: "ignore" }).unref());

/**
 * What the Functions worker provides as `@azure/functions-core`: here it records each
 * registration for the loader below to print.
 */
const RECORDING_CORE = `
const registered = (globalThis.__registeredFunctions = []);
module.exports = {
  registerFunction(metadata) { registered.push(metadata); return { dispose() {} }; },
  setProgrammingModel() {},
  getProgrammingModel() { return undefined; },
  registerHook() { return { dispose() {} }; },
  log() {},
};
`;

/** Loads package.json `main` as the worker does and prints each function's name and trigger. */
const LOADER = `
import { readFileSync } from "node:fs";
const { main } = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"));
await import(new URL(main, import.meta.url).href);
const trigger = (m) => Object.values(m.bindings).find((b) => b.direction === "in" && /Trigger$/.test(b.type)).type;
console.log(JSON.stringify(globalThis.__registeredFunctions.map((m) => ({ name: m.name, trigger: trigger(m) }))));
`;

/**
 * Just enough of an Azure app's settings for the settings check to pass; nothing is
 * reached, because the platform is built on the first invocation, not at registration.
 */
const AZURE_ENV = {
  WEBSITE_INSTANCE_ID: "deployment-package-test",
  FUNCTIONS_WORKER_RUNTIME: "node",
  SQL_CONNECTION_STRING: "Server=tcp:sql.invalid,1433;Database=finance;Authentication=Active Directory Default",
  BLOB_SERVICE_URL: "https://storage.invalid",
  ServiceBusConnection__fullyQualifiedNamespace: "bus.invalid",
  REDIS_URL: "rediss://redis.invalid:10000",
  KEY_VAULT_URL: "https://vault.invalid",
  SAP_ADAPTER: "node-rfc",
};

function run(command: string, args: string[], cwd: string, env = process.env, timeout = 240_000) {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout });
}

function output(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}`;
}

/** The project's own files a tsconfig compiles from its `include` (not what they import). */
function rootFiles(directory: string, config: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(directory, config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    },
  );
  return parsed!.fileNames.map((f) => relative(directory, f)).sort();
}

describe("the deployment package (.funcignore, production install, remote build)", () => {
  it("ships only the runtime, installs without dev dependencies, compiles, and registers every function", async (t) => {
    const shipped = shippedFiles(root);
    for (const file of ["host.json", "package.json", "package-lock.json", "tsconfig.build.json", "functions/index.ts"])
      assert.ok(shipped.includes(file), `${file} is shipped`);
    const laptopOnly = shipped.filter((f) => /^(tests|bench|local|scripts|docs|infra|dist|node_modules)\//.test(f));
    assert.deepEqual(laptopOnly, [], "nothing laptop-only is shipped");
    for (const file of shipped) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      cpSync(join(root, file), join(app, file));
    }

    // What the remote build's output keeps: production dependencies only.
    const install = run(
      "npm",
      ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"],
      app,
    );
    if (
      install.status !== 0 &&
      /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|NOTCACHED)/.test(install.stderr)
    ) {
      t.skip(
        `npm cannot reach the registry, so the production install cannot be checked: ${install.stderr.trim().split("\n")[0]}`,
      );
      return;
    }
    assert.equal(install.status, 0, output(install));
    for (const laptopPackage of ["better-sqlite3", "azurite", "typescript", "smtp-server"])
      assert.ok(
        !existsSync(join(app, "node_modules", laptopPackage)),
        `${laptopPackage} is not in the production install`,
      );

    // Oryx runs `npm run build` then `npm run build:azure`, with the dev dependencies
    // installed: lend the laptop's node_modules one directory up for the compile only.
    // On the shipped tree both configurations name the same files.
    assert.deepEqual(rootFiles(app, "tsconfig.json"), rootFiles(app, "tsconfig.build.json"));
    symlinkSync(join(root, "node_modules"), join(work, "node_modules"), "dir");
    const build = run("npm", ["run", "build:azure"], app);
    unlinkSync(join(work, "node_modules"));
    assert.equal(build.status, 0, output(build));

    mkdirSync(join(app, "node_modules", "@azure", "functions-core"), { recursive: true });
    writeFileSync(join(app, "node_modules", "@azure", "functions-core", "package.json"), `{"main": "index.js"}`);
    writeFileSync(join(app, "node_modules", "@azure", "functions-core", "index.js"), RECORDING_CORE);
    writeFileSync(join(app, "load-entry.mjs"), LOADER);
    // Only PATH from this machine: no setting of the laptop leaks into the "Azure" process.
    // The process must end on its own: registering connects to nothing and starts no timer.
    const load = run(process.execPath, ["load-entry.mjs"], app, { PATH: process.env.PATH, ...AZURE_ENV }, 60_000);
    assert.equal(load.status, 0, output(load));

    const triggerOf = { http: "httpTrigger", serviceBusQueue: "serviceBusTrigger", timer: "timerTrigger" } as const;
    assert.deepEqual(
      JSON.parse(load.stdout.trim().split("\n").pop()!),
      functions.map((f) => ({ name: f.name, trigger: triggerOf[f.kind] })),
    );
  });
});
