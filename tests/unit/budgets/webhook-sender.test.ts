import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { HttpWebhookSender } from "../../../shared/adapters/webhooks/http-webhook-sender.js";

describe("the webhook sender's address checks", () => {
  const server = createServer((_req, res) => res.end("ok"));
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const strict = new HttpWebhookSender({ mayBePrivate: () => false });
  const request = (url: string) => ({ url, headers: {}, body: "{}", timeoutMs: 2000 });

  it("refuses private, loopback and link-local literals and this machine's names before connecting", async () => {
    for (const url of [
      "https://10.0.0.5/hook",
      "http://169.254.169.254/latest",
      "https://[::1]/x",
      "https://localhost/x",
    ])
      assert.match((await strict.refusal(url)) ?? "", /address|this machine/, url);
    const posted = await strict.post(request(`http://127.0.0.1:${port}/`));
    assert.equal(posted.kind, "refused");
  });

  it("checks the addresses a name resolves to when it connects (DNS rebinding)", async () => {
    // A name that is public when the endpoint is saved and loopback when it is used.
    let answers = [{ address: "93.184.216.34", family: 4 }];
    const sender = new HttpWebhookSender({ mayBePrivate: () => false, resolve: async () => answers });
    assert.equal(await sender.refusal(`http://hooks.example.test:${port}/`), undefined);
    answers = [
      { address: "93.184.216.34", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    assert.match((await sender.refusal(`http://hooks.example.test:${port}/`)) ?? "", /resolves to 127\.0\.0\.1/);
    answers = [{ address: "127.0.0.1", family: 4 }];
    const posted = await sender.post(request(`http://hooks.example.test:${port}/`));
    assert.equal(posted.kind, "refused");
    assert.match((posted as { message: string }).message, /resolves to 127\.0\.0\.1/);
  });

  it("posts to an allowed private host and reports its status", async () => {
    const open = new HttpWebhookSender({ mayBePrivate: (url) => url.host === `127.0.0.1:${port}` });
    assert.equal(await open.refusal(`http://127.0.0.1:${port}/`), undefined);
    assert.deepEqual(await open.post(request(`http://127.0.0.1:${port}/`)), { kind: "answered", status: 200 });
  });

  it("counts a receiver that does not answer in time as a network error (retried)", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      const open = new HttpWebhookSender({ mayBePrivate: () => true });
      const posted = await open.post({ ...request(`http://127.0.0.1:${silentPort}/`), timeoutMs: 200 });
      assert.equal(posted.kind, "network");
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
