import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigurationError } from "../../../shared/foundation/settings.js";
import { RfcError } from "../../../shared/ports/sap-rfc.js";
import {
  loadNodeRfc,
  NodeRfcSapClient,
  type NodeRfcClient,
  type NodeRfcModule,
  type NodeRfcPool,
  type NodeRfcPoolConfiguration,
  type SapRfcCredentials,
} from "../../../shared/adapters/sap/node-rfc-client.js";

const credentials: SapRfcCredentials = {
  user: "RFC_USER",
  passwd: "secret",
  ashost: "sap.example",
  sysnr: "00",
  client: "100",
};

type CallBehaviour = (
  client: FakeClient,
  name: string,
  params: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/** Behaves like a node-rfc managed Client: cancel() makes the running call reject with RFC_CANCELED. */
class FakeClient implements NodeRfcClient {
  readonly calls: { name: string; params: Record<string, unknown>; options: { timeout?: number } | undefined }[] = [];
  cancels = 0;
  #cancelRunning: (() => void) | undefined;

  constructor(private readonly pool: FakePool) {}

  call(
    name: string,
    params: Record<string, unknown>,
    options?: { timeout?: number },
  ): Promise<Record<string, unknown>> {
    this.calls.push({ name, params, options });
    return this.pool.behaviour(this, name, params);
  }

  /** Used by behaviours: a call that runs until cancelled. */
  hang(): Promise<never> {
    return new Promise((_, reject) => {
      this.#cancelRunning = () =>
        reject({
          name: "RfcLibError",
          group: 4,
          code: 7,
          codeString: "RFC_CANCELED",
          key: "RFC_CANCELED",
          message: "Connection was canceled.",
        });
    });
  }

  async ping(): Promise<boolean> {
    await this.pool.behaviour(this, "RFC_PING", {});
    return true;
  }

  async cancel(): Promise<void> {
    this.cancels++;
    this.#cancelRunning?.();
  }
}

class FakePool implements NodeRfcPool {
  static last: FakePool | undefined;
  readonly leased = new Set<FakeClient>();
  readonly idle: FakeClient[] = [];
  readonly released: FakeClient[] = [];
  closed = false;
  behaviour: CallBehaviour = async () => ({});
  acquireGate: Promise<void> = Promise.resolve();
  acquireError: unknown;
  #onRelease: (() => void) | undefined;

  constructor(readonly configuration: NodeRfcPoolConfiguration) {
    FakePool.last = this;
  }

  async acquire(): Promise<NodeRfcClient> {
    await this.acquireGate;
    // A pool may reject with anything; the fake replays what the test set.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (this.acquireError !== undefined) throw this.acquireError;
    const client = this.idle.pop() ?? new FakeClient(this);
    this.leased.add(client);
    return client;
  }

  async release(client: NodeRfcClient): Promise<void> {
    const fake = client as FakeClient;
    this.leased.delete(fake);
    if (this.idle.length < this.configuration.poolOptions.high) this.idle.push(fake);
    this.released.push(fake);
    this.#onRelease?.();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    this.leased.clear();
  }

  get status() {
    return { ready: this.idle.length, leased: this.leased.size };
  }

  nextRelease(): Promise<void> {
    return new Promise((resolve) => (this.#onRelease = resolve));
  }
}

const fakeModule: NodeRfcModule = { Pool: FakePool };

async function connect(options: { poolSize?: number; timeoutMs?: number } = {}) {
  const client = await NodeRfcSapClient.connect({
    module: fakeModule,
    credentials,
    poolSize: options.poolSize ?? 4,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  const pool = FakePool.last;
  assert.ok(pool);
  return { client, pool };
}

function isRfcError(type: RfcError["type"], key?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof RfcError, `expected RfcError, got ${String(error)}`);
    assert.equal(error.type, type);
    assert.equal(error.key, key);
    return true;
  };
}

describe("loadNodeRfc", () => {
  it("turns a failing import (libsapnwrfc.so missing) into a ConfigurationError naming node-rfc and the SDK", async () => {
    const dlopen = new Error("libsapnwrfc.so: cannot open shared object file: No such file or directory");
    await assert.rejects(
      loadNodeRfc(() => Promise.reject(dlopen)),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        assert.match(error.message, /node-rfc/);
        assert.match(error.message, /NW RFC SDK/);
        assert.match(error.message, /SAPNWRFC_HOME/);
        assert.match(error.message, /LD_LIBRARY_PATH/);
        assert.match(error.message, /SAP_ADAPTER=simulator/);
        assert.match(error.message, /libsapnwrfc\.so: cannot open shared object file/);
        assert.equal(error.cause, dlopen);
        return true;
      },
    );
  });

  it("reports a missing node-rfc package as a ConfigurationError with the real importer", async (t) => {
    const outcome = await loadNodeRfc().then(
      () => undefined,
      (error: unknown) => error,
    );
    if (outcome === undefined) {
      t.skip("node-rfc and the NW RFC SDK are installed here");
      return;
    }
    assert.ok(outcome instanceof ConfigurationError, `expected ConfigurationError, got ${String(outcome)}`);
    assert.match(outcome.message, /node-rfc/);
    assert.match(outcome.message, /NW RFC SDK/);
  });

  it("accepts the module's exports on the namespace or on default (CommonJS), and rejects a module without Pool", async () => {
    assert.equal((await loadNodeRfc(async () => fakeModule)).Pool, FakePool);
    assert.equal((await loadNodeRfc(async () => ({ default: fakeModule }))).Pool, FakePool);
    await assert.rejects(
      loadNodeRfc(async () => ({ Client: class {} })),
      ConfigurationError,
    );
  });
});

describe("NodeRfcSapClient", () => {
  it("builds the pool from the credentials with the pool size as high", async () => {
    const { pool } = await connect({ poolSize: 7 });
    assert.deepEqual(pool.configuration, {
      connectionParameters: { user: "RFC_USER", passwd: "secret", ashost: "sap.example", sysnr: "00", client: "100" },
      poolOptions: { low: 0, high: 7 },
    });
  });

  it("refuses a missing secret or a bad pool size with a ConfigurationError", async () => {
    await assert.rejects(
      NodeRfcSapClient.connect({
        module: fakeModule,
        credentials: { ...credentials, passwd: " " },
        poolSize: 0,
        timeoutMs: 1000,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        assert.equal(error.problems.length, 2);
        assert.match(error.message, /sap-rfc-password/);
        return true;
      },
    );
  });

  it("calls with node-rfc's timeout in whole seconds, rounded up, and releases the connection", async () => {
    const { client, pool } = await connect({ timeoutMs: 1500 });
    pool.behaviour = async (_c, name, params) => ({ ECHO: `${name}:${String(params.PROJECT_ID)}` });
    const released = pool.nextRelease();
    assert.deepEqual(await client.call("Z_READ_PROJECT_DATA", { PROJECT_ID: "P-1" }), {
      ECHO: "Z_READ_PROJECT_DATA:P-1",
    });
    await released;
    const fake = pool.released[0];
    assert.ok(fake);
    assert.deepEqual(fake.calls[0]?.options, { timeout: 2 });
    assert.equal(pool.status.leased, 0);
  });

  // Shapes as node-rfc 3.3.1 reports them (src/cpp/nwrfcsdk.cc RfcLibError/AbapError/nodeRfcError; test/errors, test/cancel).
  const table: { name: string; error: unknown; type: RfcError["type"]; key?: string }[] = [
    {
      name: "communication failure",
      error: {
        name: "RfcLibError",
        group: 4,
        code: 1,
        codeString: "RFC_COMMUNICATION_FAILURE",
        key: "RFC_COMMUNICATION_FAILURE",
        message: "partner 'sap.example:sapgw00' not reached",
      },
      type: "COMMUNICATION_FAILURE",
    },
    {
      name: "connection closed by partner",
      error: {
        name: "RfcLibError",
        group: 4,
        code: 6,
        codeString: "RFC_CLOSED",
        key: "RFC_CLOSED",
        message: "Connection closed by the other side",
      },
      type: "COMMUNICATION_FAILURE",
    },
    {
      name: "logon failure",
      error: {
        name: "RfcLibError",
        group: 3,
        code: 2,
        codeString: "RFC_LOGON_FAILURE",
        key: "RFC_LOGON_FAILURE",
        message: "Name or password is incorrect (repeat logon)",
      },
      type: "LOGON_FAILURE",
    },
    {
      name: "cancelled (node-rfc call timeout or cancel())",
      error: {
        name: "RfcLibError",
        group: 4,
        code: 7,
        codeString: "RFC_CANCELED",
        key: "RFC_CANCELED",
        message: "Connection was canceled.",
      },
      type: "TIMEOUT",
    },
    {
      name: "cancelled, numeric code only",
      error: { name: "RfcLibError", group: 4, code: 7, message: "Connection was canceled." },
      type: "TIMEOUT",
    },
    {
      name: "SDK timeout",
      error: {
        name: "RfcLibError",
        group: 5,
        code: 8,
        codeString: "RFC_TIMEOUT",
        key: "RFC_TIMEOUT",
        message: "Time out",
      },
      type: "TIMEOUT",
    },
    {
      name: "classic ABAP exception NOT_FOUND",
      error: {
        name: "ABAPError",
        group: 1,
        code: 5,
        codeString: "RFC_ABAP_EXCEPTION",
        key: "NOT_FOUND",
        message: "ID:ZPS Type:E Number:001 P-404",
        abapMsgClass: "ZPS",
        abapMsgType: "E",
        abapMsgNumber: "001",
        abapMsgV1: "P-404",
        abapMsgV2: "",
        abapMsgV3: "",
        abapMsgV4: "",
      },
      type: "ABAP_EXCEPTION",
      key: "NOT_FOUND",
    },
    {
      name: "function module not found",
      error: {
        name: "ABAPError",
        group: 1,
        code: 5,
        codeString: "RFC_ABAP_EXCEPTION",
        key: "FU_NOT_FOUND",
        message: "ID:FL Type:E Number:046 Z_MISSING",
      },
      type: "ABAP_EXCEPTION",
      key: "FU_NOT_FOUND",
    },
    {
      name: "class-based ABAP exception",
      error: {
        name: "ABAPError",
        group: 1,
        code: 27,
        codeString: "RFC_ABAP_CLASS_EXCEPTION",
        key: "CX_SY_ZERODIVIDE",
        message: "Division by 0",
      },
      type: "ABAP_EXCEPTION",
      key: "CX_SY_ZERODIVIDE",
    },
    {
      name: "short dump",
      error: {
        name: "ABAPError",
        group: 2,
        code: 3,
        codeString: "RFC_ABAP_RUNTIME_FAILURE",
        key: "COMPUTE_INT_ZERODIVIDE",
        message: "Division by 0 (type I or INT8)",
      },
      type: "SYSTEM_FAILURE",
    },
    {
      name: "X message",
      error: {
        name: "ABAPError",
        group: 2,
        code: 4,
        codeString: "RFC_ABAP_MESSAGE",
        key: "MESSAGE_TYPE_X",
        message: "The current application has triggered a termination with a short dump.",
        abapMsgClass: "00",
        abapMsgType: "X",
        abapMsgNumber: "341",
      },
      type: "SYSTEM_FAILURE",
    },
    {
      name: "invalid parameter (SDK runtime)",
      error: {
        name: "RfcLibError",
        group: 5,
        code: 20,
        codeString: "RFC_INVALID_PARAMETER",
        key: "RFC_INVALID_PARAMETER",
        message: "field 'XXX' not found",
      },
      type: "SYSTEM_FAILURE",
    },
    {
      name: "node-rfc conversion error",
      error: {
        name: "nodeRfcError",
        message: "Date format YYYYMMDD expected",
        rfmPath: { rfm: "Z_X", parameter: "IV_DATE" },
      },
      type: "SYSTEM_FAILURE",
    },
    { name: "argument TypeError", error: new TypeError("RFM parameter name invalid"), type: "SYSTEM_FAILURE" },
    { name: "a bare string", error: "boom", type: "SYSTEM_FAILURE" },
    { name: "undefined", error: undefined, type: "SYSTEM_FAILURE" },
  ];

  for (const row of table) {
    it(`maps ${row.name} to ${row.type}${row.key ? ` ${row.key}` : ""}`, async () => {
      const { client, pool } = await connect();
      pool.behaviour = () => Promise.reject(row.error);
      const released = pool.nextRelease();
      await assert.rejects(client.call("Z_READ_PROJECT_DATA", { PROJECT_ID: "P-404" }), isRfcError(row.type, row.key));
      await released;
    });
  }

  it("maps a synchronous throw from node-rfc and still releases the connection", async () => {
    const { client, pool } = await connect();
    pool.behaviour = () => {
      throw new TypeError("Second argument (remote function module parameters) must be an object");
    };
    const released = pool.nextRelease();
    await assert.rejects(client.call("Z_X", {}), isRfcError("SYSTEM_FAILURE"));
    await released;
  });

  it("maps a logon failure while leasing a connection", async () => {
    const { client, pool } = await connect();
    pool.acquireError = {
      name: "RfcLibError",
      group: 3,
      code: 2,
      codeString: "RFC_LOGON_FAILURE",
      key: "RFC_LOGON_FAILURE",
      message: "User is locked",
    };
    await assert.rejects(client.call("Z_X", {}), isRfcError("LOGON_FAILURE"));
    await assert.rejects(client.ping(), isRfcError("LOGON_FAILURE"));
  });

  it("cancels a call past its deadline, rejects with TIMEOUT and releases the connection", async () => {
    const { client, pool } = await connect();
    pool.behaviour = (fake) => fake.hang();
    const controller = new AbortController();
    const released = pool.nextRelease();
    const pending = client.call("Z_READ_RESOURCES", {}, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pool.status.leased, 1);
    controller.abort();
    await assert.rejects(pending, isRfcError("TIMEOUT"));
    await released;
    const fake = pool.released[0];
    assert.ok(fake);
    assert.equal(fake.cancels, 1);
    assert.equal(pool.status.leased, 0);
  });

  it("does not lease a connection for a signal that is already aborted", async () => {
    const { client, pool } = await connect();
    await assert.rejects(client.call("Z_X", {}, AbortSignal.abort()), isRfcError("TIMEOUT"));
    assert.equal(pool.released.length, 0);
    assert.equal(pool.status.leased, 0);
  });

  it("enforces its own timeout without a signal, also while a connection is being opened", async () => {
    const { client, pool } = await connect({ timeoutMs: 20 });
    let open!: () => void;
    pool.acquireGate = new Promise((resolve) => (open = resolve));
    const released = pool.nextRelease();
    await assert.rejects(client.call("Z_X", {}), isRfcError("TIMEOUT"));
    open();
    await released; // the late lease goes straight back
    assert.equal(pool.status.leased, 0);
    assert.equal(pool.released[0]?.calls.length, 0);
  });

  it("pings through the client's ping", async () => {
    const { client, pool } = await connect();
    const seen: string[] = [];
    pool.behaviour = async (_c, name) => {
      seen.push(name);
      return {};
    };
    await client.ping();
    assert.deepEqual(seen, ["RFC_PING"]);
    pool.behaviour = () =>
      Promise.reject({
        name: "RfcLibError",
        group: 4,
        code: 1,
        codeString: "RFC_COMMUNICATION_FAILURE",
        key: "RFC_COMMUNICATION_FAILURE",
        message: "partner not reached",
      });
    await assert.rejects(client.ping(), isRfcError("COMMUNICATION_FAILURE"));
  });

  it("reports the pool's open connections (ready + leased) and closes them all", async () => {
    const { client, pool } = await connect({ poolSize: 2 });
    assert.equal(client.openConnections(), 0);
    const finishers: (() => void)[] = [];
    pool.behaviour = () => new Promise((resolve) => finishers.push(() => resolve({})));
    const first = client.call("Z_A", {});
    const second = client.call("Z_B", {});
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(client.openConnections(), 2);
    assert.deepEqual(pool.status, { ready: 0, leased: 2 });
    for (const finish of finishers) finish();
    await Promise.all([first, second]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(pool.status, { ready: 2, leased: 0 });
    assert.equal(client.openConnections(), 2);

    await client.close();
    assert.equal(pool.closed, true);
    assert.equal(client.openConnections(), 0);
    await assert.rejects(client.call("Z_A", {}), isRfcError("COMMUNICATION_FAILURE"));
  });
});
