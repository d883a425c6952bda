import { spawn, spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { freePort } from "./test-host.js";

export interface RedisServer {
  readonly url: string;
  /** The server process, to pause (SIGSTOP) or kill; undefined for REDIS_TEST_URL's server. */
  readonly pid?: number | undefined;
  stop(): Promise<void>;
}

/**
 * A real redis-server on a free loopback port, or undefined (with the reason) when the
 * binary is absent. REDIS_TEST_URL points the tests at an existing server instead.
 */
export async function startRedis(): Promise<RedisServer | { skip: string }> {
  if (process.env.REDIS_TEST_URL) return { url: process.env.REDIS_TEST_URL, stop: async () => {} };
  if (spawnSync("redis-server", ["--version"], { env: serverEnv() }).error) {
    return { skip: "redis-server is not installed (.ci/run installs it with apt-get); the Redis half is SKIPPED" };
  }
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore", env: serverEnv() },
  );
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("redis-server did not start");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        // A paused server (a test that stopped it and failed) takes SIGTERM only once continued.
        child.kill("SIGCONT");
        child.kill("SIGTERM");
      }),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/**
 * Redis keeps real time, as the managed Redis does: a suite run under libfaketime
 * (`npm run test:future`) must not hand its shifted clock to the server, which hangs under it.
 */
function serverEnv(): NodeJS.ProcessEnv {
  const { LD_PRELOAD: _preload, FAKETIME: _faketime, ...env } = process.env;
  return env;
}
