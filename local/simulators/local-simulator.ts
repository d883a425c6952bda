import type { FunctionDeclaration } from "../../functions/runtime/declarations.js";

/**
 * One shape for every simulator the local host runs in place of an outside system. The
 * local host starts each before it reads settings (so a simulator can point the settings
 * at itself) and registers its control functions; it learns nothing else about them.
 */
export interface LocalSimulator<Handle> {
  readonly name: string;
  /** Starts the simulator when the settings do not name the real system, pointing `env` at it. */
  start(env: NodeJS.ProcessEnv): Promise<RunningSimulator<Handle>>;
}

export interface RunningSimulator<Handle> {
  /** What tests and benchmarks steer directly; undefined when the real system is used. */
  readonly handle: Handle | undefined;
  /** Local-only control endpoints (admin), never registered in Azure. */
  readonly functions: readonly FunctionDeclaration[];
  close(): Promise<void>;
}
