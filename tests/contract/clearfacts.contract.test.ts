import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  ClearfactsClient,
  PERSONAL_ACCESS_TOKEN_LENGTH,
  personalAccessToken,
} from "../../shared/adapters/clearfacts/clearfacts-client.js";
import {
  PermanentUploadError,
  RetryableUploadError,
  type UploadRequest,
} from "../../shared/ports/accounting-platform.js";
import { ClearfactsSimulator } from "../../local/simulators/clearfacts-partner.js";

const TOKEN = "t".repeat(PERSONAL_ACCESS_TOKEN_LENGTH);
const VAT = "BE0123456749";
const UBL = new TextEncoder().encode(
  '<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
);
const document = { content: UBL, contentType: "application/xml" };
const request = (fileName: string): UploadRequest => ({
  vatNumber: VAT,
  fileName,
  invoiceType: "PURCHASE",
  idempotencyKey: `key-${fileName}`,
});

describe("Clearfacts adapter against the simulator over HTTP", () => {
  let sim: ClearfactsSimulator;
  const client = (token = TOKEN, timeoutMs = 2_000) =>
    new ClearfactsClient({
      url: sim.url,
      timeoutMs,
      authorization: personalAccessToken({ findSecret: async () => token }, "clearfacts-access-token"),
      lookup: async (ref) => {
        const found = sim.findUpload(ref);
        return found
          ? { status: "found", receipt: { uuid: found.uuid, amountOfPages: found.amountOfPages } }
          : { status: "absent" };
      },
    });

  before(async () => {
    sim = await ClearfactsSimulator.start({ tokens: [TOKEN], administrations: [VAT] });
  });
  after(() => sim.close());
  beforeEach(() => {
    sim.setControls({ latencyMs: 0, serverErrorRate: 0, throttleRate: 0, timeoutRate: 0, answerLostRate: 0 });
  });

  it("uploads the file as multipart GraphQL and returns Clearfacts' uuid and page count", async () => {
    const receipt = await client().upload(document, request("INV-1.xml"));
    assert.match(receipt.uuid, /^[0-9a-f-]{36}$/);
    assert.equal(receipt.amountOfPages, 1);
    const kept = sim.findUpload({ vatNumber: VAT, fileName: "INV-1.xml" });
    assert.equal(kept?.uuid, receipt.uuid);
    assert.equal(kept?.invoiceType, "PURCHASE");
    assert.deepEqual(kept?.content, UBL);
    assert.equal(sim.uploadsOf("INV-1.xml"), 1);
  });

  it("gives a retryable error carrying Retry-After on 429, and keeps nothing", async () => {
    sim.setControls({ throttleRate: 1, retryAfterSeconds: 7 });
    const error = await client()
      .upload(document, request("INV-429.xml"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof RetryableUploadError);
    assert.equal(error.statusCode, 429);
    assert.equal(error.retryAfterSeconds, 7);
    assert.equal(error.outcome, "not-accepted");
    assert.equal(error.apiEndpoint, sim.url);
    assert.equal(sim.uploadsOf("INV-429.xml"), 0);
  });

  it("gives a retryable error on 5xx", async () => {
    sim.setControls({ serverErrorRate: 1 });
    const error = await client()
      .upload(document, request("INV-500.xml"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof RetryableUploadError);
    assert.equal(error.statusCode, 500);
    assert.equal(error.outcome, "not-accepted");
  });

  it("gives a permanent auth error when the token is refused", async () => {
    const wrong = "w".repeat(PERSONAL_ACCESS_TOKEN_LENGTH);
    const error = await client(wrong)
      .upload(document, request("INV-401.xml"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof PermanentUploadError);
    assert.equal(error.statusCode, 401);
    assert.equal(error.reason, "auth");
  });

  it("refuses a token that is not a personal access token before calling", async () => {
    const before = sim.requests;
    const error = await client("short")
      .upload(document, request("INV-pat.xml"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof PermanentUploadError);
    assert.equal(error.reason, "auth");
    assert.equal(sim.requests, before);
  });

  it("gives a permanent error when Clearfacts rejects the upload (unknown administration)", async () => {
    const error = await client()
      .upload(document, { ...request("INV-vat.xml"), vatNumber: "BE0999999999" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof PermanentUploadError);
    assert.equal(error.reason, "rejected");
    assert.match(error.message, /BE0999999999/);
  });

  it("gives a retryable error of unknown outcome when no answer comes in time", async () => {
    sim.setControls({ timeoutRate: 1 });
    const error = await client(TOKEN, 200)
      .upload(document, request("INV-slow.xml"))
      .catch((e: unknown) => e);
    assert.ok(error instanceof RetryableUploadError);
    assert.equal(error.statusCode, undefined);
    assert.equal(error.outcome, "unknown");
    assert.match(error.message, /200 ms/);
  });

  it("after an answer is lost, the lookup finds the document so it need not be sent again", async () => {
    sim.setControls({ answerLostRate: 1 });
    const cf = client();
    const error = await cf.upload(document, request("INV-lost.xml")).catch((e: unknown) => e);
    assert.ok(error instanceof RetryableUploadError);
    assert.equal(error.outcome, "unknown");
    const lookup = await cf.findUpload({ vatNumber: VAT, fileName: "INV-lost.xml" });
    assert.equal(lookup.status, "found");
    assert.equal(sim.uploadsOf("INV-lost.xml"), 1);
    assert.deepEqual(await cf.findUpload({ vatNumber: VAT, fileName: "INV-never.xml" }), { status: "absent" });
  });

  it("without a lookup (Clearfacts in Azure) a lost answer is reported unknown, never absent", async () => {
    const real = new ClearfactsClient({ url: sim.url, timeoutMs: 1_000, authorization: async () => `Bearer ${TOKEN}` });
    const lookup = await real.findUpload({ vatNumber: VAT, fileName: "INV-1.xml" });
    assert.equal(lookup.status, "unknown");
  });
});
