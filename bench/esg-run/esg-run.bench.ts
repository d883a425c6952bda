import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { simulatedAccountId } from "../../local/simulators/esg-partners.js";
import { QUEUES } from "../../shared/index.js";
import { apiClient, freePort } from "../../tests/support/test-host.js";
import { startGroupProcess, startServerProcess, type ServerProcess } from "../lib/child.js";
import { machineBusyMicros, ownCpuMicros } from "../lib/system.js";
import type { Benchmark, BenchOptions, BenchReport, Goal } from "../lib/types.js";
import type { HostInfo, HostLogs } from "./host-child.js";
import { pacedRatings, type PacedResult } from "./paced-client.js";
import type { SimulatorArgs, SimulatorCalls, SimulatorInfo } from "./simulator-child.js";

/** The issue: 100,000 accounts, a partner limit of 2,000 requests/s, 20 ms latency. */
const ACCOUNTS = 100_000;
const RATE = 2_000;
const LATENCY_MS = 20;
const FLOOR_SECONDS = ACCOUNTS / RATE;
const GOAL_RATIO = 1.25;
/** Bounded memory: the host's RSS in the second half of the run at most this much above the first half's. */
const GOAL_RSS_GROWTH = 1.1;
/** Peak RSS budget of the host process (the same figure the backup benchmark holds itself to). */
const GOAL_PEAK_MB = 300;
/** The kill-and-resume run uses fewer accounts: the resume waits out a 300 s message lock anyway. */
const KILL_ACCOUNTS = 20_000;
const ADMIN_PASSWORD = "Bench-admin-password-1";
/** Baseline client's cap on requests in flight (2,000/s x 20 ms needs ~40). */
const BASELINE_MAX_IN_FLIGHT = 256;
/** Platform knobs: 4 batch messages at once (host.json) x 64 calls each, batches of 250. */
const PLATFORM = {
  ESG_API_RATE_LIMIT_PER_SECOND: String(RATE),
  ESG_API_CONCURRENCY: "64",
  ESG_BATCH_SIZE: "250",
  ESG_ACCOUNTS_PAGE_SIZE: "1000",
};

type Call = ReturnType<typeof apiClient>;
interface RunView {
  runId: string;
  status: string;
  counts: { total: number; successful: number; failed: number; partial: number; pending: number; reused: number };
  listComplete: boolean;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  error: string | null;
}
const FINAL = ["COMPLETED", "TIMED_OUT", "FAILED"];
/** Status polls of the measured run, every 5 s. */
const POLL_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]) =>
  xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => bytes / 1_048_576;
const done = (run: RunView) => run.counts.total - run.counts.pending;

/** A field of /proc/<pid>/status in bytes (VmRSS now, VmHWM the kernel's peak so far). */
function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${field}:`));
    return Number(line?.replace(/\D+/g, "") ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The pids of `pid`'s direct children (the host's Azurite). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU time (user + system) of another process so far, in microseconds (clock ticks of 10 ms). */
function procCpuMicros(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /, "")
      .split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function hostEnv(dataDir: string, sim: SimulatorInfo, apiKey: string, extraEnv: Record<string, string> = {}): string {
  return JSON.stringify({
    PATH: process.env.PATH ?? "",
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    LOCAL_ADMIN_USERNAME: "admin",
    LOCAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SAP_HEALTH_PROBE_INTERVAL_SECONDS: "300",
    // The bench polls the run's status; the per-user API rate limit must not refuse it.
    RATE_LIMIT_PER_MINUTE: "1000000",
    RATE_LIMIT_BURST: "1000",
    ESG_ACCOUNTS_API_URL: sim.accountsUrl,
    ESG_RATINGS_API_URL: sim.ratingsUrl,
    ESG_ACCOUNTS_API_KEY: apiKey,
    ESG_RATINGS_API_KEY: apiKey,
    ...PLATFORM,
    ...extraEnv,
  });
}

const simulatorArgs = (accounts: number, apiKey: string) =>
  JSON.stringify({ accounts, ratePerSecond: RATE, latencyMs: LATENCY_MS, apiKey } satisfies SimulatorArgs);

async function startSimulator(accounts: number, apiKey: string, name: string): Promise<ServerProcess<SimulatorInfo>> {
  return startServerProcess<SimulatorInfo>(
    new URL("./simulator-child.js", import.meta.url),
    [simulatorArgs(accounts, apiKey)],
    { name },
  );
}

async function login(call: Call): Promise<string> {
  const answer = await call("POST", "/api/v1/auth/login", { body: { username: "admin", password: ADMIN_PASSWORD } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.data.access_token as string;
}

async function startRun(call: Call, token: string): Promise<RunView> {
  const answer = await call("POST", "/api/v1/esg/runs", { token, body: {} });
  if (answer.status !== 202)
    throw new Error(`starting the run failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.data as RunView;
}

async function getRun(call: Call, token: string, runId: string): Promise<RunView> {
  const answer = await call("GET", `/api/v1/esg/runs/${runId}`, { token });
  if (answer.status !== 200) throw new Error(`reading the run failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.data as RunView;
}

interface FileCheck {
  readonly rows: number;
  readonly uniqueIds: number;
  readonly duplicateRows: number;
  readonly missing: number;
  readonly unexpected: number;
  readonly statuses: Record<string, number>;
  readonly bytes: number;
}

/** Downloads the run's decrypted CSV and checks every expected account is in it exactly once. */
async function checkFile(url: string, token: string, runId: string, accounts: number): Promise<FileCheck> {
  const response = await fetch(`${url}/api/v1/esg/runs/${runId}/file`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`file download failed: ${response.status} ${await response.text()}`);
  const decoder = new TextDecoder();
  const seen = new Map<string, number>();
  const statuses: Record<string, number> = {};
  let rest = "";
  let header = true;
  let rows = 0;
  let bytes = 0;
  const line = (text: string) => {
    if (header) {
      header = false;
      if (!text.startsWith("Account ID,")) throw new Error(`unexpected header: ${text.slice(0, 100)}`);
      return;
    }
    if (text === "") return;
    rows++;
    const id = text.startsWith('"') ? text.slice(1, text.indexOf('"', 1)) : text.slice(0, text.indexOf(","));
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const status = text.slice(text.lastIndexOf(",") + 1);
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    const parts = (rest + decoder.decode(chunk, { stream: true })).split("\r\n");
    rest = parts.pop()!;
    parts.forEach(line);
  }
  line(rest + decoder.decode());
  let missing = 0;
  for (let i = 1; i <= accounts; i++) if (!seen.has(simulatedAccountId(i))) missing++;
  let unexpected = 0;
  for (const id of seen.keys())
    if (!/^ACC-\d{7}$/.test(id) || Number(id.slice(4)) > accounts || Number(id.slice(4)) < 1) unexpected++;
  return { rows, uniqueIds: seen.size, duplicateRows: rows - seen.size, missing, unexpected, statuses, bytes };
}

const fileOk = (f: FileCheck, accounts: number) =>
  f.rows === accounts && f.uniqueIds === accounts && f.missing === 0 && f.unexpected === 0;
const fileText = (f: FileCheck) => `${f.rows.toLocaleString("en-US")} / ${f.uniqueIds.toLocaleString("en-US")}`;

// ------------------------------------------------------------------ the measured full run

interface PlatformFigures {
  readonly postToCompletedSeconds: number;
  readonly startedToCompletedSeconds: number;
  readonly observedSeconds: number;
  readonly status: string;
  readonly run: RunView;
  readonly calls: SimulatorCalls;
  readonly file: FileCheck;
  readonly peakRssMb: number;
  readonly rssBeforeMb: number;
  /** Highest sampled RSS while 0-50% and 50-100% of the accounts were done. */
  readonly rssFirstHalfMb: number;
  readonly rssSecondHalfMb: number;
  /** CPU the whole machine used during the run, and how much of it was this benchmark's processes (host, its Azurite, simulator, runner). */
  readonly machineCpuSeconds: number;
  readonly ownProcessesCpuSeconds: number;
  readonly azuriteCpuSeconds: number;
  /** How long each status poll (GET /api/v1/esg/runs/{id}) took. */
  readonly pollMs: readonly number[];
  readonly azuritePeakMb: number;
  readonly hostCpuSeconds: number;
  readonly simulatorCpuSeconds: number;
  readonly heapUsedMb: number;
  readonly logs: HostLogs;
  readonly progress: readonly { readonly t: number; readonly done: number; readonly rssMb: number }[];
}

/** The measured full run (exported, like `killAndResume`, so one part can be run on its own from a scratch script). */
export async function platformRun(
  options: BenchOptions,
  apiKey: string,
  extraEnv: Record<string, string> = {},
): Promise<PlatformFigures> {
  const sim = await startSimulator(ACCOUNTS, apiKey, "esg-simulator-platform");
  const dataDir = mkdtempSync(join(tmpdir(), "fip-bench-esg-"));
  try {
    const host = await startServerProcess<HostInfo>(
      new URL("./host-child.js", import.meta.url),
      [
        hostEnv(dataDir, sim.info, apiKey, extraEnv),
        JSON.stringify({ blobPort: await freePort(), location: join(dataDir, "azurite") }),
      ],
      {
        name: "esg-host",
        timeoutMs: 120_000,
        ...(options.profileDir ? { profileDir: options.profileDir } : {}),
      },
    );
    try {
      const call = apiClient(host.info.url);
      const token = await login(call);
      const azuritePid = childPids(host.pid)[0];
      const rssBefore = procStatus(host.pid, "VmRSS");
      const [hostCpu0, simCpu0] = await Promise.all([host.call<number>("cpuUsage"), sim.call<number>("cpuUsage")]);
      const progress: { t: number; done: number; rssMb: number }[] = [];
      const rssSamples: { t: number; rssMb: number }[] = [];
      const pollMs: number[] = [];
      const busy0 = machineBusyMicros();
      const own0 = ownCpuMicros();
      const azurite0 = azuritePid ? procCpuMicros(azuritePid) : 0;
      const posted = performance.now();
      // RSS of the host every 100 ms (the kernel's VmHWM gives the true peak at the end).
      const sampler = setInterval(
        () => rssSamples.push({ t: (performance.now() - posted) / 1000, rssMb: mb(procStatus(host.pid, "VmRSS")) }),
        100,
      );
      let run = await startRun(call, token);
      try {
        // Each poll costs the host a GROUP BY over all the run's rows (tens of ms at 100,000,
        // on its event loop): every 5 s, and the wall time comes from the run's own
        // timestamps (createdAt, startedAt, completedAt), not from the polling.
        while (!FINAL.includes(run.status)) {
          await sleep(POLL_MS);
          const asked = performance.now();
          run = await getRun(call, token, run.runId);
          pollMs.push(performance.now() - asked);
          progress.push({
            t: (performance.now() - posted) / 1000,
            done: done(run),
            rssMb: mb(procStatus(host.pid, "VmRSS")),
          });
          if ((performance.now() - posted) / 1000 > FLOOR_SECONDS * 10)
            throw new Error(`the run did not finish within ${FLOOR_SECONDS * 10} s: ${JSON.stringify(run)}`);
        }
      } finally {
        clearInterval(sampler);
      }
      const busy1 = machineBusyMicros();
      const own1 = ownCpuMicros();
      const azurite1 = azuritePid ? procCpuMicros(azuritePid) : 0;
      const observedSeconds = (performance.now() - posted) / 1000;
      const [hostCpu1, simCpu1] = await Promise.all([host.call<number>("cpuUsage"), sim.call<number>("cpuUsage")]);
      const ours = hostCpu1 - hostCpu0 + (simCpu1 - simCpu0) + (own1 - own0) + (azurite1 - azurite0);
      const half = (Date.parse(run.completedAt ?? run.createdAt) - Date.parse(run.createdAt)) / 2000;
      const maxRss = (from: number, to: number) =>
        Math.max(0, ...rssSamples.filter((x) => x.t >= from && x.t < to).map((x) => x.rssMb));
      const peakRssMb = mb(procStatus(host.pid, "VmHWM"));
      const azuritePeakMb = azuritePid ? mb(procStatus(azuritePid, "VmHWM")) : 0;
      const memory = await host.call<NodeJS.MemoryUsage>("memory");
      const file =
        run.status === "COMPLETED"
          ? await checkFile(host.info.url, token, run.runId, ACCOUNTS)
          : { rows: 0, uniqueIds: 0, duplicateRows: 0, missing: ACCOUNTS, unexpected: 0, statuses: {}, bytes: 0 };
      const calls = await sim.call<SimulatorCalls>("calls");
      const logs = await host.call<HostLogs>("logs");
      const created = Date.parse(run.createdAt);
      const completed = Date.parse(run.completedAt ?? new Date().toISOString());
      return {
        postToCompletedSeconds: (completed - created) / 1000,
        startedToCompletedSeconds: (completed - Date.parse(run.startedAt ?? run.createdAt)) / 1000,
        observedSeconds,
        status: run.status,
        run,
        calls,
        file,
        peakRssMb,
        rssBeforeMb: mb(rssBefore),
        rssFirstHalfMb: maxRss(0, half),
        rssSecondHalfMb: maxRss(half, Infinity),
        machineCpuSeconds: (busy1 - busy0) / 1e6,
        ownProcessesCpuSeconds: ours / 1e6,
        azuriteCpuSeconds: (azurite1 - azurite0) / 1e6,
        pollMs,
        azuritePeakMb,
        hostCpuSeconds: (hostCpu1 - hostCpu0) / 1e6,
        simulatorCpuSeconds: (simCpu1 - simCpu0) / 1e6,
        heapUsedMb: mb(memory.heapUsed),
        logs,
        progress,
      };
    } finally {
      await host.stop();
    }
  } finally {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ kill at half, restart

interface KillFigures {
  readonly status: string;
  readonly file: FileCheck;
  readonly killedAtDone: number;
  readonly killedAfterSeconds: number;
  /** Results committed in SQLite when the process died (read from the file after the kill). */
  readonly persistedAtKill: number;
  /** Accounts the partner had been asked for by then, and its 429s so far. */
  readonly calledAtKill: number;
  readonly throttledAtKill: number;
  readonly lockedMessages: number;
  readonly lockedPendingAccounts: number;
  readonly activeMessages: number;
  /** Seconds from the kill until the last lock taken before it expires. */
  readonly lockExpiresAfterKillSeconds: number;
  readonly groupGone: boolean;
  readonly restartReadySeconds: number;
  /** From the restarted host being ready until the first new result, until the result count resumed after its stall, and until COMPLETED. */
  readonly firstProgressSeconds: number;
  readonly longestStallSeconds: number;
  readonly stalledAtDone: number;
  readonly resumeToCompletedSeconds: number;
  readonly postToCompletedSeconds: number;
  readonly calls: SimulatorCalls;
  readonly peakRssMb: number;
}

export async function killAndResume(options: BenchOptions, apiKey: string): Promise<KillFigures> {
  const sim = await startSimulator(KILL_ACCOUNTS, apiKey, "esg-simulator-kill");
  const dataDir = mkdtempSync(join(tmpdir(), "fip-bench-esg-kill-"));
  const blobPort = await freePort();
  const args = [hostEnv(dataDir, sim.info, apiKey), JSON.stringify({ blobPort, location: join(dataDir, "azurite") })];
  const script = new URL("./host-child.js", import.meta.url);
  try {
    const first = await startGroupProcess<HostInfo>(script, args, { name: "esg-host-killed", timeoutMs: 120_000 });
    let runId: string;
    let killedAtDone = 0;
    let killedAfterSeconds = 0;
    const posted = performance.now();
    try {
      const call = apiClient(first.info.url);
      const token = await login(call);
      let run = await startRun(call, token);
      runId = run.runId;
      while (done(run) < KILL_ACCOUNTS / 2) {
        if (FINAL.includes(run.status)) throw new Error(`the run finished before the kill: ${JSON.stringify(run)}`);
        await sleep(100);
        run = await getRun(call, token, runId);
      }
      killedAtDone = done(run);
      killedAfterSeconds = (performance.now() - posted) / 1000;
      await first.killGroup("SIGKILL");
    } catch (error) {
      await first.killGroup("SIGKILL");
      throw error;
    }
    const killedAt = Date.now();
    const groupGone = !first.groupAlive();
    for (let i = 0; i < 100 && (await portOpen(blobPort)); i++) await sleep(100);
    const callsAtKill = await sim.call<SimulatorCalls>("calls");

    // What the dead process left in its SQLite file: committed results, locked queue messages.
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(join(dataDir, "platform.sqlite"), { fileMustExist: true });
    let persistedAtKill: number;
    let locked: { batchNo: number | undefined; lockedUntil: number }[];
    let activeMessages: number;
    let lockedPendingAccounts = 0;
    try {
      persistedAtKill = (
        db
          .prepare("SELECT count(*) AS n FROM esg_run_accounts WHERE run_id = ? AND status <> 'PENDING'")
          .get(runId) as { n: number }
      ).n;
      const active = db
        .prepare("SELECT body, locked_until FROM local_queue_messages WHERE queue = 'esg-batches' AND state = 'active'")
        .all() as { body: string; locked_until: number | null }[];
      activeMessages = active.length;
      locked = active
        .filter((m) => m.locked_until !== null && m.locked_until > killedAt)
        .map((m) => ({ batchNo: (JSON.parse(m.body) as { batchNo?: number }).batchNo, lockedUntil: m.locked_until! }));
      for (const { batchNo } of locked) {
        if (batchNo === undefined) continue;
        lockedPendingAccounts += (
          db
            .prepare(
              "SELECT count(*) AS n FROM esg_run_accounts WHERE run_id = ? AND batch_no = ? AND status = 'PENDING'",
            )
            .get(runId, batchNo) as { n: number }
        ).n;
      }
    } finally {
      db.close();
    }

    const restarted = performance.now();
    const second = await startGroupProcess<HostInfo>(script, args, {
      name: "esg-host-restarted",
      timeoutMs: 120_000,
      ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    });
    try {
      const ready = performance.now();
      const call = apiClient(second.info.url);
      const token = await login(call);
      let run = await getRun(call, token, runId);
      const startDone = done(run);
      let firstProgress: number | undefined;
      let lastChange = ready;
      let lastCount = startDone;
      let longestStall = 0;
      let stalledAtDone = startDone;
      while (!FINAL.includes(run.status)) {
        await sleep(500);
        run = await getRun(call, token, runId);
        const now = performance.now();
        if (done(run) !== lastCount) {
          firstProgress ??= (now - ready) / 1000;
          if ((now - lastChange) / 1000 > longestStall) {
            longestStall = (now - lastChange) / 1000;
            stalledAtDone = lastCount;
          }
          lastChange = now;
          lastCount = done(run);
        }
        if ((now - ready) / 1000 > 900)
          throw new Error(`the resumed run did not finish within 900 s: ${JSON.stringify(run)}`);
      }
      const completed = performance.now();
      const file =
        run.status === "COMPLETED"
          ? await checkFile(second.info.url, token, runId, KILL_ACCOUNTS)
          : { rows: 0, uniqueIds: 0, duplicateRows: 0, missing: KILL_ACCOUNTS, unexpected: 0, statuses: {}, bytes: 0 };
      const calls = await sim.call<SimulatorCalls>("calls");
      const peakRssMb = mb(procStatus(second.pid, "VmHWM"));
      return {
        status: run.status,
        file,
        killedAtDone,
        killedAfterSeconds,
        persistedAtKill,
        calledAtKill: callsAtKill.accountsCalled,
        throttledAtKill: callsAtKill.throttled,
        lockedMessages: locked.length,
        lockedPendingAccounts,
        activeMessages,
        lockExpiresAfterKillSeconds:
          locked.length > 0 ? (Math.max(...locked.map((l) => l.lockedUntil)) - killedAt) / 1000 : 0,
        groupGone,
        restartReadySeconds: (ready - restarted) / 1000,
        firstProgressSeconds: firstProgress ?? 0,
        longestStallSeconds: longestStall,
        stalledAtDone,
        resumeToCompletedSeconds: (completed - ready) / 1000,
        postToCompletedSeconds: (Date.parse(run.completedAt!) - Date.parse(run.createdAt)) / 1000,
        calls,
        peakRssMb,
      };
    } finally {
      await second.stop();
    }
  } finally {
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ the benchmark

/**
 * The daily ESG run over 100,000 simulated accounts against a partner limited to 2,000
 * requests/s with 20 ms latency: wall time against the rate-limit floor (50 s) and against a
 * bare paced client measured in the same run, 429s, peak RSS of the host, the file checked
 * row by row; then a run whose process group is SIGKILLed at about half and restarted on the
 * same data, finishing with every account exactly once.
 */
export const benchmark: Benchmark = {
  id: "esg-run",
  title: "Daily ESG run: 100,000 accounts at a 2,000 requests/s partner limit, and a kill-and-resume run",
  async run(options: BenchOptions): Promise<BenchReport> {
    const apiKey = randomBytes(24).toString("base64url");
    const benchStarted = performance.now();

    // 1. Baseline: a bare paced fetch loop against the same simulator, no platform.
    const baselineSim = await startSimulator(ACCOUNTS, apiKey, "esg-simulator-baseline");
    let baseline: PacedResult;
    let baselineCalls: SimulatorCalls;
    let baselineCpu: { machine: number; ours: number };
    try {
      const [busy0, own0, sim0] = [machineBusyMicros(), ownCpuMicros(), await baselineSim.call<number>("cpuUsage")];
      baseline = await pacedRatings({
        ratingsUrl: baselineSim.info.ratingsUrl,
        apiKey,
        accounts: ACCOUNTS,
        ratePerSecond: RATE,
        maxInFlight: BASELINE_MAX_IN_FLIGHT,
      });
      const [busy1, own1, sim1] = [machineBusyMicros(), ownCpuMicros(), await baselineSim.call<number>("cpuUsage")];
      baselineCpu = { machine: (busy1 - busy0) / 1e6, ours: (own1 - own0 + (sim1 - sim0)) / 1e6 };
      baselineCalls = await baselineSim.call<SimulatorCalls>("calls");
    } finally {
      await baselineSim.stop();
    }
    process.stdout.write(`  baseline: ${baseline.seconds.toFixed(2)} s, ${baseline.throttled} x 429\n`);

    // 2. The platform's full run.
    const p = await platformRun(options, apiKey);
    process.stdout.write(
      `  platform: ${p.postToCompletedSeconds.toFixed(2)} s POST -> ${p.status}, ${p.calls.throttled} x 429, peak RSS ${p.peakRssMb.toFixed(0)} MB\n`,
    );

    // 3. Kill at half, restart, finish.
    const k = await killAndResume(options, apiKey);
    process.stdout.write(
      `  kill-and-resume: ${k.status}, resumed run took ${k.resumeToCompletedSeconds.toFixed(1)} s after the restart\n`,
    );

    const ratio = p.postToCompletedSeconds / FLOOR_SECONDS;
    const inFlightAtKill = k.calledAtKill - k.persistedAtKill;
    const recalls = k.calls.extraCalls - k.calls.throttled;
    const growth = p.rssSecondHalfMb / p.rssFirstHalfMb;
    const goals: Goal[] = [
      {
        label: `platform run wall time (POST -> COMPLETED) <= ${GOAL_RATIO}x the rate-limit floor (${FLOOR_SECONDS} s)`,
        met: p.status === "COMPLETED" && ratio <= GOAL_RATIO,
        detail: `${p.postToCompletedSeconds.toFixed(1)} s = ${ratio.toFixed(3)}x (target <= ${GOAL_RATIO}x = ${(FLOOR_SECONDS * GOAL_RATIO).toFixed(1)} s; the bare paced client took ${baseline.seconds.toFixed(1)} s = ${(baseline.seconds / FLOOR_SECONDS).toFixed(3)}x)`,
      },
      {
        label: `bounded memory: the host's RSS stops growing (max in the run's second half <= ${GOAL_RSS_GROWTH}x max in its first half)`,
        met: growth <= GOAL_RSS_GROWTH,
        detail: `${growth.toFixed(2)}x (${p.rssFirstHalfMb.toFixed(0)} MB, then ${p.rssSecondHalfMb.toFixed(0)} MB; target <= ${GOAL_RSS_GROWTH}x)`,
      },
      {
        label: `host peak RSS over the 100,000-account run < ${GOAL_PEAK_MB} MB (the backup benchmark's budget)`,
        met: p.peakRssMb < GOAL_PEAK_MB,
        detail: `${p.peakRssMb.toFixed(0)} MB VmHWM (target < ${GOAL_PEAK_MB} MB; ${p.rssBeforeMb.toFixed(0)} MB before the run)`,
      },
      {
        label: "the 100,000-account file has every account exactly once",
        met: p.status === "COMPLETED" && fileOk(p.file, ACCOUNTS),
        detail: `${p.status}; ${p.file.rows} rows, ${p.file.uniqueIds} unique ids, ${p.file.missing} missing, ${p.file.duplicateRows} duplicate rows`,
      },
      {
        label: `kill at ~50% and restart: the file has every account exactly once (${KILL_ACCOUNTS.toLocaleString("en-US")} accounts)`,
        met: k.status === "COMPLETED" && fileOk(k.file, KILL_ACCOUNTS),
        detail: `${k.status}; ${k.file.rows} rows, ${k.file.uniqueIds} unique ids, ${k.file.missing} missing, ${k.file.duplicateRows} duplicate rows`,
      },
      {
        label: "kill at ~50% and restart: accounts called again <= accounts in flight at the kill",
        met: recalls <= inFlightAtKill,
        detail: `${recalls} extra call(s) after the restart; ${inFlightAtKill} accounts had been called but not recorded when the process died (${k.calls.ratingRequests} rating requests for ${KILL_ACCOUNTS} accounts, ${k.calls.throttled} answered 429)`,
      },
    ];
    const s = (n: number) => `${n.toFixed(1)} s`;
    const rss = (n: number) => `${n.toFixed(0)} MB`;
    return {
      id: this.id,
      title: this.title,
      table: [
        [
          "run",
          "accounts",
          "wall time",
          "vs floor",
          "rating requests",
          "429s",
          "peak RSS (host)",
          "file rows / unique ids",
        ],
        [
          `rate-limit floor (${ACCOUNTS.toLocaleString("en-US")} / ${RATE.toLocaleString("en-US")} req/s)`,
          String(ACCOUNTS),
          s(FLOOR_SECONDS),
          "1.000x",
          "",
          "",
          "",
          "",
        ],
        [
          "baseline: bare paced fetch loop, no platform",
          String(ACCOUNTS),
          s(baseline.seconds),
          `${(baseline.seconds / FLOOR_SECONDS).toFixed(3)}x`,
          String(baselineCalls.ratingRequests),
          String(baselineCalls.throttled),
          "",
          "",
        ],
        [
          "platform: POST -> COMPLETED (file written)",
          String(ACCOUNTS),
          s(p.postToCompletedSeconds),
          `${ratio.toFixed(3)}x`,
          String(p.calls.ratingRequests),
          String(p.calls.throttled),
          rss(p.peakRssMb),
          fileText(p.file),
        ],
        [
          "platform: startedAt -> completedAt",
          String(ACCOUNTS),
          s(p.startedToCompletedSeconds),
          `${(p.startedToCompletedSeconds / FLOOR_SECONDS).toFixed(3)}x`,
          "",
          "",
          "",
          "",
        ],
        [
          `kill (SIGKILL, host + Azurite) at ${((k.killedAtDone * 100) / KILL_ACCOUNTS).toFixed(0)}%, restart: POST -> COMPLETED`,
          String(KILL_ACCOUNTS),
          s(k.postToCompletedSeconds),
          `${(k.postToCompletedSeconds / (KILL_ACCOUNTS / RATE)).toFixed(2)}x of ${s(KILL_ACCOUNTS / RATE)}`,
          String(k.calls.ratingRequests),
          String(k.calls.throttled),
          `${rss(k.peakRssMb)} (restarted)`,
          fileText(k.file),
        ],
      ],
      goals,
      notes: [
        `settings: simulator (its own child process, as a remote partner) ${RATE} req/s token bucket (burst ${RATE / 10}), ${LATENCY_MS} ms latency, error/transient/malformed/page-error rates 0, partial 0.02, no duplicates; platform ESG_API_RATE_LIMIT_PER_SECOND=${PLATFORM.ESG_API_RATE_LIMIT_PER_SECOND}, ESG_API_CONCURRENCY=${PLATFORM.ESG_API_CONCURRENCY} (x 4 batch messages at once, host.json), ESG_BATCH_SIZE=${PLATFORM.ESG_BATCH_SIZE}, ESG_ACCOUNTS_PAGE_SIZE=${PLATFORM.ESG_ACCOUNTS_PAGE_SIZE}, api-key auth, LOG_LEVEL=warn, timers off; embedded adapters (SQLite + local queue in DATA_DIR, Azurite child process, in-process cache and rate limiter)`,
        `baseline: ${baseline.ok} ratings, paced at ${RATE}/s from the runner's process (at most ${BASELINE_MAX_IN_FLIGHT} in flight, ${baseline.maxInFlight} reached), ${baseline.throttled} x 429, ${baseline.otherErrors} other errors`,
        `other processes on the machine took about ${Math.max(0, baselineCpu.machine - baselineCpu.ours).toFixed(1)} CPU-s during the baseline and ${Math.max(0, p.machineCpuSeconds - p.ownProcessesCpuSeconds).toFixed(1)} CPU-s during the platform run (machine busy per /proc/stat ${baselineCpu.machine.toFixed(1)} and ${p.machineCpuSeconds.toFixed(1)} CPU-s of ${cpus().length} cores; this benchmark's own processes ${baselineCpu.ours.toFixed(1)} and ${p.ownProcessesCpuSeconds.toFixed(1)} CPU-s); the figures are only worth recording when that is near 0`,
        `platform run: ${p.status}; counts ${JSON.stringify(p.run.counts)}; file statuses ${JSON.stringify(p.file.statuses)} (${(p.file.bytes / 1_048_576).toFixed(1)} MB CSV); seen COMPLETED by the ${POLL_MS / 1000} s polling ${p.observedSeconds.toFixed(1)} s after the POST; ${p.calls.ratingRequests} rating requests (${p.calls.accountsCalledTwiceOrMore} accounts asked more than once), ${p.calls.pageRequests} account-list pages`,
        `platform CPU: host process ${p.hostCpuSeconds.toFixed(1)} s (${((p.hostCpuSeconds * 1e6) / ACCOUNTS).toFixed(0)} µs per account, ${((p.hostCpuSeconds / p.postToCompletedSeconds) * 100).toFixed(0)}% of one core over the run), simulator ${p.simulatorCpuSeconds.toFixed(1)} s, Azurite ${p.azuriteCpuSeconds.toFixed(1)} s (peak RSS ${p.azuritePeakMb.toFixed(0)} MB, its own process); status polls (GET /api/v1/esg/runs/{id}, every ${POLL_MS / 1000} s) took ${median(p.pollMs).toFixed(0)} ms median, ${Math.max(...p.pollMs).toFixed(0)} ms max`,
        `memory: host RSS ${p.rssBeforeMb.toFixed(0)} MB before the run, VmHWM ${p.peakRssMb.toFixed(0)} MB (the kernel's peak over the process's life, start included), heap used ${p.heapUsedMb.toFixed(0)} MB at the end; RSS by progress: ${p.progress
          .filter((_, i, a) => i % Math.max(1, Math.floor(a.length / 6)) === 0 || i === a.length - 1)
          .map((x) => `${((x.done * 100) / ACCOUNTS).toFixed(0)}% ${x.rssMb.toFixed(0)} MB`)
          .join(", ")}`,
        `kill-and-resume (${KILL_ACCOUNTS.toLocaleString("en-US")} accounts, fewer than the measured run because the resume waits for message locks): killed ${k.killedAfterSeconds.toFixed(1)} s after the POST with ${k.killedAtDone} accounts done (last poll); ${k.persistedAtKill} results committed in SQLite, ${k.calledAtKill} accounts asked of the partner, so ${inFlightAtKill} in flight (${k.throttledAtKill} x 429 before the kill, ${k.calls.throttled - k.throttledAtKill} after the restart); ${k.activeMessages} esg-batches messages left, ${k.lockedMessages} of them locked (${k.lockedPendingAccounts} pending accounts) until ${k.lockExpiresAfterKillSeconds.toFixed(0)} s after the kill; process group gone after the kill: ${k.groupGone ? "yes (no Azurite left)" : "NO"}`,
        `resume: restarted host ready in ${k.restartReadySeconds.toFixed(1)} s; first new result ${k.firstProgressSeconds.toFixed(1)} s after ready; then no progress for ${k.longestStallSeconds.toFixed(0)} s at ${k.stalledAtDone} done (the locked batches wait for esg-batches' ${QUEUES.esgBatches.lockDurationSeconds} s message lock, and the batch lease of the same length, to expire: the local queue keeps locks across restarts, as Service Bus does); COMPLETED ${k.resumeToCompletedSeconds.toFixed(1)} s after ready; ${k.calls.ratingRequests} rating requests in all for ${KILL_ACCOUNTS} accounts (${k.calls.accountsCalledTwiceOrMore} accounts asked twice or more)`,
        `host warnings logged in the 100,000-account run: ${p.logs.lines}${p.logs.lines > 0 ? ` (last: ${p.logs.last.at(-1)?.slice(0, 200)})` : ""}`,
        `the whole benchmark took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s; the runner's "Load: autocannon ..." line is its generic header, this benchmark uses no autocannon and ignores --connections/--duration/--rounds`,
      ],
    };
  },
};
