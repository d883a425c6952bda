import { cpus } from "node:os";
import { Redis } from "ioredis";
import { startRedis } from "../../tests/support/redis-server.js";
import { startServerProcess, type ServerProcess } from "../lib/child.js";
import { compare, median, type LoadResult } from "../lib/load.js";
import { machineBusyMicros, ownCpuMicros } from "../lib/system.js";
import type { Benchmark, BenchOptions, BenchReport, Goal } from "../lib/types.js";
import type { BareServerInfo } from "./bare-redis-server.js";
import type { LocalHostInfo } from "./local-host-server.js";

const PROJECT_ID = "PRJ-000001";
const PATH = `/api/v1/projects/${PROJECT_ID}`;
const BARE_KEY = "bench:project-get:value";
/** Goals of the issue; they live here only, never in unit tests. */
const GOAL_P99_MS = 10;
const GOAL_RATIO = 0.6;
/** Headers that describe the connection or body, not the response: the server sets its own. */
const TRANSPORT_HEADERS = new Set([
  "date",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
  "x-correlation-id",
]);

const HOST = "local host GET /api/v1/projects/{id} (Redis cache hit)";
const BARE = "bare node:http + one Redis GET";

/**
 * The cached project read through the whole local host (routing, JWT, account check, Redis
 * rate limit, Redis cache GET, envelope, metrics) against a bare node:http
 * server doing one Redis GET of a value of the same size, same Redis, same load.
 */
export const benchmark: Benchmark = {
  id: "project-get",
  title: "Cached GET /api/v1/projects/{id} vs bare node:http + Redis GET",
  async run(options: BenchOptions): Promise<BenchReport> {
    const redisServer = await startRedis();
    if ("skip" in redisServer)
      return { id: this.id, title: this.title, skipped: redisServer.skip, table: [], goals: [], notes: [] };
    const children: ServerProcess<unknown>[] = [];
    const redis = new Redis(redisServer.url, { lazyConnect: true });
    try {
      await redis.connect();
      const host = await startServerProcess<LocalHostInfo>(
        new URL("./local-host-server.js", import.meta.url),
        [
          JSON.stringify({
            REDIS_URL: redisServer.url,
            RATE_LIMIT_PER_MINUTE: "1000000",
            RATE_LIMIT_BURST: "100000",
            LOG_LEVEL: "error",
            PROJECT_CACHE_TTL_SECONDS: "3600",
            ACCESS_TOKEN_TTL_SECONDS: "86400",
            SAP_SIMULATOR_LATENCY_MS: "0",
          }),
        ],
        { name: "local-host", ...(options.profileDir ? { profileDir: options.profileDir } : {}) },
      );
      children.push(host);
      if (host.info.adapters.cache !== "redis")
        throw new Error(`the local host uses the ${host.info.adapters.cache} cache, not Redis`);

      const login = await fetch(`${host.info.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "local-admin-password" }),
      });
      const loginBody = (await login.json()) as { data?: { access_token?: string } };
      const token = loginBody.data?.access_token;
      if (!login.ok || !token) throw new Error(`login failed: ${login.status} ${JSON.stringify(loginBody)}`);
      const auth = { authorization: `Bearer ${token}` };

      // First read: a miss that fills Redis. Its headers are the shape the baseline copies.
      const first = await fetch(host.info.url + PATH, { headers: auth });
      const hostBody = await first.text();
      if (first.status !== 200) throw new Error(`GET ${PATH} answered ${first.status}: ${hostBody}`);
      const cacheKey = await findKey(redis, `*project:${PROJECT_ID}`);
      const cached = await redis.getBuffer(cacheKey);
      if (!cached) throw new Error(`Redis has no ${cacheKey} after the first read`);
      await redis.set(BARE_KEY, cached);
      const headers: Record<string, string> = {};
      first.headers.forEach((value, name) => {
        if (!TRANSPORT_HEADERS.has(name)) headers[name] = value;
      });

      const bare = await startServerProcess<BareServerInfo>(
        new URL("./bare-redis-server.js", import.meta.url),
        [redisServer.url, BARE_KEY, JSON.stringify(headers)],
        {
          name: "bare-server",
          ...(options.profileDir ? { profileDir: options.profileDir } : {}),
        },
      );
      children.push(bare);
      const bareProbe = await fetch(bare.info.url + PATH);
      const bareBody = Buffer.from(await bareProbe.arrayBuffer());
      if (bareProbe.status !== 200 || !bareBody.equals(cached))
        throw new Error(`the baseline does not serve the cached value (${bareProbe.status})`);

      process.stdout.write(
        `project-get: Redis value ${cached.length} B; local host body ${Buffer.byteLength(hostBody)} B; ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s per target, ${options.rounds} round(s)\n`,
      );
      const cacheBefore = await host.call<{ hits: number; misses: number }>("projectCache");
      // Redis commands issued during each measured run, to show what one request costs Redis.
      const redisCalls = new Map<string, Map<string, { calls: number; usec: number }>>();
      // The server process's CPU time per request (all its threads), per measured run.
      const servers = new Map<string, ServerProcess<unknown>>([
        [BARE, bare],
        [HOST, host],
      ]);
      const cpuPerRequest = new Map<string, number[]>();
      // CPU the machine spent on anything but this benchmark (client, both servers, Redis)
      // during the measured runs: other work on the machine skews the figures.
      let foreignMicros = 0;
      let windowMicros = 0;
      const { summary } = await compare(
        [
          { name: BARE, url: bare.info.url + PATH },
          { name: HOST, url: host.info.url + PATH, headers: auth },
        ],
        options,
        {
          log: (line) => process.stdout.write(line + "\n"),
          aroundMeasure: async (target, measure) => {
            const server = servers.get(target.name)!;
            const before = await commandStats(redis);
            const ours = async () =>
              (await host.call<number>("cpuUsage")) +
              (await bare.call<number>("cpuUsage")) +
              ownCpuMicros() +
              (await redisCpuMicros(redis));
            const oursBefore = await ours();
            const machineBefore = machineBusyMicros();
            const started = performance.now();
            const cpuBefore = await server.call<number>("cpuUsage");
            const result = await measure();
            const cpuAfter = await server.call<number>("cpuUsage");
            windowMicros += (performance.now() - started) * 1000 * cpus().length;
            foreignMicros += Math.max(0, machineBusyMicros() - machineBefore - ((await ours()) - oursBefore));
            const after = await commandStats(redis);
            cpuPerRequest.set(target.name, [
              ...(cpuPerRequest.get(target.name) ?? []),
              (cpuAfter - cpuBefore) / Math.max(1, result.ok + result.non2xx),
            ]);
            const totals = redisCalls.get(target.name) ?? new Map<string, { calls: number; usec: number }>();
            for (const [name, a] of after) {
              const b = before.get(name) ?? { calls: 0, usec: 0 };
              const t = totals.get(name) ?? { calls: 0, usec: 0 };
              if (a.calls > b.calls)
                totals.set(name, { calls: t.calls + a.calls - b.calls, usec: t.usec + a.usec - b.usec });
            }
            redisCalls.set(target.name, totals);
            return result;
          },
        },
      );
      const cacheAfter = await host.call<{ hits: number; misses: number }>("projectCache");
      const errorLogs = await host.call<string[]>("errorLogs");

      const b = summary.get(BARE)!;
      const h = summary.get(HOST)!;
      const ratio = h.requestsPerSecond / b.requestsPerSecond;
      const hostRequests = h.ok + h.non2xx;
      const hits = cacheAfter.hits - cacheBefore.hits;
      const misses = cacheAfter.misses - cacheBefore.misses;
      const clean = [b, h].every((r) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0);
      const goals: Goal[] = [
        { label: `local host p99 <= ${GOAL_P99_MS} ms`, met: h.p99 <= GOAL_P99_MS, detail: `${ms(h.p99)} ms` },
        {
          label: `local host req/s >= ${GOAL_RATIO * 100}% of the bare server's`,
          met: ratio >= GOAL_RATIO,
          detail: `${(ratio * 100).toFixed(1)}% (${rps(h)} / ${rps(b)})`,
        },
        {
          label: "valid run: every response 2xx, every measured read a Redis hit",
          met: clean && misses === 0 && hits >= hostRequests,
          detail: `non-2xx ${h.non2xx + b.non2xx}, errors ${h.errors + b.errors}, timeouts ${h.timeouts + b.timeouts}; project cache hits ${hits}, misses ${misses}`,
        },
      ];
      return {
        id: this.id,
        title: this.title,
        table: [
          ["Target", "p50 (ms)", "p99 (ms)", "max (ms)", "req/s", "req/s vs bare", "server CPU µs/req"],
          [...row(b, 1), median(cpuPerRequest.get(BARE) ?? []).toFixed(0)],
          [...row(h, ratio), median(cpuPerRequest.get(HOST) ?? []).toFixed(0)],
        ],
        goals,
        notes: [
          `Redis value ${cached.length} bytes (the cached merged project, copied byte for byte to ${BARE_KEY} for the baseline); response bodies: local host ${Buffer.byteLength(hostBody)} bytes (the envelope around it), bare ${bareBody.length} bytes.`,
          `Redis commands per request (time inside Redis; Redis also counts the commands a Lua script runs): bare ${perRequest(redisCalls.get(BARE), b.ok + b.non2xx)}; local host ${perRequest(redisCalls.get(HOST), h.ok + h.non2xx)}.`,
          `Other processes on the machine used ${((100 * foreignMicros) / Math.max(1, windowMicros)).toFixed(0)}% of its CPU during the measured runs${foreignMicros / Math.max(1, windowMicros) > 0.05 ? " (the figures are skewed: run again on a quiet machine)" : ""}.`,
          `Baseline headers copied from the local host's response: ${Object.keys(headers).join(", ")} (plus a fresh x-correlation-id each).`,
          ...(errorLogs.length > 0
            ? [`Local host error logs during the run (first ${errorLogs.length}): ${errorLogs.join(" | ")}`]
            : []),
        ],
      };
    } finally {
      for (const child of children.reverse()) await child.stop().catch(() => {});
      redis.disconnect();
      await redisServer.stop();
    }
  },
};

/** CPU time redis-server has used (INFO cpu: used_cpu_user + used_cpu_sys), in microseconds. */
async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const read = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, "m").exec(info)?.[1] ?? 0);
  return (read("used_cpu_user") + read("used_cpu_sys")) * 1e6;
}

/** INFO commandstats as name -> calls and total microseconds inside Redis. */
async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const line of (await redis.info("commandstats")).split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) stats.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return stats;
}

function perRequest(calls: Map<string, { calls: number; usec: number }> | undefined, requests: number): string {
  // The INFO calls of the measurement itself are not the target's.
  // Below 0.01 a request it is background work (login throttle, health), not this request.
  const entries = [...(calls ?? new Map<string, { calls: number; usec: number }>())].filter(
    ([name, c]) => name !== "info" && c.calls / requests >= 0.01,
  );
  if (entries.length === 0 || requests === 0) return "none";
  return entries
    .sort((a, b) => b[1].calls - a[1].calls)
    .map(
      ([name, c]) => `${(c.calls / requests).toFixed(2)} ${name.toUpperCase()} (${(c.usec / c.calls).toFixed(1)} µs)`,
    )
    .join(" + ");
}

async function findKey(redis: Redis, pattern: string): Promise<string> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys[0]) return keys[0];
    cursor = next;
  } while (cursor !== "0");
  throw new Error(`no Redis key matches ${pattern}`);
}

const ms = (v: number) => v.toFixed(2);
const rps = (r: LoadResult) => r.requestsPerSecond.toFixed(0);
const row = (r: LoadResult, ratio: number) => [
  r.target,
  ms(r.p50),
  ms(r.p99),
  ms(r.max),
  rps(r),
  `${(ratio * 100).toFixed(1)}%`,
];
