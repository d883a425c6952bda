import { sql, type Insertable, type Kysely, type Selectable } from "kysely";
import { selectPage } from "../../foundation/sql/paging.js";
import type { BudgetImportTables, BudgetImportsTable } from "./budget-import-tables.js";
import type {
  BudgetWebhookDeliveriesTable,
  BudgetWebhookTables,
  BudgetWebhooksTable,
} from "./budget-webhook-tables.js";

type Db = Kysely<BudgetWebhookTables & BudgetImportTables>;
export type WebhookRow = Selectable<BudgetWebhooksTable>;
export type DeliveryRow = Selectable<BudgetWebhookDeliveriesTable>;
export type FinishedImport = Pick<
  Selectable<BudgetImportsTable>,
  | "import_id"
  | "customer_id"
  | "status"
  | "total_rows"
  | "success_rows"
  | "error_rows"
  | "error_message"
  | "completed_at"
>;

/** The webhook side's queries: endpoints, deliveries (outbox and log), alert memory, import outcome counts. */
export class BudgetWebhookRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The same queries over another connection (the import's transaction). */
  on<T>(db: Kysely<T>): BudgetWebhookRepository {
    return new BudgetWebhookRepository(db as unknown as Db);
  }

  async inTransaction<T>(work: (rows: BudgetWebhookRepository, trx: Db) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => work(new BudgetWebhookRepository(trx), trx));
  }

  async insertWebhook(row: Insertable<BudgetWebhooksTable>): Promise<void> {
    await this.#db.insertInto("budget_webhooks").values(row).execute();
  }

  async webhooksOf(customerId: string): Promise<WebhookRow[]> {
    return this.#db
      .selectFrom("budget_webhooks")
      .selectAll()
      .where("customer_id", "=", customerId)
      .orderBy("created_at")
      .orderBy("webhook_id")
      .execute();
  }

  async findWebhook(customerId: string, webhookId: string): Promise<WebhookRow | undefined> {
    return this.#db
      .selectFrom("budget_webhooks")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where("webhook_id", "=", webhookId)
      .executeTakeFirst();
  }

  async findWebhookById(webhookId: string): Promise<WebhookRow | undefined> {
    return this.#db.selectFrom("budget_webhooks").selectAll().where("webhook_id", "=", webhookId).executeTakeFirst();
  }

  async countWebhooks(customerId: string): Promise<number> {
    const row = await this.#db
      .selectFrom("budget_webhooks")
      .select(sql<number | string>`count(*)`.as("n"))
      .where("customer_id", "=", customerId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes the endpoint; its pending deliveries end cancelled (their log stays). */
  async deleteWebhook(customerId: string, webhookId: string, now: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("budget_webhooks")
      .where("customer_id", "=", customerId)
      .where("webhook_id", "=", webhookId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await this.#db
      .updateTable("budget_webhook_deliveries")
      .set({ outcome: "cancelled", finished_at: now, next_retry_at: null, last_error: "The endpoint was deleted" })
      .where("webhook_id", "=", webhookId)
      .where("outcome", "=", "pending")
      .execute();
    return true;
  }

  async findImport(importId: string): Promise<FinishedImport | undefined> {
    return this.#db
      .selectFrom("budget_imports")
      .select([
        "import_id",
        "customer_id",
        "status",
        "total_rows",
        "success_rows",
        "error_rows",
        "error_message",
        "completed_at",
      ])
      .where("import_id", "=", importId)
      .executeTakeFirst();
  }

  async insertDelivery(row: Insertable<BudgetWebhookDeliveriesTable>): Promise<void> {
    await this.#db.insertInto("budget_webhook_deliveries").values(row).execute();
  }

  async findDelivery(deliveryId: string): Promise<DeliveryRow | undefined> {
    return this.#db
      .selectFrom("budget_webhook_deliveries")
      .selectAll()
      .where("delivery_id", "=", deliveryId)
      .executeTakeFirst();
  }

  /**
   * Takes a pending delivery for attempt `attempt` until `until`, unless another worker
   * holds it: one conditional UPDATE, so two redeliveries never post at once.
   */
  async lease(deliveryId: string, attempt: number, now: string, until: string): Promise<boolean> {
    const result = await this.#db
      .updateTable("budget_webhook_deliveries")
      .set({ leased_until: until })
      .where("delivery_id", "=", deliveryId)
      .where("outcome", "=", "pending")
      .where("attempts", "=", attempt)
      .where((eb) => eb.or([eb("leased_until", "is", null), eb("leased_until", "<", now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async updateDelivery(
    deliveryId: string,
    changes: Partial<Omit<BudgetWebhookDeliveriesTable, "delivery_id">>,
  ): Promise<void> {
    await this.#db
      .updateTable("budget_webhook_deliveries")
      .set(changes)
      .where("delivery_id", "=", deliveryId)
      .execute();
  }

  async pageDeliveries(customerId: string, page: number, pageSize: number, webhookId?: string) {
    let query = this.#db.selectFrom("budget_webhook_deliveries").where("customer_id", "=", customerId);
    if (webhookId) query = query.where("webhook_id", "=", webhookId);
    return selectPage(
      query,
      [
        ["created_at", "desc"],
        ["delivery_id", "asc"],
      ],
      page,
      pageSize,
    );
  }

  /** Imports finished (completed or failed) since `since`, and how many of them failed. */
  async importOutcomesSince(since: string): Promise<{ finished: number; failed: number }> {
    const row = await this.#db
      .selectFrom("budget_imports")
      .select([
        sql<number | string>`count(*)`.as("finished"),
        sql<number | string>`sum(case when status = 'failed' then 1 else 0 end)`.as("failed"),
      ])
      .where("completed_at", ">=", since)
      .where("status", "in", ["completed", "failed"])
      .executeTakeFirstOrThrow();
    return { finished: Number(row.finished), failed: Number(row.failed ?? 0) };
  }

  /**
   * Claims the right to raise alert `key` now: true when it was never raised or last raised
   * before `quietSince` (a conditional write, so two instances do not both raise it).
   */
  async claimAlert(key: string, now: string, quietSince: string): Promise<boolean> {
    const moved = await this.#db
      .updateTable("budget_alerts")
      .set({ raised_at: now })
      .where("alert_key", "=", key)
      .where("raised_at", "<", quietSince)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 1) return true;
    const existing = await this.#db
      .selectFrom("budget_alerts")
      .select("alert_key")
      .where("alert_key", "=", key)
      .executeTakeFirst();
    if (existing) return false;
    try {
      await this.#db.insertInto("budget_alerts").values({ alert_key: key, raised_at: now }).execute();
      return true;
    } catch {
      // Another instance inserted it first and raises the alert.
      return false;
    }
  }
}
