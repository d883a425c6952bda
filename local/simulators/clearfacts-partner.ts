import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Clearfacts as a real HTTP server speaking its public protocol: POST /graphql with a
 * bearer token, the `uploadFile` mutation as multipart form data (`query`, `variables`,
 * `file`), answering `{ data: { uploadFile: { uuid, amountOfPages } } }`. Switches make it
 * slow, failing, throttling, silent, or keep a document and lose the answer; it records
 * every upload so tests can count them per file.
 */
export interface ClearfactsSimulatorControls {
  readonly latencyMs: number;
  /** Share of uploads refused with 500 (nothing kept). */
  readonly serverErrorRate: number;
  /** Share of uploads refused with 429 and Retry-After (nothing kept). */
  readonly throttleRate: number;
  readonly retryAfterSeconds: number;
  /** Share of uploads never answered (nothing kept; the connection stays open). */
  readonly timeoutRate: number;
  /** Share of uploads kept, then the connection dropped before any answer. */
  readonly answerLostRate: number;
}

export interface ClearfactsSimulatorOptions {
  /** Bearer tokens accepted. */
  readonly tokens: readonly string[];
  /** Administrations (VAT numbers) known; any when absent. */
  readonly administrations?: readonly string[];
  readonly seed?: number;
  readonly controls?: Partial<ClearfactsSimulatorControls>;
}

export interface SimulatedUpload {
  readonly uuid: string;
  readonly vatNumber: string;
  readonly fileName: string;
  readonly invoiceType: "PURCHASE" | "SALE";
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly amountOfPages: number;
}

/** Clearfacts takes documents of a few megabytes; more is refused before parsing. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const CALM: ClearfactsSimulatorControls = {
  latencyMs: 0,
  serverErrorRate: 0,
  throttleRate: 0,
  retryAfterSeconds: 1,
  timeoutRate: 0,
  answerLostRate: 0,
};

/** A number in [0, 1) from the seed and some labels: the same every run. */
function unit(...parts: (string | number)[]): number {
  return createHash("sha256").update(parts.join("|")).digest().readUInt32BE(0) / 2 ** 32;
}

export class ClearfactsSimulator {
  controls: ClearfactsSimulatorControls;
  readonly uploads: SimulatedUpload[] = [];
  /** Every upload request that reached the server, answered or not. */
  requests = 0;
  url = "";
  readonly #options: ClearfactsSimulatorOptions;
  readonly #server: Server;
  readonly #silent = new Set<ServerResponse>();

  private constructor(options: ClearfactsSimulatorOptions) {
    this.#options = options;
    this.controls = { ...CALM, ...options.controls };
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { errors: [{ message: String(error) }] });
      });
    });
  }

  static async start(options: ClearfactsSimulatorOptions): Promise<ClearfactsSimulator> {
    const sim = new ClearfactsSimulator(options);
    await new Promise<void>((resolve) => sim.#server.listen(0, "127.0.0.1", resolve));
    sim.url = `http://127.0.0.1:${(sim.#server.address() as AddressInfo).port}/graphql`;
    return sim;
  }

  setControls(patch: Partial<ClearfactsSimulatorControls>): ClearfactsSimulatorControls {
    this.controls = {
      ...this.controls,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    return this.controls;
  }

  /** How many times a file name was kept (exactly-once means 1). */
  uploadsOf(fileName: string): number {
    return this.uploads.filter((u) => u.fileName === fileName).length;
  }

  /** The document kept under a VAT number and file name, newest first. */
  findUpload(ref: { vatNumber: string; fileName: string }): SimulatedUpload | undefined {
    return this.uploads.findLast((u) => u.vatNumber === ref.vatNumber && u.fileName === ref.fileName);
  }

  async close(): Promise<void> {
    for (const res of this.#silent) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== "/graphql")
      return json(res, 404, { errors: [{ message: "not found" }] });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || !this.#options.tokens.includes(token))
      return json(res, 401, { errors: [{ message: "invalid or missing access token" }] });

    const body = await readCapped(req, MAX_UPLOAD_BYTES);
    if (!body) return json(res, 413, { errors: [{ message: `upload larger than ${MAX_UPLOAD_BYTES} bytes` }] });
    const n = ++this.requests;
    const c = this.controls;
    if (c.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, c.latencyMs));
    const seed = this.#options.seed ?? 1;
    if (unit(seed, "timeout", n) < c.timeoutRate) return void this.#silent.add(res);
    if (unit(seed, "throttle", n) < c.throttleRate) {
      res.setHeader("retry-after", String(c.retryAfterSeconds));
      return json(res, 429, { errors: [{ message: "too many requests" }] });
    }
    if (unit(seed, "5xx", n) < c.serverErrorRate) return json(res, 500, { errors: [{ message: "internal error" }] });

    const parsed = await parseUpload(req.headers["content-type"] ?? "", body);
    if (typeof parsed === "string")
      return json(res, 200, { data: { uploadFile: null }, errors: [{ message: parsed }] });
    const known = this.#options.administrations;
    if (known && !known.includes(parsed.vatNumber))
      return json(res, 200, {
        data: { uploadFile: null },
        errors: [{ message: `no administration with VAT number ${parsed.vatNumber}` }],
      });

    const upload: SimulatedUpload = { ...parsed, uuid: randomUUID(), amountOfPages: 1 };
    this.uploads.push(upload);
    if (unit(seed, "lost", n) < c.answerLostRate) return void res.socket?.destroy();
    json(res, 200, { data: { uploadFile: { uuid: upload.uuid, amountOfPages: upload.amountOfPages } } });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The body, or undefined once it passes `cap` bytes. */
async function readCapped(req: IncomingMessage, cap: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The upload's variables and file from the multipart form, or why it is refused. */
async function parseUpload(
  contentType: string,
  body: Buffer,
): Promise<Omit<SimulatedUpload, "uuid" | "amountOfPages"> | string> {
  if (!contentType.startsWith("multipart/form-data")) return "uploadFile needs a multipart/form-data request";
  let form: FormData;
  try {
    form = await new Request("http://simulator/graphql", {
      method: "POST",
      headers: { "content-type": contentType },
      body: new Uint8Array(body),
    }).formData();
  } catch {
    return "unreadable multipart body";
  }
  const query = textField(form, "query");
  if (!/\buploadFile\s*\(/.test(query)) return "query must be the uploadFile mutation";
  let variables: { vatnumber?: unknown; filename?: unknown; invoicetype?: unknown };
  try {
    variables = JSON.parse(textField(form, "variables")) as typeof variables;
  } catch {
    return "variables must be JSON";
  }
  const { vatnumber, filename, invoicetype } = variables;
  if (typeof vatnumber !== "string" || !vatnumber) return "variable vatnumber is required";
  if (typeof filename !== "string" || !filename) return "variable filename is required";
  if (invoicetype !== "PURCHASE" && invoicetype !== "SALE") return "invoicetype must be PURCHASE or SALE";
  const file = form.get("file");
  if (!(file instanceof Blob) || file.size === 0) return "a non-empty file part is required";
  return {
    vatNumber: vatnumber,
    fileName: filename,
    invoiceType: invoicetype,
    contentType: file.type,
    content: new Uint8Array(await file.arrayBuffer()),
  };
}

/** A text part of the form ("" when absent or a file). */
function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
