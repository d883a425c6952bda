import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { verifyWebhook } from "../../../shared/kernel/webhook-signature.js";
import { eventually } from "../../support/eventually.js";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

const ACME_SECRET = "acme-webhook-secret-0123456789abcdef";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let globexUser: string;
let receiverUrl: string;
let acmeHook: string;

/** Analyzes and imports a CSV for a customer (as the admin); the import's view. */
async function importCsv(csv: string, customer = "acme") {
  const form = new FormData();
  form.append("customerId", customer);
  form.append("file", new Blob([csv], { type: "text/csv" }), "budget.csv");
  const analyzed = await fetch(`${host.url}/api/v1/excel/analyze`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}` },
    body: form,
  });
  const analysis = (await analyzed.json()).data;
  assert.equal(analyzed.status, 200, JSON.stringify(analysis));
  const mappings = analysis.mappings.map((m: any) => ({ sourceColumn: m.sourceColumn, targetField: m.targetField }));
  const imported = await call("POST", "/api/v1/excel/import", {
    token: admin,
    body: { customerId: customer, fileId: analysis.fileId, mappings },
  });
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  return imported.body.data;
}

const goodCsv = (amount: string) =>
  `Department,Fiscal Period,Budget Amount,Currency\nEngineering,2025-01,${amount},EUR\nSales,2025-01,500.00,EUR\n`;
const badCsv = (n: number) =>
  `Department,Fiscal Period,Budget Amount,Currency\nEngineering,2025-0${n},not-a-number,EUR\nSales,2025-01,500.00,EUR\n`;

async function receiver() {
  const r = await call("GET", "/api/local/simulators/webhook-receiver", { token: admin });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

async function deliveries(customer = "acme", token = admin) {
  return call("GET", `/api/v1/webhooks/deliveries?customerId=${customer}&pageSize=100`, { token });
}

const alertsRaised = () =>
  host.logs.entries().filter((e) => String(e.msg ?? e.message ?? "").includes("Budget import failure rate high"));

describe("budget webhooks and import alerts", () => {
  before(async () => {
    host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,budgets",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
        BUDGET_WEBHOOK_ACME: ACME_SECRET,
        BUDGET_WEBHOOK_GLOBEX: "globex-webhook-secret-0123456789",
        BUDGETS_WEBHOOK_RETRY_BASE_SECONDS: "1",
        BUDGETS_WEBHOOK_MAX_ATTEMPTS: "4",
        BUDGETS_IMPORT_ALERT_MIN_IMPORTS: "3",
      },
      { queuePollMs: 50, timers: false },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    for (const [customerId, name] of [
      ["acme", "ACME"],
      ["globex", "Globex"],
    ] as const)
      assert.equal((await call("POST", "/api/v1/customers", { token: admin, body: { customerId, name } })).status, 201);
    globexUser = await tokenFor(call, admin, "globex-analyst", ["finance"]);
    const me = (await call("GET", "/api/v1/auth/me", { token: globexUser })).body.data;
    const bound = await call("PUT", `/api/v1/customers/globex/users/${me.id ?? me.user_id}`, { token: admin });
    assert.equal(bound.status, 200, JSON.stringify(bound.body));
    receiverUrl = (await receiver()).url;
  });

  after(async () => host?.stop());

  it("sends a correctly signed budget.import.completed when an import completes, and logs the delivery", async () => {
    const created = await call("POST", "/api/v1/webhooks", {
      token: admin,
      body: { customerId: "acme", url: `${receiverUrl}/hooks/acme`, description: "ERP listener" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.data.secretName, "budget-webhook-acme");
    assert.deepEqual(created.body.data.events, ["budget.import.completed", "budget.import.failed"]);
    assert.ok(!JSON.stringify(created.body).includes(ACME_SECRET), "the secret is never returned");
    acmeHook = created.body.data.webhookId;

    const imported = await importCsv(goodCsv("1000.00"));
    assert.equal(imported.status, "completed");
    const calls = await eventually("the webhook to arrive", async () => {
      const r = await receiver();
      return r.calls.length > 0 && r.calls;
    });
    assert.equal(calls.length, 1);
    const [got] = calls;
    assert.equal(got.path, "/hooks/acme");
    assert.equal(got.event, "budget.import.completed");
    assert.equal(got.signatureValid, true);
    assert.equal(got.verifiedWith, "BUDGET_WEBHOOK_ACME");
    // What a receiver does with the documented scheme, independently of the simulator.
    assert.equal(verifyWebhook(ACME_SECRET, got.body, got.signature, Math.floor(Date.now() / 1000)).valid, true);
    assert.match(got.signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse(got.body), {
      event: "budget.import.completed",
      customerId: "acme",
      importId: imported.importId,
      totalRows: 2,
      successRows: 2,
      errorRows: 0,
      timestamp: imported.completedAt,
    });

    const log = await eventually("the delivery to be logged delivered", async () => {
      const r = await deliveries();
      return r.body.data.items[0]?.outcome === "delivered" && r.body.data;
    });
    assert.equal(log.pagination.total, 1);
    assert.equal(log.items[0].deliveryId, got.deliveryId);
    assert.equal(log.items[0].attempt, 1);
    assert.equal(log.items[0].statusCode, 200);
    assert.equal(log.items[0].nextRetryAt, null);
    assert.equal(log.items[0].url, `${receiverUrl}/hooks/acme`);
    const metrics = await call("GET", "/api/metrics", { token: admin });
    assert.match(String(metrics.body), /budget_webhook_sent_total\{event="budget.import.completed"\} 1/);
  });

  it("retries a failing receiver with backoff until it answers, one delivery recorded, never sent twice", async () => {
    await call("PUT", "/api/local/simulators/webhook-receiver", {
      token: admin,
      body: { reset: true, failNext: 2, failStatus: 503 },
    });
    const failed = await importCsv(badCsv(1));
    assert.equal(failed.status, "failed");
    const delivered = await eventually(
      "the third attempt to be delivered",
      async () => {
        const item = (await deliveries()).body.data.items.find((d: any) => d.event === "budget.import.failed");
        return item?.outcome === "delivered" && item;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    assert.equal(delivered.attempt, 3);
    assert.equal(delivered.statusCode, 200);
    const log = (await deliveries()).body.data;
    assert.equal(log.items.filter((d: any) => d.event === "budget.import.failed").length, 1);
    const calls = (await receiver()).calls;
    assert.deepEqual(
      calls.map((c: any) => [c.deliveryId, c.status]),
      [
        [delivered.deliveryId, 503],
        [delivered.deliveryId, 503],
        [delivered.deliveryId, 200],
      ],
    );
    assert.equal(JSON.parse(calls[2].body).errorRows, 1);

    // The same attempt's message again (a redelivery after success): nothing is posted.
    await host.platform.queue.send("budget-webhooks", {
      messageId: `${delivered.deliveryId}:again`,
      body: { delivery_id: delivered.deliveryId, attempt: 3 },
    });
    await eventually("the redelivered message to be consumed", async () =>
      (await host.platform.queue.countActive("budget-webhooks")) === 0 ? true : undefined,
    );
    assert.equal((await receiver()).calls.length, 3);
  });

  it("refuses private, loopback and link-local URLs and plain secrets it cannot find, naming the field", async () => {
    for (const url of [
      "https://10.0.0.5/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost/hook",
      "https://[::1]/hook",
      "ftp://example.com/hook",
      "not a url",
    ]) {
      const r = await call("POST", "/api/v1/webhooks", { token: admin, body: { customerId: "acme", url } });
      assert.equal(r.status, 400, url);
      assert.equal(r.body.error.details.fields[0].field, "url", url);
    }
    const noSecret = await call("POST", "/api/v1/webhooks", {
      token: admin,
      body: { customerId: "acme", url: `${receiverUrl}/x`, secretName: "budget-webhook-acme-2" },
    });
    assert.equal(noSecret.status, 400);
    assert.equal(noSecret.body.error.details.fields[0].field, "secretName");
    const othersSecret = await call("POST", "/api/v1/webhooks", {
      token: admin,
      body: { customerId: "acme", url: `${receiverUrl}/x`, secretName: "budget-webhook-globex" },
    });
    assert.equal(othersSecret.status, 400);
  });

  it("keeps customers apart: another customer's webhook and log are 404, endpoints are managed by admins", async () => {
    const wrongCustomer = await call("DELETE", `/api/v1/webhooks/${acmeHook}?customerId=globex`, { token: admin });
    assert.equal(wrongCustomer.status, 404);
    assert.equal((await deliveries("acme", globexUser)).status, 404);
    assert.equal((await call("GET", "/api/v1/webhooks?customerId=acme", { token: globexUser })).status, 404);
    const own = await call("GET", "/api/v1/webhooks?customerId=globex", { token: globexUser });
    assert.deepEqual(own.body.data.items, []);
    const notAdmin = await call("POST", "/api/v1/webhooks", {
      token: globexUser,
      body: { customerId: "globex", url: `${receiverUrl}/globex` },
    });
    assert.equal(notAdmin.status, 403);
    const listed = await call("GET", "/api/v1/webhooks?customerId=acme", { token: admin });
    assert.deepEqual(
      listed.body.data.items.map((w: any) => w.webhookId),
      [acmeHook],
    );
  });

  it("raises one warning when the import failure rate passes 10% over enough imports", async () => {
    // Two imports so far (one completed, one failed): under the minimum of three, no alert.
    assert.equal(alertsRaised().length, 0);
    assert.equal((await importCsv(badCsv(2))).status, "failed");
    await eventually("the failure-rate alert", () => alertsRaised().length === 1);
    const [alert] = alertsRaised() as any[];
    assert.equal(alert.level, "warn");
    assert.equal(alert.alert.severity, "warning");
    assert.deepEqual(
      [alert.alert.details.failed, alert.alert.details.finished, alert.alert.details.threshold_percent],
      [2, 3, 10],
    );
    // Still failing a moment later: the alert stays quiet instead of repeating.
    assert.equal((await importCsv(badCsv(3))).status, "failed");
    assert.equal(alertsRaised().length, 1);
  });

  it("cancels pending deliveries of a deleted endpoint and stops sending to it", async () => {
    const deleted = await call("DELETE", `/api/v1/webhooks/${acmeHook}?customerId=acme`, { token: admin });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    const before = (await receiver()).calls.length;
    await importCsv(goodCsv("2000.00"), "acme");
    assert.equal((await receiver()).calls.length, before);
    assert.deepEqual((await call("GET", "/api/v1/webhooks?customerId=acme", { token: admin })).body.data.items, []);
  });
});
