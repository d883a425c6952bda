import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import { AlertDispatcher } from "../../../shared/foundation/alert-dispatcher.js";
import { EnvSecretStore } from "../../../shared/adapters/azure/secrets.js";
import { createLogger } from "../../../shared/foundation/logger.js";
import { PlatformMetrics } from "../../../shared/foundation/metrics.js";
import { ManualClock } from "../../support/manual-clock.js";
import { freePort } from "../../support/test-host.js";

describe("alerts: log and metric always, webhooks and e-mail when configured", () => {
  const clock = new ManualClock("2031-02-03T04:05:06.000Z");
  const posts: { path: string; body: any }[] = [];
  const mails: string[] = [];
  let web: Server;
  let smtp: SMTPServer;
  let webUrl = "";
  let smtpPort = 0;

  before(async () => {
    web = createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        posts.push({ path: req.url ?? "", body: JSON.parse(text) });
        res.writeHead(req.url === "/broken" ? 500 : 200).end("ok");
      });
    });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onAuth: (auth, _session, cb) =>
        cb(auth.username === "alerts" && auth.password === "smtp-secret" ? null : new Error("bad auth"), {
          user: auth.username,
        }),
      onData: (stream, _session, cb) => {
        let text = "";
        stream.on("data", (c: Buffer) => (text += c.toString()));
        stream.on("end", () => {
          mails.push(text);
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(smtpPort, "127.0.0.1", r));
  });
  after(async () => {
    web.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it("delivers to Slack, the generic webhook and e-mail, and counts the alert", async () => {
    const lines: string[] = [];
    const metrics = new PlatformMetrics();
    const alerts = new AlertDispatcher({
      clock,
      logger: createLogger("info", {}, (l) => void lines.push(l)),
      metrics,
      secrets: new EnvSecretStore({
        ALERT_SLACK_WEBHOOK_URL: `${webUrl}/slack`,
        ALERT_WEBHOOK_URL: `${webUrl}/generic`,
        SMTP_PASSWORD: "smtp-secret",
      }),
      email: {
        host: "127.0.0.1",
        port: smtpPort,
        secure: false,
        user: "alerts",
        from: "platform@example.test",
        to: ["ops@example.test"],
      },
    });
    await alerts.raise({
      source: "esg-daily-file",
      severity: "critical",
      title: "ESG run failed",
      message: "7% of accounts failed",
      details: { failed: 7000 },
      correlationId: "corr-9",
    });

    const slack = posts.find((p) => p.path === "/slack")!;
    assert.match(slack.body.text, /ESG run failed/);
    assert.match(slack.body.text, /7% of accounts failed/);
    const generic = posts.find((p) => p.path === "/generic")!;
    assert.equal(generic.body.source, "esg-daily-file");
    assert.equal(generic.body.severity, "critical");
    assert.deepEqual(generic.body.details, { failed: 7000 });
    assert.equal(mails.length, 1);
    assert.match(mails[0]!, /Subject: \[CRITICAL\] ESG run failed/);
    assert.match(mails[0]!, /corr-9/);
    assert.match(lines.join("\n"), /"level":"error","message":"ALERT ESG run failed"/);
    assert.match(await metrics.render(), /alerts_raised_total\{source="esg-daily-file",severity="critical"\} 1/);
  });

  it("triggers a PagerDuty incident through the Events API v2 when a routing key is set", async () => {
    const alerts = new AlertDispatcher({
      clock,
      logger: createLogger("error", {}, () => undefined),
      metrics: new PlatformMetrics(),
      secrets: new EnvSecretStore({ ALERT_PAGERDUTY_ROUTING_KEY: "routing-key-1" }),
      pagerDutyEventsUrl: `${webUrl}/v2/enqueue`,
    });
    await alerts.raise({
      source: "esg-daily-file",
      severity: "warning",
      title: "ESG run forecast to miss its window",
      message: "ETA 09:40",
      details: { run_id: "r1" },
      dedupKey: "r1:forecast",
    });
    const event = posts.find((p) => p.path === "/v2/enqueue")!.body;
    assert.equal(event.routing_key, "routing-key-1");
    assert.equal(event.event_action, "trigger");
    assert.equal(event.dedup_key, "esg-daily-file:r1:forecast");
    assert.equal(event.payload.severity, "warning");
    assert.equal(event.payload.source, "esg-daily-file");
    assert.match(event.payload.summary, /forecast to miss its window: ETA 09:40/);
    assert.deepEqual(event.payload.custom_details, { run_id: "r1" });
    assert.equal(event.payload.timestamp, "2031-02-03T04:05:06.000Z", "stamped by the platform clock");
  });

  it("pages PagerDuty for warnings and critical alerts only, never for an info notice", async () => {
    const alerts = new AlertDispatcher({
      clock,
      logger: createLogger("error", {}, () => undefined),
      metrics: new PlatformMetrics(),
      secrets: new EnvSecretStore({ ALERT_PAGERDUTY_ROUTING_KEY: "routing-key-2" }),
      pagerDutyEventsUrl: `${webUrl}/v2/enqueue-info`,
    });
    await alerts.raise({ source: "invoice-forwarding", severity: "info", title: "Job completed", message: "3 sent" });
    assert.equal(posts.filter((p) => p.path === "/v2/enqueue-info").length, 0);
    await alerts.raise({
      source: "invoice-forwarding",
      severity: "warning",
      title: "Job completed",
      message: "1 failed",
    });
    assert.equal(posts.filter((p) => p.path === "/v2/enqueue-info").length, 1);
  });

  it("logs and counts a failing channel without throwing at the caller", async () => {
    const lines: string[] = [];
    const metrics = new PlatformMetrics();
    const alerts = new AlertDispatcher({
      clock,
      logger: createLogger("info", {}, (l) => void lines.push(l)),
      metrics,
      secrets: new EnvSecretStore({ ALERT_WEBHOOK_URL: `${webUrl}/broken` }),
    });
    await alerts.raise({ source: "test", severity: "warning", title: "t", message: "m" });
    assert.match(await metrics.render(), /alert_delivery_failures_total\{channel="webhook"\} 1/);
    assert.match(lines.join("\n"), /Alert delivery failed/);
  });
});
