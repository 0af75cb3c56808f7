import type { RecordId } from "surrealdb";
import type { WebhookEvent } from "../../domain/webhooks.ts";
import {
  type WebhookDelivery,
  type WebhookDeliveryListQuery,
  WebhookDeliverySchema,
  type WebhookListQuery,
  type WebhookSubscription,
  type WebhookSubscriptionCreate,
  type WebhookSubscriptionPatch,
  WebhookSubscriptionSchema,
} from "../../schemas/webhook.ts";
import type { DbClient } from "../client.ts";
import { recordId } from "../record-id.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";

/** A delivery claimed for sending, with what sending needs of its subscription. */
export interface ClaimedWebhook extends WebhookDelivery {
  url: string;
  secret: string;
  active: boolean;
}

/** Webhook subscriptions and their delivery log. */
export class WebhookRepository {
  readonly rows: TableRepository<typeof WebhookSubscriptionSchema>;
  readonly deliveries: TableRepository<typeof WebhookDeliverySchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "webhook_subscription",
      schema: WebhookSubscriptionSchema,
      sortFields: ["created_at"],
      dateFields: ["created_at"],
      writable: ["url", "events", "description", "active", "secret"],
    });
    this.deliveries = new TableRepository(db, {
      table: "webhook_delivery",
      schema: WebhookDeliverySchema,
      sortFields: ["created_at"],
      dateFields: ["created_at"],
      writable: [],
    });
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: WebhookListQuery): Promise<Page<WebhookSubscription>> {
    return this.rows.list(query);
  }

  /** Creates a subscription with its signing secret (the caller generates one when none is given). */
  async create(input: WebhookSubscriptionCreate & { secret: string }): Promise<WebhookSubscription> {
    return this.rows.create({ ...input, active: input.active ?? true });
  }

  async update(key: string, patch: WebhookSubscriptionPatch): Promise<WebhookSubscription> {
    const updated = await this.rows.update(key, patch);
    if (!updated) return this.rows.require(key);
    return updated;
  }

  /** Deletes a subscription and its delivery log. */
  remove(key: string): Promise<boolean> {
    return this.rows.remove(key, "DELETE webhook_delivery WHERE subscription = $id;");
  }

  /**
   * Logs one delivery per active subscription to `event` (unique per subscription and event id, so
   * emitting the same event twice logs nothing new) and returns the ids to send.
   */
  async enqueueEvent(
    event: WebhookEvent,
    eventId: string,
    payload: Record<string, unknown>,
  ): Promise<string[]> {
    const [, created] = await this.rows.db.query<[unknown, RecordId[]]>(
      `LET $subs = (SELECT VALUE id FROM webhook_subscription WHERE active = true AND events CONTAINS $event);
       RETURN (INSERT IGNORE INTO webhook_delivery $subs.map(|$s| {
         subscription: $s, event: $event, event_id: $event_id, payload: $payload
       }) RETURN VALUE id);`,
      { event, event_id: eventId, payload },
    );
    return (created ?? []).map((id) => String(id.id));
  }

  /** Claims a delivery for one attempt (pending, or sending with a lapsed lease). */
  async claim(key: string): Promise<ClaimedWebhook | undefined> {
    const id = recordId("webhook_delivery", key);
    if (!id) return undefined;
    const [, rows] = await this.rows.db.query<[unknown, Record<string, unknown>[]]>(
      `LET $claimed = (UPDATE $id SET status = 'sending', attempts += 1, lease_until = time::now() + 2m,
         updated_at = time::floor(time::now(), 1ms)
       WHERE status = 'pending' OR (status = 'sending' AND lease_until < time::now()) RETURN AFTER);
       SELECT *, subscription.url AS url, subscription.secret AS secret, subscription.active AS active FROM $claimed;`,
      { id },
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...this.deliveries.toEntity(row),
      url: String(row.url ?? ""),
      secret: String(row.secret ?? ""),
      active: row.active === true,
    };
  }

  /** Records an attempt's outcome: delivered, failed for good, or pending again (to be retried). */
  async recordAttempt(
    key: string,
    outcome: {
      status: "delivered" | "failed" | "pending";
      httpStatus?: number | null;
      error?: string | null;
    },
  ): Promise<void> {
    await this.rows.db.query(
      `UPDATE $id SET status = $status, last_status = $http_status, last_error = $error, lease_until = NONE,
         delivered_at = IF $status = 'delivered' { time::floor(time::now(), 1ms) } ELSE { delivered_at },
         updated_at = time::floor(time::now(), 1ms)
       WHERE status = 'sending'`,
      {
        id: this.deliveries.requireId(key),
        status: outcome.status,
        http_status: outcome.httpStatus ?? undefined,
        error: outcome.error ?? undefined,
      },
    );
  }

  /** A delivery whose retries ran out (dead-letter queue): failed, with its last error kept. */
  async giveUp(key: string): Promise<void> {
    await this.rows.db.query(
      `UPDATE $id SET status = 'failed', lease_until = NONE, updated_at = time::floor(time::now(), 1ms),
         last_error = string::concat('gave up after ', <string>attempts, ' attempts: ', last_error ?? 'unknown error')
       WHERE status IN ['pending', 'sending']`,
      { id: this.deliveries.requireId(key) },
    );
  }

  /**
   * Deliveries that will not move on their own, for the cron's sweep: pending and untouched since
   * `before` (their queue message was lost), or claimed by a consumer that died (lapsed lease).
   */
  async stalled(before: Date, limit: number): Promise<string[]> {
    const [pending, abandoned] = await this.rows.db.query<[RecordId[], RecordId[]]>(
      `SELECT VALUE id FROM webhook_delivery WHERE status = 'pending' AND updated_at < $before LIMIT $limit;
       SELECT VALUE id FROM webhook_delivery WHERE status = 'sending' AND lease_until < time::now() LIMIT $limit;`,
      { before, limit },
    );
    return [...pending, ...abandoned].map((id) => String(id.id));
  }

  /** Touches deliveries being re-enqueued, so the next sweep leaves them alone for a while. */
  async touch(keys: readonly string[]): Promise<void> {
    const ids = keys.flatMap((key) => recordId("webhook_delivery", key) ?? []);
    if (ids.length > 0) {
      await this.rows.db.query("UPDATE $ids SET updated_at = time::floor(time::now(), 1ms)", { ids });
    }
  }

  /** A subscription's delivery log, newest first. */
  listDeliveries(subscription: string, query: WebhookDeliveryListQuery): Promise<Page<WebhookDelivery>> {
    const filters = new Where()
      .when(
        subscription,
        "subscription = $subscription",
        "subscription",
        recordId("webhook_subscription", subscription),
      )
      .when(query.status, "status = $status", "status");
    return this.deliveries.list(query, filters);
  }
}
