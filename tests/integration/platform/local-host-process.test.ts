import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { freePort, tempDir } from "../../support/test-host.js";

const root = new URL("../../../../", import.meta.url).pathname;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

describe("npm start's process (dist/local/main.js)", () => {
  it("serves the API, then stops cleanly on SIGINT with no orphan Azurite", async () => {
    const dir = tempDir();
    const blobPort = await freePort();
    copyFileSync(join(root, "host.json"), join(dir.path, "host.json"));
    const azurite = JSON.parse(
      JSON.stringify(await import(join(root, "azurite.config.json"), { with: { type: "json" } })),
    ).default;
    writeFileSync(
      join(dir.path, "azurite.config.json"),
      JSON.stringify({ ...azurite, blobPort, location: join(dir.path, "azurite") }),
    );
    const child = spawn(process.execPath, [join(root, "dist/local/main.js")], {
      cwd: dir.path,
      // PORT=0: the host binds a free port itself and logs it, so no parallel test can take it first.
      env: { PATH: process.env.PATH ?? "", PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes("Local host listening")) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`host did not start: ${out.slice(-1000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const apiPort = Number(/listening on http:\/\/localhost:(\d+)\/api/.exec(out)?.[1]);
      assert.ok(apiPort > 0, "the host logs where it listens");
      const health = await fetch(`http://localhost:${apiPort}/api/health`);
      assert.equal(health.status, 200);
      assert.equal(await portOpen(blobPort), true, "Azurite runs while the host does");

      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      assert.equal(await exited, 0);
      assert.equal(await portOpen(blobPort), false, "Azurite stopped with the host");
      assert.equal(await portOpen(apiPort), false);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      dir.remove();
    }
  });
});
