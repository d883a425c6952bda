import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Servers under test run in child processes, so the load generator (in the runner's
 * process) never shares an event loop with them. A child calls `runChild`; the parent
 * calls `startServerProcess` and talks to it over the IPC channel.
 */

type ToChild = { type: "request"; id: number; what: string } | { type: "stop" };
type FromChild =
  | { type: "ready"; info: unknown }
  | { type: "reply"; id: number; value?: unknown; error?: string }
  | { type: "failed"; error: string };

export interface ChildServer<Info> {
  readonly info: Info;
  /** Handlers the parent may call by name (statistics after a run, ...); `cpuUsage` is built in. */
  readonly handlers?: Record<string, () => Promise<unknown>>;
  stop(): Promise<void>;
}

/** Entry of a child script: starts the server, reports `info`, serves requests, stops on demand. */
export function runChild<Info>(start: (args: string[]) => Promise<ChildServer<Info>>): void {
  const send = (message: FromChild) => process.send?.(message);
  start(process.argv.slice(2)).then(
    (server) => {
      process.on("message", (message: ToChild) => {
        if (message.type === "stop") {
          server.stop().finally(() => process.exit(0));
          return;
        }
        const handler = message.what === "cpuUsage" ? cpuUsage : server.handlers?.[message.what];
        if (!handler) {
          send({ type: "reply", id: message.id, error: `no handler '${message.what}'` });
          return;
        }
        handler().then(
          (value) => send({ type: "reply", id: message.id, value }),
          (error: unknown) => send({ type: "reply", id: message.id, error: String(error) }),
        );
      });
      // The parent died without saying stop: do not linger.
      process.on("disconnect", () => void server.stop().finally(() => process.exit(0)));
      send({ type: "ready", info: server.info });
    },
    (error: unknown) => {
      send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}

/** CPU time of the whole process (every thread, so libuv's pool too), in microseconds. */
async function cpuUsage(): Promise<number> {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export interface ServerProcess<Info> {
  readonly info: Info;
  readonly pid: number;
  call<T>(what: string): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `script` (a compiled child entry next to the caller), waits for its `ready`. */
export async function startServerProcess<Info>(
  script: URL,
  args: readonly string[],
  options: { name: string; profileDir?: string; timeoutMs?: number; nodeFlags?: readonly string[] },
): Promise<ServerProcess<Info>> {
  const execArgv = [...(options.nodeFlags ?? []), ...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.name}.cpuprofile`] : [])];
  const child: ChildProcess = fork(fileURLToPath(script), [...args], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.on("message", (message: FromChild) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message.info as Info);
      } else if (message.type === "failed") {
        clearTimeout(timer);
        reject(new Error(`${options.name} failed to start: ${message.error}`));
      } else if (message.type === "reply") {
        const pending = replies.get(message.id);
        replies.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve(message.value);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready`));
    });
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  return {
    info,
    pid: child.pid ?? -1,
    call: <T>(what: string) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        replies.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ type: "request", id, what } satisfies ToChild);
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.send({ type: "stop" } satisfies ToChild);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
