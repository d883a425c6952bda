import { compare, load, median, paced, summarize, type LoadResult, type LoadTarget } from "../lib/load.js";
import { startServerProcess } from "../lib/child.js";
import { machineCpuMicros, ownCpuMicros } from "../lib/system.js";
import type { Benchmark, BenchOptions, BenchReport, Goal } from "../lib/types.js";
import { apiClient } from "../../tests/support/test-host.js";
import type { BareFigures, BudgetCheckHostInfo } from "./budget-check-server.js";

const GOAL_P99_MS = 5;
/** Paced loads as shares of the route's measured capacity; the goal is judged at half. */
const PACED_SHARES = [0.05, 0.25, 0.5] as const;
const JUDGED_SHARE = 0.5;
const RACERS = 200;
const ROOM = 100;
const HEALTH = "health route";
const CHECK = "POST /api/v1/budget/check";
const BARE = "budgets.check() in the host (baseline, no HTTP)";

interface RaceRound {
  readonly created: number;
  readonly refused: number;
  readonly other: number;
  readonly reserved: string;
  readonly available: string;
  readonly listed: number;
  readonly wallMs: number;
}

/**
 * A budget check through HTTP on the local host (auth, validation, customer access, the
 * line and rule reads, the answer): its capacity in closed loops, then its p50/p99 under
 * paced load at shares of that capacity, against the bare domain call the route makes
 * (one caller in the host's own process), in the same run; plus 200 concurrent
 * reservations of 1.00 against a line with room for 100.
 */
export const benchmark: Benchmark = {
  id: "budget-check",
  title: "Budget check through HTTP on the local host vs the bare domain call; 200 reservations vs room for 100",
  async run(options: BenchOptions): Promise<BenchReport> {
    const host = await startServerProcess<BudgetCheckHostInfo>(
      new URL("./budget-check-server.js", import.meta.url),
      [String(options.durationSeconds), String(options.warmupSeconds)],
      { name: "budget-check-host", ...(options.profileDir ? { profileDir: options.profileDir } : {}) },
    );
    const log = (line: string) => process.stdout.write(line + "\n");
    try {
      const { url, token, checkRequest, customerId, raceBudgetIds, bulkLines } = host.info;
      const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const checkTarget = {
        name: CHECK,
        url: `${url}/api/v1/budget/check`,
        method: "POST" as const,
        headers: auth,
        body: JSON.stringify(checkRequest),
      };
      const healthTarget = { name: HEALTH, url: `${url}/api/health` };
      // The health route's capacity, for the table: closed loops as fast as answers come
      // (their latency is then their own queue). The check's is measured in every round below.
      const h = (await compare([healthTarget], options, { log })).summary.get(HEALTH)!;
      type PacedRun = LoadResult & { cpu: { host: number; other: number; steal: number } };
      /** One paced run after its warm-up, with the CPU shares it was taken under. */
      const pacedRun = async (target: LoadTarget, rate: number, label: string): Promise<PacedRun> => {
        if (options.warmupSeconds > 0)
          await paced(target, { ratePerSecond: rate, durationSeconds: options.warmupSeconds });
        // CPU shares of the run: the host's, everything else on the machine (not the runner)
        // and what the hypervisor took, so a figure taken on a busy machine says so. "Other"
        // is not clamped: /proc/stat counts 10 ms ticks, so near zero it can dip below.
        const [host0, machine0, own0, wall0] = [
          await host.call<number>("cpuUsage"),
          machineCpuMicros(),
          ownCpuMicros(),
          performance.now(),
        ];
        const r = await paced(target, { ratePerSecond: rate, durationSeconds: options.durationSeconds });
        const wallMicros = (performance.now() - wall0) * 1000;
        const hostMicros = (await host.call<number>("cpuUsage")) - host0;
        const machine = machineCpuMicros();
        const cpu = {
          host: hostMicros / wallMicros,
          other: (machine.busy - machine0.busy - hostMicros - (ownCpuMicros() - own0)) / wallMicros,
          steal: (machine.steal - machine0.steal) / wallMicros,
        };
        log(
          `  ${label} ${target.name} paced at ${rate}/s: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors${r.errors ? ` ${JSON.stringify(r.errorCodes)}` : ""}); host CPU ${pct(cpu.host)}, other processes ${pct(cpu.other)}, steal ${pct(cpu.steal)} of a core`,
        );
        return { ...r, cpu };
      };
      // Latency: requests on a schedule, at fixed fractions of the capacity measured just
      // before, in the same round: this VM's cores run the same work up to 1.4x slower from
      // one minute to the next, so a capacity taken minutes earlier can put "half" anywhere.
      // The health route paced at the judged rate is the floor: HTTP and the machine alone.
      const closedRuns: LoadResult[] = [];
      const pacedRuns = PACED_SHARES.map(() => [] as (PacedRun & { rate: number })[]);
      const healthRuns: PacedRun[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const label = `round ${round + 1}/${options.rounds}`;
        if (options.warmupSeconds > 0)
          await load(checkTarget, { connections: options.connections, durationSeconds: options.warmupSeconds });
        const closed = await load(checkTarget, {
          connections: options.connections,
          durationSeconds: options.durationSeconds,
        });
        closedRuns.push(closed);
        log(
          `  ${label} ${CHECK} capacity (closed loop): ${closed.requestsPerSecond.toFixed(0)}/s, p50 ${closed.p50.toFixed(2)} ms, p99 ${closed.p99.toFixed(2)} ms (${closed.ok} ok, ${closed.non2xx} non-2xx, ${closed.errors} errors)`,
        );
        for (const [i, share] of PACED_SHARES.entries()) {
          const rate = Math.max(1, Math.round(closed.requestsPerSecond * share));
          pacedRuns[i]!.push({ ...(await pacedRun(checkTarget, rate, label)), rate });
          if (share === JUDGED_SHARE) healthRuns.push(await pacedRun(healthTarget, rate, label));
        }
      }
      const c = summarize(closedRuns);
      const capacity = c.requestsPerSecond;
      const pacedFigures = pacedRuns.map((runs, i) => ({
        ...summarize(runs),
        rate: Math.round(median(runs.map((r) => r.rate))),
        share: PACED_SHARES[i]!,
        hostCpu: median(runs.map((r) => r.cpu.host)),
        otherCpu: median(runs.map((r) => r.cpu.other)),
        stealCpu: median(runs.map((r) => r.cpu.steal)),
      }));
      const healthPaced = { ...summarize(healthRuns), hostCpu: median(healthRuns.map((r) => r.cpu.host)) };
      const judged = pacedFigures.find((f) => f.share === JUDGED_SHARE)!;
      const bareRuns: BareFigures[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const b = await host.call<BareFigures>("bare");
        log(`  round ${round + 1}/${options.rounds} ${BARE}: p50 ${b.p50.toFixed(3)} ms, p99 ${b.p99.toFixed(3)} ms`);
        bareRuns.push(b);
      }
      const bare = {
        p50: median(bareRuns.map((b) => b.p50)),
        p99: median(bareRuns.map((b) => b.p99)),
        max: Math.max(...bareRuns.map((b) => b.max)),
        perSecond: median(bareRuns.map((b) => b.callsPerSecond)),
      };

      const call = apiClient(url);
      const races: RaceRound[] = [];
      for (const [r, budgetId] of raceBudgetIds.entries()) {
        const started = performance.now();
        const answers = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            call("POST", "/api/v1/budget/reservations", {
              token,
              headers: { "idempotency-key": `bench-race-${r}-${i}` },
              body: { customerId, budgetId, amount: "1.00", reference: `PR-${r}-${i}` },
            }),
          ),
        );
        const wallMs = performance.now() - started;
        const balance = (await call("GET", `/api/v1/budgets/${budgetId}/balance`, { token })).body.data;
        const race: RaceRound = {
          created: answers.filter((a) => a.status === 201).length,
          refused: answers.filter((a) => a.status === 409).length,
          other: answers.filter((a) => a.status !== 201 && a.status !== 409).length,
          reserved: balance.reserved,
          available: balance.available,
          listed: balance.reservations.reserved.length,
          wallMs,
        };
        log(`  race ${r + 1}/${raceBudgetIds.length}: ${JSON.stringify(race)}`);
        races.push(race);
      }

      const errorLogs = await host.call<string[]>("errorLogs");
      const ms = (v: number) => v.toFixed(2);
      const exact = races.every(
        (r) =>
          r.created === ROOM &&
          r.refused === RACERS - ROOM &&
          r.other === 0 &&
          r.reserved === "100.00" &&
          r.available === "0.00" &&
          r.listed === ROOM,
      );
      const goals: Goal[] = [
        {
          label: `budget check p99 <= ${GOAL_P99_MS} ms at half the route's capacity`,
          met: judged.p99 <= GOAL_P99_MS,
          detail: `${ms(judged.p99)} ms at ${judged.rate} checks/s (capacity ${capacity.toFixed(0)}/s, rounds ${closedRuns.map((r) => r.requestsPerSecond.toFixed(0)).join(" / ")}; the health route at the same rate ${ms(healthPaced.p99)} ms; bare domain call p99 ${bare.p99.toFixed(3)} ms; target <= ${GOAL_P99_MS} ms)`,
        },
        {
          label: `${RACERS} concurrent reservations vs room for ${ROOM}: exactly ${ROOM} succeed, never overdrawn`,
          met: exact,
          detail: races
            .map(
              (r) =>
                `${r.created} created / ${r.refused} refused / ${r.other} other, reserved ${r.reserved}, available ${r.available}`,
            )
            .join("; "),
        },
        {
          label: "valid run: every response 2xx",
          met: [c, h, healthPaced, ...pacedFigures].every((r) => r.non2xx + r.errors === 0) && c.ok > 0,
          detail: `${c.ok + pacedFigures.reduce((a, f) => a + f.ok, 0)} checks ok; failed: closed loop ${c.non2xx + c.errors}, health ${h.non2xx + h.errors}, paced ${pacedFigures.map((f) => f.non2xx + f.errors).join("/")}, health paced ${healthPaced.non2xx + healthPaced.errors}`,
        },
      ];
      return {
        id: this.id,
        title: this.title,
        table: [
          ["Target", "p50 (ms)", "p99 (ms)", "max (ms)", "req/s", "p99 vs bare"],
          [BARE, bare.p50.toFixed(3), bare.p99.toFixed(3), ms(bare.max), bare.perSecond.toFixed(0), "1.00x"],
          ...[h, c].map((r) => [
            `${r.target}, closed loop (capacity)`,
            ms(r.p50),
            ms(r.p99),
            ms(r.max),
            r.requestsPerSecond.toFixed(0),
            `${(r.p99 / bare.p99).toFixed(2)}x`,
          ]),
          ...pacedFigures.map((f) => [
            `${CHECK}, paced at ${f.share * 100}% of capacity`,
            ms(f.p50),
            ms(f.p99),
            ms(f.max),
            String(f.rate),
            `${(f.p99 / bare.p99).toFixed(2)}x`,
          ]),
          [
            `${HEALTH}, paced at the judged rate (the floor)`,
            ms(healthPaced.p50),
            ms(healthPaced.p99),
            ms(healthPaced.max),
            String(judged.rate),
            `${(healthPaced.p99 / bare.p99).toFixed(2)}x`,
          ],
          ...races.map((r, i) => [
            `race ${i + 1}: ${RACERS} reservations, room ${ROOM}`,
            `${r.created} ok`,
            `${r.refused} refused`,
            `${r.other} other`,
            `${ms(r.wallMs)} ms wall`,
            `reserved ${r.reserved}, available ${r.available}`,
          ]),
        ],
        goals,
        notes: [
          `capacity: ${options.connections} connections in closed loops (autocannon from the runner's process), each sending as soon as its answer came; past saturation their latency is their own queue (connections / throughput), so it is reported, not judged`,
          `paced: requests started on a fixed schedule at ${PACED_SHARES.map((x) => `${x * 100}%`).join(", ")} of the check's capacity measured again at the start of each round (open loop, from the runner's process); the goal is judged at ${JUDGED_SHARE * 100}%, the median over rounds; the health route paced at the judged rate is the floor of HTTP and the machine (host CPU ${pct(healthPaced.hostCpu)} there)`,
          `CPU during the paced runs (medians, share of one core): host ${pacedFigures.map((f) => `${pct(f.hostCpu)} at ${f.share * 100}%`).join(", ")}; other processes on the machine (not the runner; /proc/stat ticks, so it can dip below 0) ${pacedFigures.map((f) => pct(f.otherCpu)).join(", ")}; steal (the hypervisor's) ${pacedFigures.map((f) => pct(f.stealCpu)).join(", ")}`,
          `bare: one caller in a loop in the host's process (the domain's own latency, no HTTP, no queue); ${options.durationSeconds} s measured per target and round after ${options.warmupSeconds} s warm-up, ${options.rounds} round(s), medians`,
          `seed: 5 customers × 20 budget lines, and ${bulkLines.toLocaleString("en")} more lines under the checked customer, written through the domain (no import); the checked line has no rule of its own, so the settings' defaults decide`,
          `races: ${RACERS} POST /api/v1/budget/reservations of 1.00 at once (distinct idempotency keys) against a 100.00 line, then its explained balance; the same correctness is a normal test in tests/integration/budgets/budget-check.test.ts`,
          ...(errorLogs.length > 0 ? [`error logs of the host: ${errorLogs.join(" | ")}`] : []),
        ],
      };
    } finally {
      await host.stop();
    }
  },
};

const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
