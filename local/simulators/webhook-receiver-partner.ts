import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  verifyWebhook,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from "../../shared/index.js";

/**
 * A customer's webhook receiver as a real HTTP server: it takes any POST, verifies the
 * signature the way a receiver should (documented in docs/systems/budgets.md), records
 * the call, and de-duplicates on X-Webhook-Id. A switch makes it fail the next calls.
 */
export interface WebhookReceiverControls {
  /** The next this many calls are answered with `failStatus` (and recorded as failed). */
  readonly failNext: number;
  readonly failStatus: number;
}

export interface ReceivedWebhook {
  readonly receivedAt: string;
  readonly path: string;
  readonly deliveryId: string | null;
  readonly event: string | null;
  readonly signature: string | null;
  /** The body exactly as received (what the signature covers). */
  readonly body: string;
  /** Checked against every budget-webhook-* secret this host knows (its BUDGET_WEBHOOK_* settings). */
  readonly signatureValid: boolean;
  /** The setting whose secret verified the signature. */
  readonly verifiedWith: string | null;
  /** This delivery id was accepted before (a receiver acknowledges and ignores it). */
  readonly duplicate: boolean;
  /** The status answered. */
  readonly status: number;
}

const CALM: WebhookReceiverControls = { failNext: 0, failStatus: 503 };
const MAX_BODY_BYTES = 1024 * 1024;

export class WebhookReceiverSimulator {
  controls: WebhookReceiverControls = { ...CALM };
  readonly calls: ReceivedWebhook[] = [];
  url = "";
  readonly #secrets: () => readonly [string, string][];
  readonly #accepted = new Set<string>();
  readonly #server: Server;

  private constructor(secrets: () => readonly [string, string][]) {
    this.#secrets = secrets;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) answer(res, 500, { error: String(error) });
      });
    });
  }

  /** `secrets` lists the (setting name, secret) pairs a signature may be made with, read at each call (rotations apply). */
  static async start(secrets: () => readonly [string, string][]): Promise<WebhookReceiverSimulator> {
    const sim = new WebhookReceiverSimulator(secrets);
    await new Promise<void>((resolve) => sim.#server.listen(0, "127.0.0.1", resolve));
    sim.url = `http://127.0.0.1:${(sim.#server.address() as AddressInfo).port}`;
    return sim;
  }

  setControls(changes: Partial<WebhookReceiverControls>): void {
    this.controls = { ...this.controls, ...changes };
  }

  reset(): void {
    this.calls.length = 0;
    this.#accepted.clear();
    this.controls = { ...CALM };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") return answer(res, 405, { error: "POST only" });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return answer(res, 413, { error: "body too large" });
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString("utf8");
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === "string" ? value : null;
    };
    const signature = header(WEBHOOK_SIGNATURE_HEADER);
    const now = Math.floor(Date.now() / 1000);
    const verified = this.#secrets().find(
      ([, secret]) => verifyWebhook(secret, body, signature ?? undefined, now).valid,
    );
    const deliveryId = header(WEBHOOK_ID_HEADER);
    let status = verified ? 200 : 401;
    if (this.controls.failNext > 0) {
      this.setControls({ failNext: this.controls.failNext - 1 });
      status = this.controls.failStatus;
    }
    const duplicate = status === 200 && deliveryId !== null && this.#accepted.has(deliveryId);
    if (status === 200 && deliveryId) this.#accepted.add(deliveryId);
    this.calls.push({
      receivedAt: new Date().toISOString(),
      path: req.url ?? "/",
      deliveryId,
      event: header(WEBHOOK_EVENT_HEADER),
      signature,
      body,
      signatureValid: verified !== undefined,
      verifiedWith: verified?.[0] ?? null,
      duplicate,
      status,
    });
    answer(res, status, status === 200 ? { received: true, duplicate } : { error: "refused" });
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
