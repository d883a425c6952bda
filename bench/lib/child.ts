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

/** A server process leading a process group of its own, with everything it spawned (Azurite). */
export interface GroupProcess<Info> extends ServerProcess<Info> {
  /** Signals every process of the group; resolves once all of them are gone (or after 5 s). */
  killGroup(signal: NodeJS.Signals): Promise<void>;
  /** True while any process of the group is still alive. */
  groupAlive(): boolean;
}

interface StartOptions {
  name: string;
  profileDir?: string;
  timeoutMs?: number;
  nodeFlags?: readonly string[];
}

/** Forks `script` (a compiled child entry next to the caller), waits for its `ready`. */
export async function startServerProcess<Info>(
  script: URL,
  args: readonly string[],
  options: StartOptions,
): Promise<ServerProcess<Info>> {
  return startProcess<Info>(script, args, options, false);
}

/**
 * Like startServerProcess, but the child leads a process group (`detached`), so a SIGKILL
 * to the group takes the host *and* the Azurite it spawned down at the same instant, as a
 * crashed machine would, and no orphaned Azurite keeps the blob port.
 */
export async function startGroupProcess<Info>(
  script: URL,
  args: readonly string[],
  options: StartOptions,
): Promise<GroupProcess<Info>> {
  return startProcess<Info>(script, args, options, true);
}

function startProcess<Info>(
  script: URL,
  args: readonly string[],
  options: StartOptions,
  group: false,
): Promise<ServerProcess<Info>>;
function startProcess<Info>(
  script: URL,
  args: readonly string[],
  options: StartOptions,
  group: true,
): Promise<GroupProcess<Info>>;
async function startProcess<Info>(
  script: URL,
  args: readonly string[],
  options: StartOptions,
  group: boolean,
): Promise<ServerProcess<Info> | GroupProcess<Info>> {
  const execArgv = [
    ...(options.nodeFlags ?? []),
    ...(options.profileDir
      ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.name}.cpuprofile`]
      : []),
  ];
  const child: ChildProcess = fork(fileURLToPath(script), [...args], {
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: group,
  });
  const pid = child.pid ?? -1;
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
  );
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const killGroup = async (signal: NodeJS.Signals) => {
    if (groupAlive()) process.kill(-pid, signal);
    await exited;
    // The group's other members (Azurite) die with the same signal; wait until they are gone.
    for (let i = 0; i < 100 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const killAll = () => (group ? void killGroup("SIGKILL") : child.kill("SIGKILL"));
  const replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      killAll();
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
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready`));
    });
  });
  const server: ServerProcess<Info> = {
    info,
    pid,
    call: <T>(what: string) =>
      new Promise<T>((resolve, reject) => {
        if (hasExited()) return reject(new Error(`${options.name} has exited`));
        const id = nextId++;
        replies.set(id, { resolve: resolve, reject });
        child.send({ type: "request", id, what } satisfies ToChild);
      }),
    stop: async () => {
      if (hasExited()) return;
      child.send({ type: "stop" } satisfies ToChild);
      const timer = setTimeout(killAll, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return group ? { ...server, killGroup, groupAlive } : server;
}

/**
 * A one-shot measurement in its own process (so its peak RSS is its own): forks `script`
 * (a URL next to the caller) with `args`, resolves the one result it sends over IPC before
 * exiting, rejects if it exits without one; killed after `timeoutMs`.
 */
export function measureInChild<Result>(
  script: URL,
  args: readonly string[],
  options: { readonly timeoutMs: number; readonly execArgv?: readonly string[]; readonly what: string },
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(script), [...args], {
      ...(options.execArgv ? { execArgv: [...options.execArgv] } : {}),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: Result | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("message", (message: Result) => (result = message));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined) resolve(result);
      else reject(new Error(`${options.what} exited with ${signal ?? `code ${code}`} before reporting`));
    });
  });
}

/** A measuring child's answer: sends `measure()`'s result to the parent and exits (1 on error). */
export function reportToParent<Result>(measure: () => Promise<Result>): void {
  measure().then(
    (result) => {
      process.send?.(result);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
