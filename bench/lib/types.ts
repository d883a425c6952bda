/** What every benchmark under bench/ exports (as `benchmark`) so that bench/run.ts can run it. */

export interface BenchOptions {
  /** Concurrent keep-alive connections of the load generator. */
  readonly connections: number;
  /** Measured seconds per target and round. */
  readonly durationSeconds: number;
  /** Unmeasured seconds per target before each measurement. */
  readonly warmupSeconds: number;
  /** Rounds; targets alternate within a round and each figure is the median over rounds. */
  readonly rounds: number;
  /** Folder for `--cpu-prof` profiles of the server processes, when profiling was asked for. */
  readonly profileDir?: string;
}

export interface Goal {
  readonly label: string;
  readonly met: boolean;
  /** The measured value against the target, e.g. "7.9 ms (target <= 10 ms)". */
  readonly detail: string;
}

export interface BenchReport {
  readonly id: string;
  readonly title: string;
  /** Set (with the reason) when the benchmark could not run here, e.g. redis-server missing. */
  readonly skipped?: string;
  /** First row is the header. */
  readonly table: readonly (readonly string[])[];
  readonly goals: readonly Goal[];
  /** Extra facts worth recording with the figures (payload sizes, cache hits, ...). */
  readonly notes: readonly string[];
}

export interface Benchmark {
  /** Short id; `npm run bench -- <id>` runs only this one; names the docs section. */
  readonly id: string;
  readonly title: string;
  run(options: BenchOptions): Promise<BenchReport>;
}
