import {
  type OutboxListQuery,
  type OutboxMessage,
  OutboxMessageSchema,
  type OutgoingEmail,
} from "../../schemas/delivery.ts";
import type { DbClient } from "../client.ts";
import { recordId } from "../record-id.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";

/**
 * The outbox transport's store: each message exactly as it would have gone to a provider. One per
 * delivery (unique index): storing the same delivery again is ignored, so a retried send cannot
 * produce a second message.
 */
/** What each kind of message is the one message of. */
const OUTBOX_KEY_TABLE = { campaign: "delivery", invitation: "rsvp", confirmation: "consent_event" } as const;

export class OutboxRepository {
  readonly rows: TableRepository<typeof OutboxMessageSchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "outbox_message",
      schema: OutboxMessageSchema,
      sortFields: ["created_at"],
      dateFields: ["created_at"],
      writable: [],
    });
  }

  async store(messages: readonly OutgoingEmail[]): Promise<void> {
    if (messages.length === 0) return;
    const rows = messages.map((message) => ({
      ...message,
      delivery: recordId(OUTBOX_KEY_TABLE[message.kind], message.delivery),
      campaign: message.campaign ? recordId("campaign", message.campaign) : undefined,
      contact: recordId("contact", message.contact),
    }));
    await this.rows.db.query("INSERT IGNORE INTO outbox_message $rows RETURN NONE", { rows });
  }

  list(query: OutboxListQuery): Promise<Page<OutboxMessage>> {
    const filters = new Where()
      .when(
        query.campaign,
        "campaign = $campaign",
        "campaign",
        query.campaign && recordId("campaign", query.campaign),
      )
      .when(query.to, "to = $to", "to");
    return this.rows.list(query, filters);
  }
}
