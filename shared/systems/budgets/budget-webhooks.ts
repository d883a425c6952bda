import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol, JobStart } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import { ConflictError, NotFoundError, ValidationError } from "../../kernel/errors.js";
import {
  signWebhook,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from "../../kernel/webhook-signature.js";
import type { Clock } from "../../ports/clock.js";
import type { SecretStore } from "../../ports/secret-store.js";
import type { WebhookResult, WebhookSender } from "../../ports/webhook-sender.js";
import type { Caller } from "./budget-imports.js";
import type { BudgetImportAlerts } from "./budget-import-alerts.js";
import {
  BudgetWebhookRepository,
  type DeliveryRow,
  type FinishedImport,
  type WebhookRow,
} from "./budget-webhook-repository.js";
import { BUDGET_WEBHOOK_EVENTS, type BudgetWebhookEvent, type DeliveryOutcome } from "./budget-webhook-tables.js";
import { BUDGETS_QUEUES } from "./budgets-queues.js";
import type { CustomerAccess } from "./customer-access.js";

export interface WebhookInput {
  readonly customerId: string;
  readonly url: string;
  readonly events?: readonly BudgetWebhookEvent[];
  readonly secretName?: string;
  readonly description?: string;
}

export interface WebhookView {
  readonly webhookId: string;
  readonly customerId: string;
  readonly url: string;
  readonly events: readonly BudgetWebhookEvent[];
  /** The Key Vault secret the deliveries are signed with (its value is never read back). */
  readonly secretName: string;
  readonly description: string | null;
  readonly createdAt: string;
}

export interface DeliveryView {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly event: string;
  readonly url: string;
  readonly attempt: number;
  readonly statusCode: number | null;
  readonly nextRetryAt: string | null;
  readonly outcome: DeliveryOutcome;
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** The queued message of one delivery attempt. */
export interface WebhookDeliveryMessage {
  readonly delivery_id: string;
  readonly attempt: number;
}

export interface BudgetWebhooksOptions {
  readonly rows: BudgetWebhookRepository;
  readonly clock: Clock;
  readonly secrets: SecretStore;
  readonly sender: WebhookSender;
  readonly jobs: JobProtocol;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly access: CustomerAccess;
  readonly alerts: BudgetImportAlerts;
  readonly allowHttp: boolean;
  readonly maxAttempts: number;
  readonly retryBaseSeconds: number;
  readonly timeoutSeconds: number;
}

/** Endpoints a customer may register (a runaway script should not fan one import out to thousands). */
const MAX_WEBHOOKS_PER_CUSTOMER = 10;
const JOB_KIND = "budget-webhook";

/** Delays grow base, 2×base, 4×base, ... capped at an hour; a receiver's Retry-After wins when longer. */
export const webhookRetryDelaySeconds = (base: number, attempt: number, retryAfter?: number) =>
  Math.max(Math.min(retryAfter ?? 0, 3600), Math.min(3600, base * 2 ** (attempt - 1)));

/** The Key Vault secret a customer's deliveries are signed with unless the endpoint names another of its own. */
export function defaultSecretName(customerId: string): string {
  return `budget-webhook-${customerId.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.replace(/-+$/, "");
}

/**
 * Signed webhooks of budget import outcomes (issue #19, seed 004 "Webhook Integration"):
 *
 * - endpoints per customer, https only (unless BUDGETS_WEBHOOK_ALLOW_HTTP), never at a
 *   private/loopback/link-local address (checked when saved and again at each send);
 * - a finished import writes one delivery row and its queue message (the job outbox) per
 *   endpoint in the import's own transaction, so a process that dies loses nothing;
 * - the worker posts with `X-Webhook-Signature: t=…,v1=…` (HMAC-SHA256 of `t.body` with
 *   the customer's Key Vault secret) and `X-Webhook-Id`; network errors, 5xx and 429 are
 *   retried with exponential backoff; a delivered (or given-up) delivery is never sent again.
 */
export class BudgetWebhooks {
  readonly #o: BudgetWebhooksOptions;

  constructor(options: BudgetWebhooksOptions) {
    this.#o = options;
  }

  async create(input: WebhookInput, caller: Caller): Promise<WebhookView> {
    await this.#o.access.assert(caller, input.customerId);
    const url = await this.#checkUrl(input.url);
    const own = defaultSecretName(input.customerId);
    const secretName = input.secretName ?? own;
    if (secretName !== own && !secretName.startsWith(`${own}-`))
      throw new ValidationError([
        { field: "secretName", message: `must be ${own} or start with ${own}- (a secret of this customer's own)` },
      ]);
    if ((await this.#o.secrets.findSecret(secretName)) === undefined)
      throw new ValidationError([
        {
          field: "secretName",
          message: `Key Vault has no secret ${secretName}: set it first (locally the setting ${secretName.toUpperCase().replace(/-/g, "_")})`,
        },
      ]);
    if ((await this.#o.rows.countWebhooks(input.customerId)) >= MAX_WEBHOOKS_PER_CUSTOMER)
      throw new ConflictError(`A customer has at most ${MAX_WEBHOOKS_PER_CUSTOMER} webhook endpoints`);
    const row: WebhookRow = {
      webhook_id: randomUUID(),
      customer_id: input.customerId,
      url,
      events: [...new Set(input.events ?? BUDGET_WEBHOOK_EVENTS)].join(","),
      secret_name: secretName,
      description: input.description ?? null,
      created_by: caller.userId,
      created_at: this.#now(),
    };
    await this.#o.rows.insertWebhook(row);
    await this.#o.audit.record(caller, {
      action: "budget.webhook_created",
      resourceType: "budget_webhook",
      resourceId: row.webhook_id,
      details: { customer_id: row.customer_id, url: row.url, events: row.events, secret_name: secretName },
    });
    return webhookView(row);
  }

  async list(customerId: string, caller: Caller): Promise<WebhookView[]> {
    await this.#o.access.assert(caller, customerId);
    return (await this.#o.rows.webhooksOf(customerId)).map(webhookView);
  }

  async remove(customerId: string, webhookId: string, caller: Caller): Promise<void> {
    await this.#o.access.assert(caller, customerId);
    // Another customer's endpoint is "not found", like one that does not exist.
    if (!(await this.#o.rows.deleteWebhook(customerId, webhookId, this.#now())))
      throw new NotFoundError("Webhook", webhookId);
    await this.#o.audit.record(caller, {
      action: "budget.webhook_deleted",
      resourceType: "budget_webhook",
      resourceId: webhookId,
      details: { customer_id: customerId },
    });
  }

  async deliveries(
    customerId: string,
    page: number,
    pageSize: number,
    caller: Caller,
    webhookId?: string,
  ): Promise<{ items: DeliveryView[]; total: number }> {
    await this.#o.access.assert(caller, customerId);
    const { rows, total } = await this.#o.rows.pageDeliveries(customerId, page, pageSize, webhookId);
    return { items: rows.map(deliveryView), total };
  }

  /**
   * Inside the transaction that finishes an import: one delivery and its recorded message
   * per subscribed endpoint. Returns what to run once that transaction committed (send the
   * messages; the sweeper sends them if this never runs, and check the failure rate).
   */
  async importFinishedIn<T>(trx: Kysely<T>, importId: string): Promise<() => Promise<void>> {
    const rows = this.#o.rows.on(trx);
    const finished = await rows.findImport(importId);
    if (!finished || (finished.status !== "completed" && finished.status !== "failed")) return async () => {};
    const event: BudgetWebhookEvent =
      finished.status === "completed" ? "budget.import.completed" : "budget.import.failed";
    const payload = JSON.stringify(eventPayload(event, finished));
    const starts: JobStart[] = [];
    for (const webhook of await rows.webhooksOf(finished.customer_id)) {
      if (!webhook.events.split(",").includes(event)) continue;
      const deliveryId = randomUUID();
      await rows.insertDelivery({
        delivery_id: deliveryId,
        webhook_id: webhook.webhook_id,
        customer_id: finished.customer_id,
        event,
        url: webhook.url,
        payload,
        attempts: 1,
        outcome: "pending",
        last_status: null,
        last_error: null,
        next_retry_at: null,
        leased_until: null,
        created_at: this.#now(),
        finished_at: null,
      });
      const start = attemptStart({ delivery_id: deliveryId, attempt: 1 });
      await this.#o.jobs.record(trx, start);
      starts.push(start);
    }
    return async () => {
      for (const start of starts) await this.#o.jobs.dispatch(start);
      if (finished.status === "failed") await this.#o.alerts.importFailed();
    };
  }

  /**
   * One attempt of one delivery. A message for a delivery already delivered, given up,
   * cancelled or moved on to a later attempt does nothing: a redelivered message never
   * posts twice. Throws only for the platform's own failures (the queue redelivers).
   */
  async deliver(message: WebhookDeliveryMessage): Promise<void> {
    const rows = this.#o.rows;
    const delivery = await rows.findDelivery(message.delivery_id);
    if (!delivery || delivery.outcome !== "pending" || delivery.attempts !== message.attempt) return;
    const now = this.#o.clock.now();
    // A retry whose scheduled message was lost and swept early waits for its time.
    if (delivery.next_retry_at && Date.parse(delivery.next_retry_at) > now.getTime() + 1000) {
      // Under its own id: the queue would drop the attempt's own id as the duplicate it is.
      const wait = attemptStart(message, new Date(delivery.next_retry_at));
      await this.#o.jobs.dispatch({
        ...wait,
        message: { ...wait.message, messageId: `${wait.message.messageId}:wait` },
      });
      return;
    }
    const until = new Date(now.getTime() + (this.#o.timeoutSeconds + 30) * 1000).toISOString();
    // Another delivery of this message is posting now: it records the answer.
    if (!(await rows.lease(delivery.delivery_id, message.attempt, now.toISOString(), until))) return;
    const webhook = await rows.findWebhookById(delivery.webhook_id);
    if (!webhook) {
      await this.#finish(delivery, "cancelled", { last_error: "The endpoint was deleted" });
      return;
    }
    let result: WebhookResult;
    const secret = await this.#o.secrets.findSecret(webhook.secret_name);
    if (secret === undefined) {
      result = { kind: "network", message: `Key Vault has no secret ${webhook.secret_name}` };
    } else {
      const timestamp = Math.floor(this.#o.clock.now().getTime() / 1000);
      result = await this.#o.sender.post({
        url: delivery.url,
        body: delivery.payload,
        timeoutMs: this.#o.timeoutSeconds * 1000,
        headers: {
          "content-type": "application/json",
          "user-agent": "finance-platform-webhooks/1",
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, delivery.payload, timestamp),
          [WEBHOOK_ID_HEADER]: delivery.delivery_id,
          [WEBHOOK_EVENT_HEADER]: delivery.event,
        },
      });
    }
    await this.#record(delivery, result);
  }

  /** The message's last queue delivery failed (the platform's fault, not the receiver's): the delivery ends failed. */
  async failLastDelivery(message: WebhookDeliveryMessage, reason: string): Promise<void> {
    const delivery = await this.#o.rows.findDelivery(message.delivery_id);
    if (!delivery || delivery.outcome !== "pending" || delivery.attempts !== message.attempt) return;
    await this.#finish(delivery, "failed", { last_error: reason.slice(0, 500) });
    this.#o.metrics.budgetWebhooksFailed.inc({ event: delivery.event, reason: "worker" });
  }

  async #record(delivery: DeliveryRow, result: WebhookResult): Promise<void> {
    const status = result.kind === "answered" ? result.status : null;
    const log = {
      delivery_id: delivery.delivery_id,
      webhook_id: delivery.webhook_id,
      customer_id: delivery.customer_id,
      webhook_event: delivery.event,
      attempt: delivery.attempts,
    };
    if (status !== null && status >= 200 && status < 300) {
      await this.#finish(delivery, "delivered", { last_status: status, last_error: null });
      this.#o.metrics.budgetWebhooksSent.inc({ event: delivery.event });
      this.#o.logger.info("Webhook delivered", { ...log, status });
      return;
    }
    const error = result.kind === "answered" ? `the receiver answered ${result.status}` : result.message.slice(0, 500);
    const retriable =
      result.kind === "network" || (status !== null && (status === 408 || status === 429 || status >= 500));
    if (!retriable || delivery.attempts >= this.#o.maxAttempts) {
      const reason = result.kind === "refused" ? "refused_address" : retriable ? "retries_exhausted" : "rejected";
      await this.#finish(delivery, "failed", { last_status: status, last_error: error });
      this.#o.metrics.budgetWebhooksFailed.inc({ event: delivery.event, reason });
      this.#o.logger.warn("Webhook delivery failed", { ...log, status, error, reason });
      return;
    }
    const delay = webhookRetryDelaySeconds(
      this.#o.retryBaseSeconds,
      delivery.attempts,
      result.kind === "answered" ? result.retryAfterSeconds : undefined,
    );
    const at = new Date(this.#o.clock.now().getTime() + delay * 1000);
    const next = attemptStart({ delivery_id: delivery.delivery_id, attempt: delivery.attempts + 1 }, at);
    // The next attempt's message is recorded with the row that announces it: lost, the sweeper sends it.
    await this.#o.rows.inTransaction(async (rows, trx) => {
      await rows.updateDelivery(delivery.delivery_id, {
        attempts: delivery.attempts + 1,
        next_retry_at: at.toISOString(),
        last_status: status,
        last_error: error,
        leased_until: null,
      });
      await this.#o.jobs.record(trx, next);
    });
    await this.#o.jobs.dispatch(next);
    this.#o.metrics.budgetWebhookRetries.inc({ event: delivery.event });
    this.#o.logger.warn("Webhook delivery will be retried", { ...log, status, error, next_retry_at: at.toISOString() });
  }

  async #finish(
    delivery: DeliveryRow,
    outcome: Exclude<DeliveryOutcome, "pending">,
    changes: { last_status?: number | null; last_error: string | null },
  ): Promise<void> {
    await this.#o.rows.updateDelivery(delivery.delivery_id, {
      ...changes,
      outcome,
      next_retry_at: null,
      leased_until: null,
      finished_at: this.#now(),
    });
  }

  /** 400 naming `url` unless it is an absolute https URL (http when allowed) to a public host. */
  async #checkUrl(text: string): Promise<string> {
    const fail = (message: string): never => {
      throw new ValidationError([{ field: "url", message }]);
    };
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail("must be an absolute URL");
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && this.#o.allowHttp))
      fail(this.#o.allowHttp ? "must be an http or https URL" : "must be an https URL");
    if (url.username || url.password) fail("must not carry credentials (the body is signed instead)");
    if (url.hash) fail("must not have a fragment");
    const refusal = await this.#o.sender.refusal(url.href);
    if (refusal) fail(refusal);
    return url.href;
  }

  #now(): string {
    return this.#o.clock.now().toISOString();
  }
}

/** The seed's webhook body; a failed import adds why it failed. */
function eventPayload(event: BudgetWebhookEvent, row: FinishedImport) {
  return {
    event,
    customerId: row.customer_id,
    importId: row.import_id,
    totalRows: row.total_rows,
    successRows: row.success_rows,
    errorRows: row.error_rows,
    timestamp: row.completed_at,
    ...(event === "budget.import.failed" ? { errorMessage: row.error_message } : {}),
  };
}

/** The message of one attempt; its id makes a re-send of the same attempt a duplicate the queue drops. */
function attemptStart(message: WebhookDeliveryMessage, at?: Date): JobStart {
  return {
    kind: JOB_KIND,
    jobId: message.delivery_id,
    queue: BUDGETS_QUEUES.budgetWebhooks,
    message: {
      messageId: `${message.delivery_id}:${message.attempt}`,
      body: { delivery_id: message.delivery_id, attempt: message.attempt },
      ...(at ? { scheduledEnqueueTime: at } : {}),
    },
  };
}

function webhookView(row: WebhookRow): WebhookView {
  return {
    webhookId: row.webhook_id,
    customerId: row.customer_id,
    url: row.url,
    events: row.events.split(",") as BudgetWebhookEvent[],
    secretName: row.secret_name,
    description: row.description,
    createdAt: row.created_at,
  };
}

function deliveryView(row: DeliveryRow): DeliveryView {
  return {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    event: row.event,
    url: row.url,
    attempt: row.attempts,
    statusCode: row.last_status,
    nextRetryAt: row.next_retry_at,
    outcome: row.outcome,
    error: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
