/** Parameters and results of an RFC call, as SAP names them (IMPORTING/EXPORTING/TABLES). */
export type RfcParameters = Readonly<Record<string, unknown>>;
export type RfcResult = Record<string, unknown>;

/** Why an RFC call failed, in the classes node-rfc reports. */
export type RfcErrorType =
  /** The connection could not be opened or broke: SAP or the network is down. */
  | "COMMUNICATION_FAILURE"
  /** Logon refused (credentials, locked user). */
  | "LOGON_FAILURE"
  /** The call did not answer within the per-call timeout. */
  | "TIMEOUT"
  /** A runtime error inside SAP (short dump, SYSTEM_FAILURE). */
  | "SYSTEM_FAILURE"
  /** A classic exception the function module raised on purpose, e.g. NOT_FOUND. */
  | "ABAP_EXCEPTION";

export class RfcError extends Error {
  constructor(
    readonly type: RfcErrorType,
    message: string,
    /** The ABAP exception key (NOT_FOUND) when type is ABAP_EXCEPTION. */
    readonly key?: string,
  ) {
    super(message);
    this.name = "RfcError";
  }

  /** True when SAP itself (not the request) is at fault; these feed the circuit breaker. */
  get isOutage(): boolean {
    return this.type === "COMMUNICATION_FAILURE" || this.type === "LOGON_FAILURE" || this.type === "TIMEOUT";
  }
}

/**
 * One SAP system reached over RFC. The node-rfc adapter talks to a real system; the
 * simulator is the embedded default. Both throw RfcError and nothing else.
 */
export interface SapRfcClient {
  /** Calls a remote-enabled function module; `signal` aborts a call past its deadline. */
  call(functionName: string, parameters: RfcParameters, signal?: AbortSignal): Promise<RfcResult>;
  /** RFC_PING: resolves when the system answers. */
  ping(signal?: AbortSignal): Promise<void>;
  /** Open connections (the pool's size), for the sap_connection_pool_size gauge. */
  openConnections(): number;
  close(): Promise<void>;
}
