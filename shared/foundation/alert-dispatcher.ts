import type { Alert, Alerter } from "../ports/alerter.js";
import type { SecretStore } from "../ports/secret-store.js";
import type { Logger } from "./logger.js";
import type { PlatformMetrics } from "./metrics.js";
import type { Clock } from "../ports/clock.js";

export interface EmailSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user?: string;
  readonly from: string;
  readonly to: readonly string[];
}

/**
 * Every alert is logged and counted; then sent to each configured channel. A failing
 * channel is logged and counted, never thrown back at the job that raised the alert.
 * Webhook URLs and the SMTP password are secrets, read per alert so rotations apply.
 */
export class AlertDispatcher implements Alerter {
  readonly #logger: Logger;
  readonly #metrics: PlatformMetrics;
  readonly #secrets: SecretStore;
  readonly #email: EmailSettings | undefined;
  readonly #pagerDutyEventsUrl: string;
  readonly #clock: Clock;

  constructor(deps: {
    clock: Clock;
    logger: Logger;
    metrics: PlatformMetrics;
    secrets: SecretStore;
    email?: EmailSettings;
    pagerDutyEventsUrl?: string;
  }) {
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#secrets = deps.secrets;
    this.#email = deps.email;
    this.#pagerDutyEventsUrl = deps.pagerDutyEventsUrl ?? "https://events.pagerduty.com/v2/enqueue";
  }

  async raise(alert: Alert): Promise<void> {
    this.#metrics.alertsRaised.inc({ source: alert.source, severity: alert.severity });
    this.#logger[alert.severity === "critical" ? "error" : "warn"](`ALERT ${alert.title}`, {
      alert: { source: alert.source, severity: alert.severity, message: alert.message, details: alert.details },
      ...(alert.correlationId ? { correlation_id: alert.correlationId } : {}),
    });
    const [slackUrl, webhookUrl, pagerDutyKey] = await Promise.all([
      this.#secrets.findSecret("alert-slack-webhook-url"),
      this.#secrets.findSecret("alert-webhook-url"),
      this.#secrets.findSecret("alert-pagerduty-routing-key"),
    ]);
    const deliveries: [string, Promise<void>][] = [];
    if (slackUrl) deliveries.push(["slack", postJson(slackUrl, toSlack(alert))]);
    if (webhookUrl)
      deliveries.push(["webhook", postJson(webhookUrl, { ...alert, raised_at: this.#clock.now().toISOString() })]);
    // An info notice (a job that went well, a digest) is news for Slack or e-mail, not an incident to page someone for.
    if (pagerDutyKey && alert.severity !== "info")
      deliveries.push([
        "pagerduty",
        postJson(this.#pagerDutyEventsUrl, toPagerDuty(alert, pagerDutyKey, this.#clock.now())),
      ]);
    if (this.#email) deliveries.push(["email", this.#sendEmail(this.#email, alert)]);
    const results = await Promise.allSettled(deliveries.map(([, p]) => p));
    results.forEach((r, i) => {
      if (r.status === "rejected") {
        const channel = deliveries[i]![0];
        this.#metrics.alertDeliveryFailures.inc({ channel });
        this.#logger.error("Alert delivery failed", { channel, alert_title: alert.title, error: String(r.reason) });
      }
    });
  }

  async #sendEmail(settings: EmailSettings, alert: Alert): Promise<void> {
    const { createTransport } = await import("nodemailer");
    const password = await this.#secrets.findSecret("smtp-password");
    const transport = createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.user ? { auth: { user: settings.user, pass: password ?? "" } } : {}),
    });
    await transport.sendMail({
      from: settings.from,
      to: settings.to.join(", "),
      subject: `[${alert.severity.toUpperCase()}] ${alert.title}`,
      text: `${alert.message}\n\nSource: ${alert.source}\n${alert.correlationId ? `Correlation id: ${alert.correlationId}\n` : ""}${alert.details ? `\nDetails:\n${JSON.stringify(alert.details, null, 2)}\n` : ""}`,
    });
  }
}

const SLACK_ICON = { info: ":information_source:", warning: ":warning:", critical: ":rotating_light:" } as const;

function toSlack(alert: Alert) {
  const details = alert.details ? "\n```" + JSON.stringify(alert.details, null, 2).slice(0, 2500) + "```" : "";
  return { text: `${SLACK_ICON[alert.severity]} *${alert.title}* (${alert.source})\n${alert.message}${details}` };
}

/** PagerDuty Events API v2: an incident trigger, grouped by the alert's dedup key. */
function toPagerDuty(alert: Alert, routingKey: string, raisedAt: Date) {
  return {
    routing_key: routingKey,
    event_action: "trigger",
    ...(alert.dedupKey ? { dedup_key: `${alert.source}:${alert.dedupKey}` } : {}),
    payload: {
      summary: `${alert.title}: ${alert.message}`.slice(0, 1024),
      source: alert.source,
      severity: alert.severity === "critical" ? "critical" : alert.severity === "warning" ? "warning" : "info",
      timestamp: raisedAt.toISOString(),
      custom_details: { ...alert.details, ...(alert.correlationId ? { correlation_id: alert.correlationId } : {}) },
    },
  };
}

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
}
