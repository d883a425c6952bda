/** Events a customer's webhook endpoint can receive. */
export const BUDGET_WEBHOOK_EVENTS = ["budget.import.completed", "budget.import.failed"] as const;
export type BudgetWebhookEvent = (typeof BUDGET_WEBHOOK_EVENTS)[number];

/**
 * A customer's webhook endpoint. Its signing secret is never here: `secret_name` names the
 * Key Vault secret (read through the secret port when a delivery is signed).
 */
export interface BudgetWebhooksTable {
  webhook_id: string;
  customer_id: string;
  url: string;
  /** Comma list of subscribed events. */
  events: string;
  secret_name: string;
  description: string | null;
  created_by: string | null;
  created_at: string;
}

/** pending (waiting for its next attempt), delivered, failed (gave up), cancelled (endpoint deleted). */
export type DeliveryOutcome = "pending" | "delivered" | "failed" | "cancelled";

/**
 * One event for one endpoint: written in the transaction that finishes the import (the
 * outbox), then attempted by the queued worker until delivered or given up. Its id is the
 * X-Webhook-Id the receiver de-duplicates on.
 */
export interface BudgetWebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  customer_id: string;
  event: string;
  url: string;
  /** The event's JSON body, exactly as signed and sent. */
  payload: string;
  /** Attempts made or under way (the queued message for attempt n carries n). */
  attempts: number;
  outcome: DeliveryOutcome;
  last_status: number | null;
  last_error: string | null;
  next_retry_at: string | null;
  /** A worker sending now holds the delivery until then, so two redeliveries never post at once. */
  leased_until: string | null;
  created_at: string;
  finished_at: string | null;
}

/** When an alert of one kind was last raised, so a lasting condition does not page every minute. */
export interface BudgetAlertsTable {
  alert_key: string;
  raised_at: string;
}

export interface BudgetWebhookTables {
  budget_webhooks: BudgetWebhooksTable;
  budget_webhook_deliveries: BudgetWebhookDeliveriesTable;
  budget_alerts: BudgetAlertsTable;
}
