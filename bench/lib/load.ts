import type { EventEmitter } from "node:events";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";

export interface LoadTarget {
  readonly name: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** GET when absent; a POST sends `body` (JSON) with every request. */
  readonly method?: "GET" | "POST";
  readonly body?: string;
}

export interface LoadResult {
  readonly target: string;
  /** 2xx responses per second over the measured window. */
  readonly requestsPerSecond: number;
  /** Latency percentiles of 2xx responses, in milliseconds (microsecond resolution). */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly durationSeconds: number;
  /** Transport errors by code (ECONNRESET, ...), so a failed run says why. */
  readonly errorCodes?: Readonly<Record<string, number>>;
}

/**
 * One autocannon run against `target`. Latencies come from autocannon's per-response
 * event (hrtime, fractional ms) rather than its histogram, which rounds to whole ms.
 */
export async function load(
  target: LoadTarget,
  options: { connections: number; durationSeconds: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections: options.connections,
        duration: options.durationSeconds,
        pipelining: 1,
        timeout: 10,
        ...(target.headers ? { headers: target.headers } : {}),
        ...(target.method ? { method: target.method } : {}),
        ...(target.body !== undefined ? { body: target.body } : {}),
      },
      (error: unknown, r: autocannon.Result) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(r),
    );
    (instance as unknown as EventEmitter).on(
      "response",
      (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status >= 200 && status < 300) {
          ok++;
          latencies.push(ms);
        } else non2xx++;
      },
    );
  });
  latencies.sort((a, b) => a - b);
  return {
    target: target.name,
    requestsPerSecond: ok / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    ok,
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs every target with the same settings, one at a time (never two at once): per round,
 * each target gets a warm-up then a measured run; the order alternates between rounds.
 * Returns, per target, the median of each figure over the rounds, plus every round.
 */
export async function compare(
  targets: readonly LoadTarget[],
  options: { connections: number; durationSeconds: number; warmupSeconds: number; rounds: number },
  hooks: {
    log?: (line: string) => void;
    aroundMeasure?: (target: LoadTarget, measure: () => Promise<LoadResult>) => Promise<LoadResult>;
  } = {},
): Promise<{ summary: Map<string, LoadResult>; rounds: LoadResult[][] }> {
  const log = hooks.log ?? (() => {});
  const around = hooks.aroundMeasure ?? ((_t: LoadTarget, measure: () => Promise<LoadResult>) => measure());
  const rounds: LoadResult[][] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [...targets] : [...targets].reverse();
    const results: LoadResult[] = [];
    for (const target of order) {
      if (options.warmupSeconds > 0)
        await load(target, { connections: options.connections, durationSeconds: options.warmupSeconds });
      const r = await around(target, () =>
        load(target, { connections: options.connections, durationSeconds: options.durationSeconds }),
      );
      log(
        `  round ${round + 1}/${options.rounds} ${target.name}: ${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors)`,
      );
      results.push(r);
    }
    rounds.push(results);
  }
  const summary = new Map<string, LoadResult>();
  for (const target of targets)
    summary.set(target.name, summarize(rounds.map((rs) => rs.find((r) => r.target === target.name)!)));
  return { summary, rounds };
}

/** One target's runs as one figure: medians of rates and percentiles, the worst max, summed counts. */
export function summarize(runs: readonly LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => runs.reduce((a, r) => a + f(r), 0);
  return {
    target: runs[0]!.target,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    max: Math.max(...runs.map((r) => r.max)),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    durationSeconds: sum((r) => r.durationSeconds),
  };
}

/**
 * Open-loop load: requests start on a fixed schedule, `ratePerSecond` of them, whatever
 * the answers' speed (a closed loop such as autocannon's waits for each answer, so past
 * saturation its latency only measures its own queue: connections / throughput). Each
 * latency runs from the request's start to the end of its answer.
 */
export async function paced(
  target: LoadTarget,
  options: { ratePerSecond: number; durationSeconds: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(target.url);
  const body = target.body === undefined ? undefined : Buffer.from(target.body);
  const headers = { ...target.headers, ...(body ? { "content-length": String(body.length) } : {}) };
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(url, { method: target.method ?? "GET", headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            ok++;
            latencies.push(performance.now() - started);
          } else non2xx++;
          resolve();
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        errors++;
        const code = error.code ?? error.name;
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const interval = 1000 / options.ratePerSecond;
  const count = Math.round(options.ratePerSecond * options.durationSeconds);
  const inFlight: Promise<void>[] = [];
  const begun = performance.now();
  for (let i = 0; i < count; i++) {
    // Timers fire late by up to a millisecond: requests whose time has come go out at once.
    const wait = begun + i * interval - performance.now();
    if (wait >= 1) await sleep(Math.floor(wait));
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - begun) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    target: target.name,
    requestsPerSecond: ok / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    ok,
    non2xx,
    errors,
    timeouts: 0,
    durationSeconds: seconds,
    errorCodes,
  };
}
