import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { InvoiceSourceClient } from "../../shared/adapters/invoice-source/invoice-source-client.js";
import {
  InvoiceSourceRefusedError,
  InvoiceSourceUnavailableError,
  type SourceInvoice,
} from "../../shared/ports/invoice-source.js";
import { validateInvoiceXml } from "../../shared/systems/invoices/index.js";
import {
  InvoiceSourceSimulator,
  SIMULATED_BUYER,
  seededDocuments,
} from "../../local/simulators/invoice-source-partner.js";

const KEY = "source-key-for-tests";
const NOW = Date.parse("2026-03-02T09:00:00.000Z");
const text = (invoice: SourceInvoice) => new TextDecoder().decode(invoice.content);
/** BT-1 and BT-112 as the document states them. */
const numberOf = (ubl: string) => /<cbc:ID>([^<]+)<\/cbc:ID>/.exec(ubl)?.[1];
const payableOf = (ubl: string) => /<cbc:PayableAmount currencyID="EUR">([^<]+)</.exec(ubl)?.[1];

describe("Invoice source adapter against the simulator over HTTP", () => {
  let sim: InvoiceSourceSimulator;
  const client = (options: { key?: string; timeoutMs?: number; maxResponseBytes?: number } = {}) =>
    new InvoiceSourceClient({
      baseUrl: sim.url,
      timeoutMs: options.timeoutMs ?? 2_000,
      apiKey: async () => options.key ?? KEY,
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    });
  async function listAll(since: string | null, pageSize: number) {
    const all: SourceInvoice[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client().listSince(since, cursor, pageSize);
      all.push(...page.invoices);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    return { all, pages };
  }

  before(async () => {
    sim = await InvoiceSourceSimulator.start({ apiKey: KEY, seed: 7, count: 25, now: () => NOW });
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.setControls({ down: false, latencyMs: 0, errorRate: 0, throttleRate: 0 });
  });

  it("pages through every document with the cursor, oldest first by (received_at, id)", async () => {
    const { all, pages } = await listAll(null, 4);
    assert.equal(pages, 7);
    assert.deepEqual(
      all.map((i) => i.sourceId),
      sim.documents.map((d) => d.id),
    );
    assert.equal(new Set(all.map((i) => i.sourceId)).size, 25);
    const keys = all.map((i) => `${i.receivedAt}|${i.sourceId}`);
    assert.deepEqual(keys, [...keys].sort());
    // Two documents share an instant: the tie is ordered by id, across a page boundary too.
    assert.equal(all[2]!.receivedAt, all[3]!.receivedAt);
    assert.equal(text(all[0]!), sim.documents[0]!.ubl);
    assert.match(all[0]!.fileName ?? "", /\.xml$/);
    assert.ok(all.every((i) => Date.parse(i.receivedAt) < NOW));
  });

  it("lists from `since` inclusive, so a document at the watermark's instant is listed again", async () => {
    const docs = sim.documents;
    const since = docs[10]!.receivedAt;
    const { all } = await listAll(since, 5);
    assert.deepEqual(
      all.map((i) => i.sourceId),
      docs.slice(10).map((d) => d.id),
    );
    const tie = docs[2]!.receivedAt;
    const fromTie = await client().listSince(tie, null, 2);
    assert.deepEqual(
      fromTie.invoices.map((i) => i.sourceId),
      [docs[2]!.id, docs[3]!.id],
    );
  });

  it("lists a document added at run time from the last watermark, and nothing older", async () => {
    const since = sim.documents.at(-1)!.receivedAt;
    const added = sim.add(sim.documents[0]!.ubl, { id: "SRC-added-test", fileName: "late.xml" });
    const page = await client().listSince(since, null, 100);
    assert.deepEqual(
      page.invoices.map((i) => [i.sourceId, i.fileName]),
      [
        [sim.documents.at(-2)!.id, sim.documents.at(-2)!.fileName],
        ["SRC-added-test", "late.xml"],
      ],
    );
    assert.equal(page.invoices[1]!.receivedAt, added.receivedAt);
    assert.equal(added.receivedAt, new Date(NOW).toISOString());
    assert.equal(page.nextCursor, null);
  });

  it("refuses a wrong key as a permanent auth error", async () => {
    const error = await client({ key: "wrong" })
      .listSince(null, null, 10)
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvoiceSourceRefusedError, String(error));
    assert.equal(error.reason, "auth");
    assert.equal(error.statusCode, 401);
    assert.equal(error.apiEndpoint, `${sim.url}/invoices`);
  });

  it("gives an unavailable error carrying Retry-After on 429", async () => {
    sim.setControls({ throttleRate: 1, retryAfterSeconds: 9 });
    const error = await client()
      .listSince(null, null, 10)
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvoiceSourceUnavailableError, String(error));
    assert.equal(error.statusCode, 429);
    assert.equal(error.retryAfterSeconds, 9);
    assert.equal(error.apiEndpoint, `${sim.url}/invoices`);
  });

  it("gives an unavailable error on 5xx and when the source is down", async () => {
    sim.setControls({ errorRate: 1 });
    const failing = await client()
      .ping()
      .catch((e: unknown) => e);
    assert.ok(failing instanceof InvoiceSourceUnavailableError);
    assert.equal(failing.statusCode, 500);
    sim.setControls({ errorRate: 0, down: true });
    const down = await client()
      .listSince(null, null, 10)
      .catch((e: unknown) => e);
    assert.ok(down instanceof InvoiceSourceUnavailableError);
    assert.equal(down.statusCode, 503);
    sim.setControls({ down: false });
    await client().ping();
  });

  it("gives an unavailable error without status when no answer comes in time", async () => {
    sim.setControls({ latencyMs: 1_000 });
    const error = await client({ timeoutMs: 100 })
      .listSince(null, null, 10)
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvoiceSourceUnavailableError, String(error));
    assert.equal(error.statusCode, undefined);
    assert.match(error.message, /no answer within 100 ms/);
  });

  it("refuses an answer larger than its cap instead of reading it", async () => {
    const error = await client({ maxResponseBytes: 20_000 })
      .listSince(null, null, 25)
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvoiceSourceRefusedError, String(error));
    assert.equal(error.reason, "protocol");
    assert.match(error.message, /larger than 20000 bytes/);
    // A page that fits is read.
    const small = await client({ maxResponseBytes: 20_000 }).listSince(null, null, 1);
    assert.equal(small.invoices.length, 1);
  });

  it("stops reading a streamed answer without Content-Length once it passes the cap", async () => {
    let written = 0;
    const endless = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = `{"invoices":[${" ".repeat(4096)}`;
      const pump = () => {
        while (written < 10_000_000 && res.write(chunk)) written += chunk.length;
        if (written >= 10_000_000) res.end();
      };
      res.on("drain", pump);
      res.on("close", () => res.off("drain", pump));
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    try {
      const error = await new InvoiceSourceClient({
        baseUrl: `http://127.0.0.1:${(endless.address() as AddressInfo).port}`,
        timeoutMs: 5_000,
        apiKey: async () => KEY,
        maxResponseBytes: 50_000,
      })
        .listSince(null, null, 10)
        .catch((e: unknown) => e);
      assert.ok(error instanceof InvoiceSourceRefusedError, String(error));
      assert.match(error.message, /larger than 50000 bytes/);
      assert.ok(written < 10_000_000, `the server could write only ${written} bytes`);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });

  it("answers a bad request (a cursor it never gave) with a permanent protocol error", async () => {
    const error = await client()
      .listSince(null, "not-a-cursor", 10)
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvoiceSourceRefusedError);
    assert.equal(error.statusCode, 400);
    assert.equal(error.reason, "protocol");
  });
});

describe("The invoice source simulator's seeded documents", () => {
  const { documents, planted } = seededDocuments(7, 25, NOW);
  const byId = new Map(documents.map((d) => [d.id, d]));

  it("are valid Peppol BIS 3 invoices, except the one planted invalid, which breaks BR-CO-15 only", () => {
    for (const d of documents) {
      const report = validateInvoiceXml(d.ubl);
      const fatal = report.findings.filter((f) => f.severity === "fatal").map((f) => f.ruleId);
      if (d.id === planted.invalid.id) assert.deepEqual(fatal, ["BR-CO-15"], d.id);
      else assert.deepEqual(fatal, [], `${d.id}: ${JSON.stringify(report.findings)}`);
      assert.equal(report.ruleSet?.id, "PEPPOL-BIS-BILLING-3.0");
    }
  });

  it("are the same for the same seed, count and clock, and differ for another seed", () => {
    assert.deepEqual(seededDocuments(7, 25, NOW), { documents, planted });
    assert.notDeepEqual(seededDocuments(8, 25, NOW).documents, documents);
  });

  it("plant a resend under a new id and file name, and another document under a reused number", () => {
    const resend = byId.get(planted.resend.id)!;
    const original = byId.get(planted.resend.of)!;
    assert.notEqual(resend.fileName, original.fileName);
    assert.equal(resend.ubl, original.ubl);
    assert.ok(resend.receivedAt > original.receivedAt);

    const reused = byId.get(planted.reusedNumber.id)!;
    const first = byId.get(planted.reusedNumber.of)!;
    assert.equal(numberOf(reused.ubl), numberOf(first.ubl));
    assert.notEqual(payableOf(reused.ubl), payableOf(first.ubl));
    // No other two documents share an invoice number.
    const numbers = documents.filter((d) => d.id !== resend.id && d.id !== reused.id).map((d) => numberOf(d.ubl));
    assert.equal(new Set(numbers).size, numbers.length);
  });

  it("are addressed to one Belgian buyer with checksum-valid VAT numbers", () => {
    const mod97 = (vat: string) => 97 - (Number(vat.slice(2, 10)) % 97) === Number(vat.slice(10));
    assert.ok(mod97(SIMULATED_BUYER.vatNumber));
    for (const d of documents) {
      const vats = [...d.ubl.matchAll(/<cbc:CompanyID>(BE\d{10})<\/cbc:CompanyID>/g)].map((m) => m[1]!);
      assert.equal(vats.length, 2);
      assert.equal(vats[1], SIMULATED_BUYER.vatNumber);
      assert.ok(vats.every(mod97), vats.join(","));
    }
  });
});
