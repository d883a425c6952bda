import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { serveConsole } from "./console-files.js";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AddressInfo } from "node:net";
import {
  ConfigurationError,
  LocalMessageQueue,
  ValidationError,
  createPlatform,
  loadSettings,
  type LogSink,
  type Platform,
  type QueueDefinition,
  type Settings,
  type Clock,
} from "../shared/index.js";
import { seedSimulatedProjectRecords, seedSyntheticExpenses } from "../shared/local.js";
import { functionsFor } from "../functions/catalog.js";
import type { FunctionDeclaration, InboundRequest, RequestHeaders } from "../functions/runtime/declarations.js";
import { errorResponse } from "../functions/runtime/envelope.js";
import { toRegistrations, type Registration } from "../functions/runtime/register.js";
import { readAzuriteConfig, startAzurite, type AzuriteConfig, type RunningAzurite } from "./azurite.js";
import { startSimulators, type SimulatorHandles } from "./simulators/index.js";
import { uploadLookupOf } from "./simulators/clearfacts.js";
import type { RunningSimulator } from "./simulators/local-simulator.js";
import { QueueDriver } from "./queue-driver.js";
import { Router } from "./router.js";
import { TimerScheduler } from "./timer-scheduler.js";

export interface LocalHostOptions {
  /** Settings source; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The functions to host; defaults to the enabled systems' (as in Azure) plus the local-only simulator controls. */
  readonly declarations?: readonly FunctionDeclaration[];
  /** Extra queue definitions (tests' own queues). */
  readonly extraQueues?: readonly QueueDefinition[];
  /** Azurite overrides (a free port in tests); `false` uses BLOB_CONNECTION_STRING as given. */
  readonly azurite?: Partial<AzuriteConfig> | false;
  /** Start timers on their schedules (default true). */
  readonly timers?: boolean;
  readonly logSink?: LogSink;
  /** The time services decide by (a test's fake clock); the system clock by default. */
  readonly clock?: Clock;
  /** Queue poll interval when idle. */
  readonly queuePollMs?: number;
}

export interface LocalHost {
  readonly url: string;
  readonly port: number;
  readonly platform: Platform;
  readonly registrations: readonly Registration[];
  readonly timers: TimerScheduler;
  /** The simulators running in place of outside systems, for tests to steer directly. */
  readonly simulators: SimulatorHandles;
  close(): Promise<void>;
}

/**
 * The Functions host for a laptop and the tests: the same declarations, registered through
 * the same `toRegistrations`, served at http://localhost:PORT/api/..., with Azurite
 * started as a child process, Service Bus triggers driven from the platform's queue and
 * timers on their schedules.
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const env = { ...(options.env ?? process.env) };
  let azurite: RunningAzurite | undefined;
  if (options.azurite !== false && !env.BLOB_CONNECTION_STRING && !env.BLOB_SERVICE_URL) {
    azurite = await startAzurite({ ...readAzuriteConfig(), ...options.azurite });
    env.BLOB_CONNECTION_STRING = azurite.connectionString;
  }
  let platform: Platform | undefined;
  let simulators: readonly RunningSimulator<unknown>[] = [];
  const closeSimulators = () => Promise.all(simulators.map((s) => s.close()));
  try {
    const started = await startSimulators(env);
    simulators = started.running;
    const settings = loadSettings(env);
    if (settings.runningInAzure) {
      throw new ConfigurationError([
        "The local host does not run in Azure (WEBSITE_INSTANCE_ID is set); Azure runs functions/main.js",
      ]);
    }
    platform = await createPlatform(settings, {
      env,
      ...(options.logSink ? { logSink: options.logSink } : {}),
      ...(options.extraQueues ? { extraQueues: options.extraQueues } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(started.handles.clearfacts ? { clearfactsLookup: uploadLookupOf(started.handles.clearfacts) } : {}),
    });
    await seedLocalAdmin(platform, settings);
    if (platform.simulators.sap && settings.ENABLED_SYSTEMS.includes("gateway")) {
      const seeded = await seedSimulatedProjectRecords(platform);
      if (seeded > 0)
        platform.logger.info("Seeded SQL project records for the simulated SAP projects", { projects: seeded });
    }
    if (settings.ENABLED_SYSTEMS.includes("analytics") && settings.ANALYTICS_SEED_ROWS > 0) {
      const seeded = await seedSyntheticExpenses(platform);
      if (seeded > 0) platform.logger.info("Seeded the synthetic finance_expense dataset", { rows: seeded });
    }
    const ready = platform;
    const registrations = toRegistrations(
      options.declarations ?? [...simulators.flatMap((s) => s.functions), ...functionsFor(settings.ENABLED_SYSTEMS)],
      settings,
      async () => ready,
    );
    const router = new Router(registrations);
    const server = createServer((req, res) => void serve(router, settings, req, res, ready));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(settings.PORT, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;

    const serviceBus = readServiceBusOptions();
    const drivers = registrations
      .filter((r): r is Extract<Registration, { kind: "serviceBusQueue" }> => r.kind === "serviceBusQueue")
      .map((r) => new QueueDriver(ready.queue, r, serviceBus, ready.logger));
    drivers.forEach((d) => d.start(options.queuePollMs));
    const timers = new TimerScheduler(
      registrations.filter((r): r is Extract<Registration, { kind: "timer" }> => r.kind === "timer"),
      ready.logger,
    );
    if (options.timers !== false) timers.start();
    // Settled rows only matter for de-duplication; drop them once past its window.
    const housekeeping = setInterval(() => {
      if (ready.queue instanceof LocalMessageQueue)
        ready.queue.purgeSettled().catch((error: unknown) => ready.logger.warn("Local queue purge failed", { error }));
    }, 60_000);
    housekeeping.unref();

    const url = `http://localhost:${port}`;
    ready.logger.info(`Local host listening on ${url}/api (docs: ${url}/api/docs)`, {
      functions: registrations.length,
      adapters: ready.adapters,
    });
    return {
      url,
      port,
      platform: ready,
      registrations,
      timers,
      simulators: started.handles,
      close: async () => {
        clearInterval(housekeeping);
        await closeServer(server);
        await Promise.all(drivers.map((d) => d.stop()));
        await timers.stop();
        await ready.close();
        await closeSimulators();
        await azurite?.stop();
      },
    };
  } catch (error) {
    await platform?.close();
    await closeSimulators();
    await azurite?.stop();
    throw error;
  }
}

async function seedLocalAdmin(platform: Platform, settings: Settings): Promise<void> {
  if (settings.runningInAzure)
    throw new ConfigurationError(["LOCAL_ADMIN_USERNAME: local admin seeding is refused in Azure"]);
  const admin = await platform.identity.ensureUser({
    username: settings.LOCAL_ADMIN_USERNAME,
    password: settings.LOCAL_ADMIN_PASSWORD,
    roles: ["admin"],
  });
  platform.logger.info("Local admin ready", { username: admin.username });
}

/** The concurrency and lock renewal the Functions host applies to Service Bus triggers (host.json). */
function readServiceBusOptions(): { maxConcurrentCalls: number; maxAutoLockRenewalMs: number } {
  const host = JSON.parse(readFileSync("host.json", "utf8")) as {
    extensions?: { serviceBus?: { maxConcurrentCalls?: number; maxAutoLockRenewalDuration?: string } };
  };
  const renewal = /^(\d+):(\d{2}):(\d{2})$/.exec(host.extensions?.serviceBus?.maxAutoLockRenewalDuration ?? "00:05:00");
  const [hours, minutes, seconds] = (renewal ?? ["", "0", "5", "0"]).slice(1).map(Number);
  return {
    maxConcurrentCalls: host.extensions?.serviceBus?.maxConcurrentCalls ?? 16,
    maxAutoLockRenewalMs: ((hours! * 60 + minutes!) * 60 + seconds!) * 1000,
  };
}

async function serve(
  router: Router,
  settings: Settings,
  req: IncomingMessage,
  res: ServerResponse,
  platform: Platform,
): Promise<void> {
  try {
    const { pathname, query } = splitTarget(req.url ?? "/");
    const match = router.match(req.method ?? "GET", pathname);
    if (!match) {
      // A demo marks every answer, the console's files too.
      if (settings.DEMO_MODE) res.setHeader("X-Demo-Mode", "true");
      // The console's files, as Static Web Apps serves them in front of the Function App.
      const authority = platform.identity.signInOptions().entra?.authority;
      if (await serveConsole(req.method ?? "GET", pathname, res, authority && new URL(authority).origin)) return;
      // Outside /api: the Functions host answers 404 without a body too.
      res.writeHead(404).end();
      return;
    }
    // HTTP/1.1: without Content-Length or Transfer-Encoding there is no body to wait for.
    const hasBody =
      req.headers["transfer-encoding"] !== undefined ||
      (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
    const request: InboundRequest = {
      method: req.method ?? "GET",
      headers: new NodeRequestHeaders(req),
      query,
      params: match.params,
      malformedParams: match.malformedParams,
      // Read only if the pipeline asks (after authentication), and never past its cap.
      arrayBuffer: hasBody ? lazyBody(req, settings.MAX_BODY_BYTES) : async () => new ArrayBuffer(0),
      // A spooled file streams from the socket as the Functions host's request stream does.
      // Left open when the reader stops early (413): the answer still goes out on the socket.
      body: hasBody ? { [Symbol.asyncIterator]: () => req.iterator({ destroyOnReturn: false }) } : null,
    };
    const response = await match.registration.serve(request);
    const outHeaders = (response.headers ?? {}) as Record<string, string>;
    // A body left unread (refused before reading, or past the cap) is not drained: the
    // connection closes after the answer instead.
    if (hasBody && !req.complete) outHeaders["Connection"] = "close";
    const out = response.body;
    if (out instanceof Readable) {
      res.writeHead(response.status ?? 200, outHeaders);
      // Files stream through, as with the Functions host's HTTP streaming.
      await pipeline(out, res);
      return;
    }
    const payload =
      out === undefined || out === null
        ? ""
        : typeof out === "string" || Buffer.isBuffer(out)
          ? out
          : JSON.stringify(out);
    const status = response.status ?? 200;
    // A known length, not chunked encoding: the head and the body leave in one write (204 and 304 carry neither; a handler's own framing wins).
    const framed =
      status === 204 ||
      status === 304 ||
      Object.keys(outHeaders).some((name) => /^(content-length|transfer-encoding)$/i.test(name));
    res.writeHead(
      status,
      framed ? outHeaders : Object.assign({ "Content-Length": String(Buffer.byteLength(payload)) }, outHeaders),
    );
    res.end(payload);
  } catch (error) {
    // Outside the pipeline (an unparseable request target): the same envelope and headers.
    const correlationId = randomUUID();
    const mapped = errorResponse(error, correlationId);
    if (mapped.status >= 500)
      platform.logger.error("Local host failed to serve a request", { error, correlation_id: correlationId });
    if (!res.headersSent) {
      res.writeHead(mapped.status, {
        ...mapped.headers,
        "Content-Type": "application/json; charset=utf-8",
        "x-correlation-id": correlationId,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        Connection: "close",
        ...(settings.DEMO_MODE ? { "X-Demo-Mode": "true" } : {}),
      });
    }
    res.end(JSON.stringify(mapped.body));
  }
}

/**
 * The request target's path and query. Plain origin-form targets are split directly; others
 * (dot segments, percent-encoding, backslashes, a fragment, absolute form) go through
 * WHATWG URL, which normalises them.
 */
function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  if (
    !pathname.startsWith("/") ||
    pathname.includes("/.") ||
    pathname.includes("\\") ||
    pathname.includes("%") ||
    target.includes("#")
  ) {
    let url: URL;
    try {
      url = new URL(target, "http://localhost");
    } catch {
      throw new ValidationError([{ field: "path", message: "is not a valid request target", location: "path" }]);
    }
    return { pathname: url.pathname, query: url.searchParams };
  }
  return { pathname, query: new URLSearchParams(q === -1 ? "" : target.slice(q + 1)) };
}

/**
 * node:http's headers (names lower-cased) read as `Headers.get` reads them, with the peer
 * address the socket saw appended to X-Forwarded-For, as the Azure front end appends it.
 */
class NodeRequestHeaders implements RequestHeaders {
  readonly #req: IncomingMessage;
  constructor(req: IncomingMessage) {
    this.#req = req;
  }
  get(name: string): string | null {
    const key = name.toLowerCase();
    const value = this.#req.headers[key];
    const text = value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    if (key !== "x-forwarded-for") return text;
    const peer = this.#req.socket.remoteAddress ?? "127.0.0.1";
    return text ? `${text}, ${peer}` : peer;
  }
}

/** The body as the pipeline reads it: once, on first ask, up to one byte past its limit (MAX_BODY_BYTES unless given). */
function lazyBody(req: IncomingMessage, defaultLimit: number): (limit?: number) => Promise<ArrayBuffer> {
  let reading: Promise<Buffer> | undefined;
  return async (limit = defaultLimit) => {
    const body = await (reading ??= readCapped(req, limit + 1));
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
  };
}

/**
 * Reads at most `max` bytes and stops there: the pipeline answers 413 when the body reached
 * the cap (or, before asking, when the declared length is past it), and a longer stream is
 * never read to its end.
 */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.subarray(0, max - size));
      size += Math.min(chunk.length, max - size);
      if (size < max) return;
      req.off("data", onData);
      req.pause();
      resolve(Buffer.concat(chunks));
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
