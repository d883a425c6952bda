import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ClearfactsSimulator } from "../../../local/simulators/clearfacts-partner.js";
import type { InvoiceSourceSimulator } from "../../../local/simulators/invoice-source-partner.js";
import { eventually } from "../../support/eventually.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";
import { ublInvoice, type TestInvoice } from "../../support/ubl-invoice.js";

let host: TestHost;
let clearfacts: ClearfactsSimulator;
let source: InvoiceSourceSimulator;
let call: ReturnType<typeof apiClient>;
let admin: string;
let viewer: string;

async function upload(invoice: TestInvoice, token = admin, fileName = `${invoice.number}.xml`) {
  return call("POST", "/api/v1/invoices", {
    token,
    rawBody: ublInvoice(invoice),
    headers: { "content-type": "application/xml", "content-disposition": `attachment; filename="${fileName}"` },
  });
}

async function process(body: unknown = {}) {
  const r = await call("POST", "/api/v1/invoices/process", { token: admin, body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.data.job_id as string;
}

function finished(jobId: string): Promise<any> {
  return eventually(
    `invoice job ${jobId} to finish`,
    async () => {
      const r = await call("GET", `/api/v1/invoices/jobs/${jobId}`, { token: admin });
      return ["completed", "failed"].includes(r.body.data?.status) && r.body.data;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

async function invoice(id: string): Promise<any> {
  return (await call("GET", `/api/v1/invoices/${id}`, { token: admin })).body.data;
}

describe("invoice forwarding to Clearfacts", () => {
  before(async () => {
    // The local host starts the invoice source and Clearfacts simulators itself.
    host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,invoices",
        INVOICE_SOURCE_SIMULATOR_INVOICES: "12",
        INVOICES_RETRY_BASE_SECONDS: "1",
        INVOICES_MAX_ATTEMPTS: "4",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
      },
      { queuePollMs: 50, timers: false },
    );
    clearfacts = host.simulators.clearfacts!;
    source = host.simulators.invoiceSource!;
    call = apiClient(host.url);
    admin = await loginAs(call);
    viewer = await tokenFor(call, admin, "invoice-viewer", ["viewer"]);
  });

  after(async () => {
    await host?.stop();
  });

  it("forwards the source system's invoices: the invalid one refused, the resend a duplicate, the reused number flagged", async () => {
    const job = await finished(await process());
    assert.equal(job.status, "completed");
    assert.deepEqual(job.results, { total_invoices: 12, processed: 9, failed: 2, duplicates: 1, held: 0 });
    const codes = job.errors.map((e: any) => e.code).sort();
    assert.deepEqual(codes, ["INVOICE_NUMBER_REUSED", "VALIDATION_FAILED"]);
    assert.match(job.errors.find((e: any) => e.code === "VALIDATION_FAILED").error, /BR-CO-15 \(BT-112 /);
    assert.equal(clearfacts.uploads.length, 9);
    const listed = await call("GET", "/api/v1/invoices?page_size=100", { token: admin });
    const resend = listed.body.data.items.find((i: any) => i.source_ref === source.planted.resend.id);
    const original = listed.body.data.items.find((i: any) => i.source_ref === source.planted.resend.of);
    assert.deepEqual([resend.status, original.status].sort(), ["duplicate", "sent"]);

    // The next run takes only what the source received since: nothing twice.
    const again = await finished(await process());
    assert.equal(again.results.total_invoices, 0);
    assert.equal(clearfacts.uploads.length, 9);
  });

  it("forwards a valid invoice once; refuses an invalid one by rule and business term; catches a resend and a reused number", async () => {
    const first = await upload({ number: "INV-A-1" });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.data.status, "pending");
    assert.equal(first.body.data.valid, true);
    assert.equal(first.body.data.payable_amount, "121");
    const a = first.body.data.id as string;
    const job1 = await finished(await process({ invoice_ids: ["INV-A-1"] }));
    assert.deepEqual(job1.results, { total_invoices: 1, processed: 1, failed: 0, duplicates: 0, held: 0 });
    assert.equal((await invoice(a)).status, "sent");

    const invalid = await upload({ number: "INV-B-1", invalid: true });
    assert.equal(invalid.status, 201);
    assert.equal(invalid.body.data.valid, false);
    assert.ok(invalid.body.data.validation.findings.some((f: any) => f.ruleId === "BR-CO-15"));
    // The same invoice again under another file name, and another document reusing A's number.
    const resend = await upload({ number: "INV-A-1" }, admin, "resent-copy.xml");
    const reused = await upload({ number: "INV-A-1", net: "200.00" });

    const job2 = await finished(await process());
    assert.equal(job2.status, "completed");
    assert.deepEqual(job2.results, { total_invoices: 3, processed: 0, failed: 2, duplicates: 1, held: 0 });
    const byRef = new Map(job2.errors.map((e: any) => [e.invoice_ref, e]));
    const refused: any = byRef.get(invalid.body.data.id);
    assert.equal(refused.code, "VALIDATION_FAILED");
    assert.match(refused.error, /BR-CO-15 \(BT-112 /);
    assert.equal((byRef.get(reused.body.data.id) as any).code, "INVOICE_NUMBER_REUSED");
    const dup = await invoice(resend.body.data.id);
    assert.equal(dup.status, "duplicate");
    assert.equal(dup.duplicate_of, a);
    const aFile = (await invoice(a)).file_name;
    assert.equal(clearfacts.uploadsOf(aFile), 1, "only the first invoice reached Clearfacts");
    assert.equal(clearfacts.uploads.at(-1)!.vatNumber, "BE0202239951", "a purchase is filed under the buyer");
  });

  it("retries a Clearfacts outage with backoff and recovers with nothing sent twice", async () => {
    const before = clearfacts.uploads.length;
    clearfacts.setControls({ serverErrorRate: 1 });
    const d = (await upload({ number: "INV-D-1" })).body.data.id as string;
    const jobId = await process({ invoice_ids: [d] });
    await eventually(
      "two refused attempts",
      async () => (await invoice(d)).forwarding_attempts.filter((u: any) => u.state === "refused").length >= 2,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const waiting = await invoice(d);
    assert.equal(waiting.status, "pending");
    assert.equal(waiting.error.code, "EXTERNAL_API_ERROR");
    clearfacts.setControls({ serverErrorRate: 0 });
    const job = await finished(jobId);
    assert.deepEqual(job.results, { total_invoices: 1, processed: 1, failed: 0, duplicates: 0, held: 0 });
    assert.equal(clearfacts.uploads.length, before + 1);
    const sent = await invoice(d);
    assert.equal(sent.status, "sent");
    assert.ok(sent.forwarding_attempts.at(-1).state === "accepted");
  });

  it("fails an invoice whose retries run out, with the seed's EXTERNAL_API_ERROR details", async () => {
    clearfacts.setControls({ serverErrorRate: 1 });
    const e = (await upload({ number: "INV-E-1" })).body.data.id as string;
    const job = await finished(await process({ invoice_ids: [e] }));
    clearfacts.setControls({ serverErrorRate: 0 });
    assert.deepEqual(job.results, { total_invoices: 1, processed: 0, failed: 1, duplicates: 0, held: 0 });
    const [error] = job.errors;
    assert.equal(error.code, "EXTERNAL_API_ERROR");
    assert.equal(error.details.status_code, 500);
    assert.equal(error.details.retry_count, 4);
    assert.equal(error.details.api_endpoint, host.platform.settings.CLEARFACTS_API_URL);
    assert.equal((await invoice(e)).status, "failed");
  });

  it("reconciles an upload whose answer was lost instead of sending it again", async () => {
    clearfacts.setControls({ answerLostRate: 1 });
    const l = (await upload({ number: "INV-L-1" })).body.data.id as string;
    const job = await finished(await process({ invoice_ids: [l] }));
    clearfacts.setControls({ answerLostRate: 0 });
    assert.deepEqual(job.results, { total_invoices: 1, processed: 1, failed: 0, duplicates: 0, held: 0 });
    const sent = await invoice(l);
    assert.equal(sent.status, "sent");
    assert.equal(clearfacts.uploadsOf(sent.file_name), 1, "found at Clearfacts, not re-sent");
    assert.deepEqual(
      sent.forwarding_attempts.map((u: any) => u.state),
      ["accepted"],
    );
  });

  it("replays an invoice from its archived original under its original file name (admin, audited)", async () => {
    const r = (await upload({ number: "INV-R-1" })).body.data.id as string;
    await finished(await process({ invoice_ids: [r] }));
    const fileName = (await invoice(r)).file_name;
    assert.equal(clearfacts.uploadsOf(fileName), 1);
    const denied = await call("POST", `/api/v1/invoices/${r}/replay`, { token: viewer });
    assert.equal(denied.status, 403);

    const replay = await call("POST", `/api/v1/invoices/${r}/replay`, { token: admin });
    assert.equal(replay.status, 202);
    const replayed = await finished(replay.body.data.job_id);
    assert.equal(replayed.job_type, "replay");
    assert.deepEqual(replayed.results, { total_invoices: 1, processed: 1, failed: 0, duplicates: 0, held: 0 });
    assert.equal(clearfacts.uploadsOf(fileName), 2, "sent again, deliberately");
    const original = await (
      await fetch(`${host.url}/api/v1/invoices/${r}/ubl`, { headers: { authorization: `Bearer ${admin}` } })
    ).text();
    assert.equal(Buffer.from(clearfacts.uploads.at(-1)!.content).toString("utf8"), original);
    const after = await invoice(r);
    assert.equal(after.forwarding_attempts.at(-1).forced, true);
    const audit = await host.platform.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("resource_id", "=", r)
      .execute();
    assert.ok(audit.some((a) => a.action === "invoice.replay_requested"));
    assert.ok(audit.some((a) => a.action === "invoice.force_sent"));
  });

  it("never lets two jobs forward one invoice at once, and names ids it cannot take", async () => {
    const x = (await upload({ number: "INV-X-1" })).body.data.id as string;
    clearfacts.setControls({ latencyMs: 1500 });
    const first = await process({ invoice_ids: [x] });
    await eventually("the first job to hold the invoice", async () => (await invoice(x)).job_id === first, {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    const second = await finished(await process({ invoice_ids: [x, "NO-SUCH-INVOICE"] }));
    clearfacts.setControls({ latencyMs: 0 });
    assert.deepEqual(second.results, { total_invoices: 2, processed: 0, failed: 2, duplicates: 0, held: 0 });
    assert.deepEqual(
      second.errors.map((e: any) => [e.invoice_id, e.code]).sort(),
      [["INV-X-1", "IN_ANOTHER_JOB"].map((v, i) => (i === 0 ? x : v)), ["NO-SUCH-INVOICE", "NOT_FOUND"]].sort(),
    );
    const done = await finished(first);
    assert.equal(done.results.processed, 1);
    assert.equal(clearfacts.uploadsOf((await invoice(x)).file_name), 1);
  });

  it("serves the archived original byte for byte, to finance and admins only", async () => {
    const document = ublInvoice({ number: "INV-O-1" });
    const created = await call("POST", "/api/v1/invoices", {
      token: admin,
      rawBody: document,
      headers: { "content-type": "application/xml" },
    });
    const id = created.body.data.id as string;
    const r = await fetch(`${host.url}/api/v1/invoices/${id}/ubl`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), document);
    const denied = await call("GET", `/api/v1/invoices/${id}/ubl`, { token: viewer });
    assert.equal(denied.status, 403);
    const notUploaded = await upload({ number: "INV-O-2" }, viewer);
    assert.equal(notUploaded.status, 403);
  });

  it("validates without recording, in English, Dutch or French by Accept-Language", async () => {
    const document = ublInvoice({ number: "INV-V-1", invalid: true });
    const messages: Record<string, string> = {};
    for (const [header, language] of [
      ["nl-BE,nl;q=0.9", "nl"],
      ["fr-BE, en;q=0.5", "fr"],
      ["de", "en"],
    ] as const) {
      const r = await call("POST", "/api/v1/invoices/validate", {
        token: viewer,
        rawBody: document,
        headers: { "content-type": "text/xml; charset=utf-8", "accept-language": header },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.headers.get("content-language"), language);
      assert.equal(r.body.data.valid, false);
      messages[language] = r.body.data.findings.find((f: any) => f.ruleId === "BR-CO-15").message;
    }
    assert.notEqual(messages.nl, messages.en);
    assert.notEqual(messages.fr, messages.en);
    assert.notEqual(messages.fr, messages.nl);
    const listed = await call("GET", "/api/v1/invoices?page_size=100", { token: admin });
    assert.ok(!listed.body.data.items.some((i: any) => i.invoice_id === "INV-V-1"), "validation records nothing");
  });

  it("takes UBL documents from the invoices-inbound queue, once per source reference", async () => {
    const message = {
      messageId: "inbound-1",
      body: {
        ubl: ublInvoice({ number: "INV-Q-1" }),
        file_name: "q1.xml",
        invoice_type: "SALE",
        source_ref: "ERP-77",
      },
    };
    await host.platform.queue.send("invoices-inbound", message);
    await host.platform.queue.send("invoices-inbound", { ...message, messageId: "inbound-1-again" });
    const found = await eventually(
      "the queued invoice",
      async () => {
        const r = await call("GET", "/api/v1/invoices?status=pending&page_size=100", { token: admin });
        return r.body.data.items.find((i: any) => i.invoice_id === "INV-Q-1");
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    assert.equal(found.source, "queue");
    assert.equal(found.vat_number, "BE0123456749", "a sale is filed under the seller");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = await call("GET", "/api/v1/invoices?page_size=100", { token: admin });
    assert.equal(all.body.data.items.filter((i: any) => i.invoice_id === "INV-Q-1").length, 1);
  });

  it("tells Slack how each job ended, with its counts and a link, and sends a daily digest", async () => {
    const alerts = () =>
      host.logs
        .entries()
        .filter((e) => typeof e.message === "string" && e.message.startsWith("ALERT "))
        .map((e) => e as { message: string; alert: { severity: string; message: string; details: any } });
    const jobNotices = alerts().filter((a) => a.message.startsWith("ALERT Invoice manual job"));
    assert.ok(jobNotices.length >= 4, "one notice per finished job");
    const withProblems = jobNotices.find((a) => a.alert.details.failed > 0)!;
    assert.equal(withProblems.alert.severity, "warning");
    assert.match(withProblems.alert.details.link, /^\/api\/v1\/invoices\/jobs\/[0-9a-f-]{36}$/);
    assert.match(withProblems.alert.message, /\d+ invoices: \d+ sent, \d+ failed, \d+ duplicates, \d+ held/);

    await host.timers.run("invoices-digest");
    const digest = alerts().find((a) => a.message === "ALERT Invoice forwarding: daily digest");
    assert.ok(digest, "digest sent");
    const d = digest.alert.details;
    assert.ok(d.jobs >= 6);
    assert.ok(d.sent >= 12 && d.failed >= 4 && d.duplicates >= 2);
    assert.ok(d.waiting.failed >= 4, "invoices waiting for a person are counted");
  });
});
