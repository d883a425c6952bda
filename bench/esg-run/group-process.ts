import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ServerProcess } from "../lib/child.js";

/**
 * Like `startServerProcess` (bench/lib/child.ts, the same IPC protocol, so the child uses
 * `runChild`), but the child leads a process group of its own (`detached`), so a SIGKILL to
 * the group takes the host *and* the Azurite it spawned down at the same instant, as a
 * crashed machine would, and no orphaned Azurite keeps the blob port.
 */
export interface GroupProcess<Info> extends ServerProcess<Info> {
  /** Signals every process of the group; resolves once the leader has exited. */
  killGroup(signal: NodeJS.Signals): Promise<void>;
  /** True while any process of the group is still alive. */
  groupAlive(): boolean;
}

type FromChild = { type: "ready"; info: unknown } | { type: "reply"; id: number; value?: unknown; error?: string } | { type: "failed"; error: string };

export async function startGroupProcess<Info>(script: URL, args: readonly string[], options: { name: string; timeoutMs?: number; profileDir?: string }): Promise<GroupProcess<Info>> {
  const execArgv = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.name}.cpuprofile`] : [];
  const child: ChildProcess = fork(fileURLToPath(script), [...args], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], detached: true });
  const pid = child.pid ?? -1;
  const replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
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
  child.on("message", (message: FromChild) => {
    if (message.type !== "reply") return;
    const pending = replies.get(message.id);
    replies.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.value);
  });
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      void killGroup("SIGKILL");
      reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.on("message", (message: FromChild) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message.info as Info);
      } else if (message.type === "failed") {
        clearTimeout(timer);
        reject(new Error(`${options.name} failed to start: ${message.error}`));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready`));
    });
  });
  return {
    info,
    pid,
    call: <T>(what: string) =>
      new Promise<T>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${options.name} has exited`));
        const id = nextId++;
        replies.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ type: "request", id, what });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: "stop" });
      const timer = setTimeout(() => void killGroup("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
    killGroup,
    groupAlive,
  };
}
