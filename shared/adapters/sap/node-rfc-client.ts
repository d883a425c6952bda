import { ConfigurationError } from "../../foundation/settings.js";
import {
  RfcError,
  type RfcErrorType,
  type RfcParameters,
  type RfcResult,
  type SapRfcClient,
} from "../../ports/sap-rfc.js";
import { RFC_PING } from "../../sap/sap-functions.js";

/*
 * The real SAP adapter, over SAP's node-rfc 3.x (SAP NW RFC SDK bindings). node-rfc is an
 * optional dependency and needs the SDK's native libraries, so it is loaded lazily and
 * described here structurally rather than through its own types.
 */

/** Connection parameters node-rfc accepts (lower-case RFC SDK names). */
export type NodeRfcConnectionParameters = Readonly<Record<string, string>>;

export interface NodeRfcPoolConfiguration {
  readonly connectionParameters: NodeRfcConnectionParameters;
  /** `low`: connections kept open eagerly; `high`: idle connections kept for reuse. */
  readonly poolOptions: { readonly low: number; readonly high: number };
}

/**
 * A managed (pool-leased) node-rfc Client. node-rfc declares these as `void | Promise`
 * because each also takes a callback; without one they always return the Promise.
 */
export interface NodeRfcClient {
  call(
    rfmName: string,
    rfmParams: Record<string, unknown>,
    callOptions?: { timeout?: number },
  ): Promise<Record<string, unknown>>;
  ping(): Promise<boolean>;
  cancel(): Promise<unknown>;
}

export interface NodeRfcPool {
  acquire(): Promise<NodeRfcClient>;
  release(client: NodeRfcClient): Promise<unknown>;
  closeAll(): Promise<void>;
  /** `ready`: idle open connections; `leased`: connections handed out. */
  readonly status: { readonly ready: number; readonly leased: number };
}

/** The part of the node-rfc module this adapter uses. */
export interface NodeRfcModule {
  readonly Pool: new (configuration: NodeRfcPoolConfiguration) => NodeRfcPool;
}

/** Key Vault secrets sap-rfc-user, sap-rfc-password, sap-rfc-host, sap-rfc-sysnr, sap-rfc-client. */
export interface SapRfcCredentials {
  user: string;
  passwd: string;
  ashost: string;
  sysnr: string;
  client: string;
}

// A variable specifier keeps tsc from resolving node-rfc, which is absent on most machines.
const NODE_RFC_SPECIFIER: string = "node-rfc";

const SETUP_HINT =
  "Install the node-rfc package (an optional dependency) and SAP's NW RFC SDK: set SAPNWRFC_HOME to the SDK directory " +
  "and, on Linux, put $SAPNWRFC_HOME/lib on LD_LIBRARY_PATH (or register it with ldconfig). " +
  "Without SAP, use SAP_ADAPTER=simulator (the local default).";

/**
 * Loads node-rfc. It throws at import when the package is missing or when its native
 * binding cannot load libsapnwrfc.so, so every failure here becomes a ConfigurationError
 * that says what to install rather than a raw dlopen error at the first request.
 */
export async function loadNodeRfc(
  importModule: () => Promise<unknown> = () => import(NODE_RFC_SPECIFIER),
): Promise<NodeRfcModule> {
  let loaded: unknown;
  try {
    loaded = await importModule();
  } catch (error) {
    throw loadError(describeLoadFailure(error), error);
  }
  // node-rfc is CommonJS: its exports may sit on the namespace or only on `default`.
  for (const candidate of [loaded, property(loaded, "default")]) {
    if (typeof property(candidate, "Pool") === "function") return candidate as NodeRfcModule;
  }
  throw loadError("node-rfc was loaded but exports no Pool (node-rfc 3.x is expected)", undefined);
}

function describeLoadFailure(error: unknown): string {
  const cause = oneLine(messageOf(error));
  const code = property(error, "code");
  if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && cause.includes("node-rfc")) {
    return `the node-rfc package is not installed (${cause})`;
  }
  if (/sapnwrfc|shared object|dlopen|\.so\b|\.dll\b|specified module could not be found/i.test(cause)) {
    return `node-rfc is installed but the SAP NW RFC SDK library (libsapnwrfc.so) could not be loaded (${cause})`;
  }
  return `node-rfc or the SAP NW RFC SDK could not be loaded (${cause})`;
}

function loadError(detail: string, cause: unknown): ConfigurationError {
  const error = new ConfigurationError([
    `SAP_ADAPTER: node-rfc needs the node-rfc package and the SAP NW RFC SDK; ${detail}. ${SETUP_HINT}`,
  ]);
  if (cause !== undefined) error.cause = cause;
  return error;
}

export interface NodeRfcSapClientOptions {
  readonly module: NodeRfcModule;
  readonly credentials: SapRfcCredentials;
  /** Idle connections kept open for reuse (node-rfc's `high`). */
  readonly poolSize: number;
  /** Deadline of one call, connection lease included. */
  readonly timeoutMs: number;
}

export class NodeRfcSapClient implements SapRfcClient {
  readonly #pool: NodeRfcPool;
  readonly #timeoutMs: number;
  readonly #timeoutSeconds: number;
  #closed = false;

  private constructor(pool: NodeRfcPool, timeoutMs: number) {
    this.#pool = pool;
    this.#timeoutMs = timeoutMs;
    // node-rfc's own call timeout is whole seconds; rounding up keeps it a backstop behind ours.
    this.#timeoutSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  }

  /**
   * Builds the pool without opening a connection, so an SAP outage at start-up does not stop
   * the host; the first call (or the health probe) opens one and reports the outage as RfcError.
   */
  static async connect(options: NodeRfcSapClientOptions): Promise<NodeRfcSapClient> {
    const { module, credentials, poolSize, timeoutMs } = options;
    const problems: string[] = [];
    if (!Number.isInteger(poolSize) || poolSize < 1)
      problems.push(
        `SAP_MAX_CONCURRENT_CALLS: the RFC pool size must be a whole number of at least 1 (got ${poolSize})`,
      );
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      problems.push(`SAP_RFC_TIMEOUT_MS: must be a positive number of milliseconds (got ${timeoutMs})`);
    const secretNames: Record<keyof SapRfcCredentials, string> = {
      user: "sap-rfc-user",
      passwd: "sap-rfc-password",
      ashost: "sap-rfc-host",
      sysnr: "sap-rfc-sysnr",
      client: "sap-rfc-client",
    };
    for (const [field, secret] of Object.entries(secretNames) as [keyof SapRfcCredentials, string][]) {
      if (typeof credentials[field] !== "string" || credentials[field].trim() === "")
        problems.push(`${secret}: the secret is missing or empty`);
    }
    if (problems.length > 0) throw new ConfigurationError(problems);

    let pool: NodeRfcPool;
    try {
      pool = new module.Pool({
        connectionParameters: {
          user: credentials.user,
          passwd: credentials.passwd,
          ashost: credentials.ashost.trim(),
          sysnr: credentials.sysnr.trim(),
          client: credentials.client.trim(),
        },
        // low 0: connections open on demand; node-rfc's default low of 2 would also exceed a high of 1.
        // high is not a cap on leases (node-rfc opens more on demand): admission control bounds concurrency.
        poolOptions: { low: 0, high: poolSize },
      });
    } catch (error) {
      // node-rfc validates parameters and pool options synchronously with TypeErrors.
      throw new ConfigurationError([
        `SAP_ADAPTER: node-rfc refused the RFC pool configuration: ${oneLine(messageOf(error))}`,
      ]);
    }
    return new NodeRfcSapClient(pool, timeoutMs);
  }

  async call(functionName: string, parameters: RfcParameters, signal?: AbortSignal): Promise<RfcResult> {
    return this.#leased(functionName, signal, (client) =>
      client.call(functionName, parameters as Record<string, unknown>, { timeout: this.#timeoutSeconds }),
    );
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.#leased(RFC_PING, signal, async (client) => {
      // node-rfc resolves true on success; anything else means the system did not answer.
      if ((await client.ping()) !== true)
        throw new RfcError("COMMUNICATION_FAILURE", `${RFC_PING}: SAP did not answer the ping`);
    });
  }

  openConnections(): number {
    try {
      const { ready, leased } = this.#pool.status;
      return ready + leased;
    } catch {
      // The status is a native getter; a gauge must never break the caller.
      return 0;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.#pool.closeAll();
    } catch {
      // Closing is best effort at shutdown; there is nobody left to report to.
    }
  }

  /** Leases a connection, runs `work` under the deadline, and turns every failure into RfcError. */
  async #leased<T>(
    what: string,
    signal: AbortSignal | undefined,
    work: (client: NodeRfcClient) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw new RfcError("COMMUNICATION_FAILURE", `${what}: the SAP RFC client is closed`);
    const deadline = new Deadline(this.#timeoutMs, signal);
    try {
      // A call already past its deadline must not open a connection for nothing.
      deadline.throwIfExpired(what);
      const leasing = this.#pool.acquire();
      // Opening a connection cannot be cancelled; if the deadline wins, hand the late lease back.
      const client = await deadline.race(leasing, what, () => {
        leasing.then((late) => this.#release(late), noop);
      });
      const running = start(work, client);
      // The lease goes back only when SAP has finished with it (after a cancel, once node-rfc has
      // replaced the cancelled handle), never while a call is still running on it.
      running.then(noop, noop).finally(() => this.#release(client));
      return await deadline.race(running, what, () => quietly(() => client.cancel()));
    } catch (error) {
      throw toRfcError(error, what);
    } finally {
      deadline.dispose();
    }
  }

  #release(client: NodeRfcClient): void {
    // node-rfc offers no way to drop a managed connection: after a critical error (communication,
    // logon, short dump, cancel) it closes and reopens the handle itself, and release() resets the
    // ABAP session and closes the connection when that reset fails. A client whose reopen failed
    // has no handle and release() rejects; nothing more can be done for it.
    quietly(() => this.#pool.release(client));
  }
}

/** The call's deadline: the caller's signal or our own timeout, whichever fires first. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #signal: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.#controller.abort();

  constructor(timeoutMs: number, signal: AbortSignal | undefined) {
    // Our own timer bounds the lease too, which node-rfc's call timeout does not cover.
    this.#timer = setTimeout(this.#onCallerAbort, timeoutMs);
    this.#signal = signal;
    if (signal?.aborted) this.#controller.abort();
    else signal?.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  throwIfExpired(what: string): void {
    if (this.#controller.signal.aborted) throw timeoutError(what);
  }

  /** Settles with `work`, or rejects with TIMEOUT (after `onExpiry`) when the deadline passes first. */
  race<T>(work: Promise<T>, what: string, onExpiry: () => void): Promise<T> {
    const signal = this.#controller.signal;
    return new Promise<T>((resolve, reject) => {
      // Exactly one outcome: once the work has settled, a late abort must not also run onExpiry.
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", expire);
        outcome();
      };
      const expire = () =>
        settle(() => {
          onExpiry();
          reject(timeoutError(what));
        });
      if (signal.aborted) {
        expire();
        return;
      }
      signal.addEventListener("abort", expire, { once: true });
      work.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this.#onCallerAbort);
  }
}

function timeoutError(what: string): RfcError {
  return new RfcError("TIMEOUT", `${what}: no answer from SAP within the deadline; the call was cancelled`);
}

// node-rfc error groups (RFC_ERROR_GROUP of the NW RFC SDK, as node-rfc reports them in `group`).
const GROUP_ABAP_APPLICATION_FAILURE = 1;
const GROUP_LOGON_FAILURE = 3;
const GROUP_COMMUNICATION_FAILURE = 4;

// RFC_RC names for the numeric `code`, for errors that carry no `codeString`.
const RC_NAMES: Readonly<Record<number, string>> = {
  1: "RFC_COMMUNICATION_FAILURE",
  2: "RFC_LOGON_FAILURE",
  3: "RFC_ABAP_RUNTIME_FAILURE",
  4: "RFC_ABAP_MESSAGE",
  5: "RFC_ABAP_EXCEPTION",
  6: "RFC_CLOSED",
  7: "RFC_CANCELED",
  8: "RFC_TIMEOUT",
  27: "RFC_ABAP_CLASS_EXCEPTION",
};

/**
 * Maps what node-rfc rejects with (plain objects named RfcLibError, ABAPError or
 * nodeRfcError, or a TypeError from argument checks) to the port's RfcError.
 */
function toRfcError(error: unknown, what: string): RfcError {
  if (error instanceof RfcError) return error;
  const name = property(error, "name");
  const group = numberOrUndefined(property(error, "group"));
  const code = numberOrUndefined(property(error, "code"));
  const codeString =
    stringOrUndefined(property(error, "codeString")) ?? (code === undefined ? undefined : RC_NAMES[code]);
  const key = stringOrUndefined(property(error, "key"))?.trim() || undefined;
  const message = oneLine(messageOf(error)) || "unknown error";
  const sdkError = name === "RfcLibError" || name === "ABAPError" || group !== undefined;

  const make = (type: RfcErrorType, withKey?: string) => {
    const labels = [
      codeString,
      key !== codeString && key !== message ? key : undefined,
      stringOrUndefined(property(error, "rfmPath")),
    ].filter(Boolean);
    return new RfcError(type, `${what}: ${message}${labels.length > 0 ? ` [${labels.join(" ")}]` : ""}`, withKey);
  };

  if (!sdkError) return make("SYSTEM_FAILURE");
  // Cancellation arrives in the communication group, so it is told apart by its code first.
  if (codeString === "RFC_CANCELED" || codeString === "RFC_TIMEOUT") return make("TIMEOUT");
  if (group === GROUP_LOGON_FAILURE || codeString === "RFC_LOGON_FAILURE") return make("LOGON_FAILURE");
  if (
    group === GROUP_COMMUNICATION_FAILURE ||
    codeString === "RFC_COMMUNICATION_FAILURE" ||
    codeString === "RFC_CLOSED"
  ) {
    return make("COMMUNICATION_FAILURE");
  }
  // RAISE NOT_FOUND (and class-based exceptions): the function module's deliberate answer.
  if (
    group === GROUP_ABAP_APPLICATION_FAILURE ||
    codeString === "RFC_ABAP_EXCEPTION" ||
    codeString === "RFC_ABAP_CLASS_EXCEPTION"
  ) {
    return make("ABAP_EXCEPTION", key);
  }
  // Short dumps and E/A/X messages (group 2, ABAP_RUNTIME_FAILURE): SAP failed, not the request.
  return make("SYSTEM_FAILURE");
}

/** Runs `work` so that a synchronous throw still settles the promise that releases the lease. */
function start<T>(work: (client: NodeRfcClient) => Promise<T>, client: NodeRfcClient): Promise<T> {
  try {
    return work(client);
  } catch (error) {
    return Promise.reject(error);
  }
}

function quietly(action: () => unknown): void {
  try {
    Promise.resolve(action()).catch(noop);
  } catch {
    // Cancel and release are best effort; the caller already has its answer.
  }
}

function noop(): void {}

function property(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function messageOf(error: unknown): string {
  const message = property(error, "message");
  if (typeof message === "string") return message;
  return typeof error === "string" ? error : "";
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
