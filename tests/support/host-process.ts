import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./test-host.js";

const root = new URL("../../../", import.meta.url).pathname;

/**
 * A folder `npm start` can run in: host.json, and an azurite.config.json with a free port
 * and a location inside it, so a restarted process finds the same blobs.
 */
export async function prepareHostFolder(dir: string): Promise<void> {
  copyFileSync(join(root, "host.json"), join(dir, "host.json"));
  const azurite = JSON.parse(readFileSync(join(root, "azurite.config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(
    join(dir, "azurite.config.json"),
    JSON.stringify({ ...azurite, blobPort: await freePort(), location: join(dir, "azurite") }),
  );
}

/** `npm start`'s process in its own process group, so a SIGKILL takes its Azurite down with it. */
export async function startHostProcess(
  dir: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // PORT=0: the host takes a free port itself and logs it (a port picked here could be taken
  // by a parallel test before the host binds it).
  const child = spawn(process.execPath, [join(root, "dist/local/main.js")], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      LOG_LEVEL: "info",
      // npm start's default synthetic dataset (200k rows) can take a loaded machine past the start deadline.
      ANALYTICS_SEED_ROWS: "2000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`host did not start: ${out.slice(-2000)}`);
    url = /Local host listening on (http:\/\/localhost:\d+)\/api/.exec(out)?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => out };
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => setTimeout(resolve, 300));
    process.kill(-child.pid!, signal);
  });
}
