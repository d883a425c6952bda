export type DependencyStatus = "up" | "down";

export interface DependencyCheck {
  readonly name: string;
  /** Which adapter is in use (sqlite, mssql, redis, in-process, ...). */
  readonly adapter: string;
  readonly check: () => Promise<void>;
  /**
   * False for a dependency only some routes and jobs need (SAP): while it is down the
   * instance still serves everything else, so readiness says `degraded`, not `not_ready`.
   */
  readonly essential?: boolean;
}

export interface DependencyReport {
  readonly name: string;
  readonly adapter: string;
  readonly status: DependencyStatus;
  readonly latency_ms: number;
  /** The error's class only: readiness is unauthenticated, so no internal messages. */
  readonly error?: string;
}

export interface ReadinessReport {
  /** `degraded`: only non-essential dependencies are down (their routes answer 503, the rest serve). */
  readonly status: "ready" | "degraded" | "not_ready";
  readonly dependencies: readonly DependencyReport[];
}

/** Runs every check in parallel, each bounded by a timeout, and reports each one. */
export async function checkReadiness(checks: readonly DependencyCheck[], timeoutMs = 3000): Promise<ReadinessReport> {
  const dependencies = await Promise.all(
    checks.map(async ({ name, adapter, check }): Promise<DependencyReport> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { name: "Timeout" })), timeoutMs);
          }),
        ]);
        return { name, adapter, status: "up", latency_ms: Math.round(performance.now() - started) };
      } catch (error) {
        const kind = error instanceof Error ? error.name : "Error";
        return { name, adapter, status: "down", latency_ms: Math.round(performance.now() - started), error: kind };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const down = checks.filter((_, i) => dependencies[i]!.status === "down");
  const status = down.length === 0 ? "ready" : down.every((c) => c.essential === false) ? "degraded" : "not_ready";
  return { status, dependencies };
}
