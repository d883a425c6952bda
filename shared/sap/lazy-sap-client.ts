import { RfcError, type RfcParameters, type RfcResult, type SapRfcClient } from "../ports/sap-rfc.js";

/**
 * SAP connected on first use, not at start: the platform (health, identity, ESG, reports)
 * starts without SAP, and a connection that cannot be opened (missing sap-rfc-* secrets,
 * no node-rfc module or NW RFC SDK, SAP unreachable) fails that call as a
 * COMMUNICATION_FAILURE, which the breaker counts as SAP down. The next use tries again,
 * so SAP comes back by itself once it can be reached (the probe keeps trying).
 */
export class LazySapClient implements SapRfcClient {
  readonly #connect: () => Promise<SapRfcClient>;
  readonly #onConnectFailed: (error: unknown) => void;
  #client: Promise<SapRfcClient> | undefined;
  #connected: SapRfcClient | undefined;
  #lastFailure: string | undefined;

  /**
   * `onConnectFailed` hears why (for the log), once per distinct reason so a probe retrying
   * every few seconds does not repeat it; callers only learn that SAP is unreachable.
   */
  constructor(connect: () => Promise<SapRfcClient>, onConnectFailed: (error: unknown) => void) {
    this.#connect = connect;
    this.#onConnectFailed = onConnectFailed;
  }

  async call(functionName: string, parameters: RfcParameters, signal?: AbortSignal): Promise<RfcResult> {
    return (await this.#client_()).call(functionName, parameters, signal);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    return (await this.#client_()).ping(signal);
  }

  openConnections(): number {
    return this.#connected?.openConnections() ?? 0;
  }

  async close(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    this.#connected = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.close();
  }

  /** One connection attempt at a time; a failed one is forgotten so the next use retries. */
  #client_(): Promise<SapRfcClient> {
    this.#client ??= this.#connect().then(
      (client) => {
        this.#lastFailure = undefined;
        return (this.#connected = client);
      },
      (error: unknown) => {
        this.#client = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        if (reason !== this.#lastFailure) this.#onConnectFailed(error);
        this.#lastFailure = reason;
        throw error instanceof RfcError
          ? error
          : new RfcError("COMMUNICATION_FAILURE", "the SAP connection could not be opened");
      },
    );
    return this.#client;
  }
}
