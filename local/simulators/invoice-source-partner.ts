import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  belgianIban,
  belgianVatNumber,
  invoiceXml,
  type SimulatedInvoiceModel,
  type SimulatedLine,
  type SimulatedParty,
} from "./simulated-ubl.js";

/**
 * The invoice source system (the seed's "Java backend") as a real HTTP server speaking
 * the protocol of docs/systems/invoices.md: `GET /invoices?since&cursor&limit` with a
 * bearer key, oldest first by (received_at, id). It serves a seeded, repeatable set of
 * Peppol BIS 3 invoices with three planted on purpose (see `PlantedDocuments`), and
 * switches make it down, slow, failing or throttling.
 */
export interface InvoiceSourceSimulatorControls {
  /** Every request answered 503 with Retry-After. */
  readonly down: boolean;
  readonly latencyMs: number;
  /** Share of requests answered 500. */
  readonly errorRate: number;
  /** Share of requests answered 429 with Retry-After. */
  readonly throttleRate: number;
  readonly retryAfterSeconds: number;
}

export interface InvoiceSourceSimulatorOptions {
  /** The bearer key accepted. */
  readonly apiKey: string;
  readonly seed?: number;
  /** Documents seeded (at least MIN_SEEDED_INVOICES, so the planted cases fit). */
  readonly count?: number;
  /** Days before `now` the seeded documents' received_at spread over. */
  readonly days?: number;
  /** The clock: seeded documents are placed before it, added ones at it. */
  readonly now?: () => number;
  readonly controls?: Partial<InvoiceSourceSimulatorControls>;
}

export interface SimulatedSourceDocument {
  readonly id: string;
  /** ISO 8601 UTC with milliseconds. */
  readonly receivedAt: string;
  readonly fileName: string;
  readonly ubl: string;
}

/** The documents seeded to be caught, by source id (and the one each repeats). */
export interface PlantedDocuments {
  /** Totals that do not add up: TaxInclusiveAmount is one euro more than net + VAT. */
  readonly invalid: { readonly id: string; readonly ruleId: "BR-CO-15" };
  /** The same document (seller, number, date, amount, currency) again under a new id and file name. */
  readonly resend: { readonly id: string; readonly of: string };
  /** Another document (a different amount) under the same seller and invoice number. */
  readonly reusedNumber: { readonly id: string; readonly of: string };
}

export const MIN_SEEDED_INVOICES = 8;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

const CALM: InvoiceSourceSimulatorControls = {
  down: false,
  latencyMs: 0,
  errorRate: 0,
  throttleRate: 0,
  retryAfterSeconds: 1,
};

/** The company the invoices are addressed to (the Clearfacts administration of its purchases). */
export const SIMULATED_BUYER: SimulatedParty = {
  name: "Brabant Finance Services NV",
  vatNumber: belgianVatNumber(4_518_236),
  street: "Kunstlaan 21",
  city: "Brussel",
  postalCode: "1000",
};

const SELLERS: readonly (SimulatedParty & { readonly iban: string; readonly prefix: string })[] = [
  ["Dupont & Fils SRL", 2_718_281, "Rue de la Loi 16", "Bruxelles", "1040", "DF"],
  ["Vlaamse Drukkerij BV", 3_141_592, "Meir 78", "Antwerpen", "2000", "VD"],
  ["Ardennes Logistique SA", 1_618_033, "Boulevard d'Avroy 5", "Liège", "4000", "AL"],
  ["Gentse Software Studio BV", 2_236_067, "Korenmarkt 3", "Gent", "9000", "GS"],
].map(([name, digits, street, city, postalCode, prefix], i) => ({
  name: name as string,
  vatNumber: belgianVatNumber(digits as number),
  street: street as string,
  city: city as string,
  postalCode: postalCode as string,
  prefix: prefix as string,
  iban: belgianIban(310 + i * 17, (digits as number) + 7),
}));

const PRODUCTS: readonly Omit<SimulatedLine, "quantity" | "priceCents">[] = [
  { name: "Consulting hours", vatPercent: 21 },
  { name: "Office paper A4, box of 5 reams", vatPercent: 21 },
  { name: "Printed brochures", vatPercent: 21 },
  { name: "Cloud hosting, monthly", vatPercent: 21 },
  { name: "Renovation works on a dwelling over 10 years old", vatPercent: 6 },
  { name: "Catering, sandwiches", vatPercent: 6 },
  { name: "Restaurant meal (excluding drinks)", vatPercent: 12 },
];

/** A number in [0, 1) from the seed and some labels: the same every run. */
function unit(...parts: (string | number)[]): number {
  return createHash("sha256").update(parts.join("|")).digest().readUInt32BE(0) / 2 ** 32;
}
const pick = <T>(list: readonly T[], ...parts: (string | number)[]) => list[Math.floor(unit(...parts) * list.length)]!;
const between = (low: number, high: number, ...parts: (string | number)[]) =>
  low + Math.floor(unit(...parts) * (high - low + 1));
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function seededModel(seed: number, i: number, receivedMs: number): SimulatedInvoiceModel {
  const seller = pick(SELLERS, seed, "seller", i);
  const issued = receivedMs - between(0, 3, seed, "age", i) * DAY_MS;
  const lines = Array.from({ length: between(1, 3, seed, "lines", i) }, (_, n) => ({
    ...pick(PRODUCTS, seed, "product", i, n),
    quantity: between(1, 12, seed, "quantity", i, n),
    priceCents: between(500, 250_000, seed, "price", i, n),
  }));
  return {
    number: `${seller.prefix}-${new Date(issued).getUTCFullYear()}-${String(1000 + i).padStart(5, "0")}`,
    issueDate: dateOf(issued),
    dueDate: dateOf(issued + 30 * DAY_MS),
    seller,
    buyer: SIMULATED_BUYER,
    buyerReference: `PO-${between(10_000, 99_999, seed, "po", i)}`,
    lines,
  };
}

/**
 * The seeded documents, oldest first, their received_at spread over `days` before `now`
 * (two share one instant, so ties are ordered by id), with the planted cases at fixed
 * places: the invalid one in the middle, the resend and the reused number last.
 */
export function seededDocuments(
  seed: number,
  count: number,
  now: number,
  days = 14,
): { documents: SimulatedSourceDocument[]; planted: PlantedDocuments } {
  if (count < MIN_SEEDED_INVOICES)
    throw new Error(`the invoice source simulator seeds at least ${MIN_SEEDED_INVOICES}`);
  const id = (i: number) => `SRC-${seed}-${String(i + 1).padStart(5, "0")}`;
  const step = Math.floor((days * DAY_MS) / (count + 1));
  const start = now - days * DAY_MS;
  const received = Array.from(
    { length: count },
    (_, i) => start + (i + 1) * step + Math.floor(unit(seed, "jitter", i) * (step / 2)),
  );
  received[3] = received[2]!;
  const invalidAt = Math.floor(count / 2);
  const models = received.map((ms, i) => seededModel(seed, i, ms));
  const documents: SimulatedSourceDocument[] = models.map((model, i) => {
    let planted: SimulatedInvoiceModel = model;
    if (i === invalidAt) planted = { ...model, totalsOffByCents: 100 };
    if (i === count - 1) {
      // The number, seller and date of document 2 on other lines (one more of the first).
      const of = models[2]!;
      planted = { ...of, lines: of.lines.map((l, n) => (n === 0 ? { ...l, quantity: l.quantity + 1 } : l)) };
    }
    if (i === count - 2) planted = models[1]!;
    const fileName = i === count - 2 ? `${planted.number}_resent.xml` : `invoice-${planted.number}.xml`;
    return { id: id(i), receivedAt: new Date(received[i]!).toISOString(), fileName, ubl: invoiceXml(planted) };
  });
  return {
    documents,
    planted: {
      invalid: { id: id(invalidAt), ruleId: "BR-CO-15" },
      resend: { id: id(count - 2), of: id(1) },
      reusedNumber: { id: id(count - 1), of: id(2) },
    },
  };
}

type Cursor = { readonly at: number; readonly id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.at, c.id])).toString("base64url");
function decodeCursor(text: string): Cursor | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    return typeof at === "number" && typeof id === "string" ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}
const after = (a: Cursor, b: Cursor) => a.at > b.at || (a.at === b.at && a.id > b.id);

export class InvoiceSourceSimulator {
  controls: InvoiceSourceSimulatorControls;
  readonly planted: PlantedDocuments;
  /** Requests that reached the list, answered or not. */
  requests = 0;
  url = "";
  readonly #options: InvoiceSourceSimulatorOptions;
  readonly #documents: SimulatedSourceDocument[];
  readonly #server: Server;
  #added = 0;

  private constructor(options: InvoiceSourceSimulatorOptions) {
    this.#options = options;
    this.controls = { ...CALM, ...options.controls };
    const seeded = seededDocuments(options.seed ?? 1, options.count ?? 25, this.#now(), options.days);
    this.#documents = seeded.documents;
    this.planted = seeded.planted;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: String(error) });
      });
    });
  }

  static async start(options: InvoiceSourceSimulatorOptions): Promise<InvoiceSourceSimulator> {
    const sim = new InvoiceSourceSimulator(options);
    await new Promise<void>((resolve) => sim.#server.listen(0, "127.0.0.1", resolve));
    sim.url = `http://127.0.0.1:${(sim.#server.address() as AddressInfo).port}`;
    return sim;
  }

  /** Every document, oldest first by (received_at, id). */
  get documents(): readonly SimulatedSourceDocument[] {
    return [...this.#documents].sort((a, b) => compare(key(a), key(b)));
  }

  setControls(patch: Partial<InvoiceSourceSimulatorControls>): InvoiceSourceSimulatorControls {
    this.controls = {
      ...this.controls,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    return this.controls;
  }

  /** A document the source receives now (or at `receivedAt`): the next listing from before it includes it. */
  add(
    ubl: string,
    options: { readonly id?: string; readonly fileName?: string; readonly receivedAt?: string } = {},
  ): SimulatedSourceDocument {
    const id = options.id ?? `SRC-${this.#options.seed ?? 1}-added-${String(++this.#added).padStart(5, "0")}`;
    if (this.#documents.some((d) => d.id === id)) throw new Error(`the invoice source already holds ${id}`);
    const at = options.receivedAt === undefined ? this.#now() : Date.parse(options.receivedAt);
    if (Number.isNaN(at)) throw new Error(`receivedAt ${options.receivedAt} is not a date`);
    const document = { id, receivedAt: new Date(at).toISOString(), fileName: options.fileName ?? `${id}.xml`, ubl };
    this.#documents.push(document);
    return document;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator");
    if (req.method !== "GET" || url.pathname !== "/invoices") return json(res, 404, { error: "not found" });
    if (req.headers.authorization !== `Bearer ${this.#options.apiKey}`)
      return json(res, 401, { error: "invalid or missing API key" });
    const n = ++this.requests;
    const c = this.controls;
    if (c.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, c.latencyMs));
    if (c.down)
      return json(res, 503, { error: "down for maintenance" }, { "retry-after": String(c.retryAfterSeconds) });
    const seed = this.#options.seed ?? 1;
    if (unit(seed, "throttle", n) < c.throttleRate)
      return json(res, 429, { error: "too many requests" }, { "retry-after": String(c.retryAfterSeconds) });
    if (unit(seed, "5xx", n) < c.errorRate) return json(res, 500, { error: "internal error" });

    const since = url.searchParams.get("since");
    const sinceMs = since === null ? -Infinity : Date.parse(since);
    if (Number.isNaN(sinceMs)) return json(res, 400, { error: "since must be an ISO 8601 date-time" });
    const limitText = url.searchParams.get("limit") ?? "100";
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_PAGE_SIZE)
      return json(res, 400, { error: `limit must be 1..${MAX_PAGE_SIZE}` });
    const cursorText = url.searchParams.get("cursor");
    const cursor = cursorText === null ? undefined : decodeCursor(cursorText);
    if (cursorText !== null && !cursor) return json(res, 400, { error: "unknown cursor" });

    const matching = this.documents.filter((d) => {
      const k = key(d);
      return k.at >= sinceMs && (!cursor || after(k, cursor));
    });
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    json(res, 200, {
      invoices: page.map((d) => ({ id: d.id, received_at: d.receivedAt, file_name: d.fileName, ubl: d.ubl })),
      next_cursor: matching.length > limit && last ? encodeCursor(key(last)) : null,
    });
  }
}

const key = (d: SimulatedSourceDocument): Cursor => ({ at: Date.parse(d.receivedAt), id: d.id });
const compare = (a: Cursor, b: Cursor) => (after(a, b) ? 1 : after(b, a) ? -1 : 0);

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
