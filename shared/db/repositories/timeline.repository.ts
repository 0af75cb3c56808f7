import { isManualTimelineType } from "../../domain/timeline-types.ts";
import { AppError } from "../../errors/index.ts";
import {
  type TimelineEntry,
  type TimelineEntryCreate,
  TimelineEntrySchema,
  type TimelineListQuery,
} from "../../schemas/timeline.ts";
import type { DbClient } from "../client.ts";
import { recordId } from "../record-id.ts";
import type { ContactRepository } from "./contact.repository.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";

/** A timeline entry as any part of the system writes it (manual entries are a subset). */
export interface NewTimelineEntry {
  contact: string;
  type: TimelineEntry["type"];
  content: string;
  metadata?: Record<string, unknown>;
  timestamp?: string | Date;
}

export class TimelineRepository {
  readonly rows: TableRepository<typeof TimelineEntrySchema>;
  readonly #contacts: ContactRepository;

  constructor(db: DbClient, contacts: ContactRepository) {
    this.rows = new TableRepository(db, {
      table: "timeline_entry",
      schema: TimelineEntrySchema,
      sortFields: ["timestamp"],
      dateFields: ["timestamp"],
      writable: ["contact", "company", "type", "content", "metadata", "timestamp"],
    });
    this.#contacts = contacts;
  }

  get(key: string) {
    return this.rows.get(key);
  }

  require(key: string) {
    return this.rows.require(key);
  }

  /**
   * Writes an entry for an existing contact (its company is recorded with it, as of now) and
   * recomputes the contact's engagement score, in one transaction: either both happen or neither.
   */
  add(entry: NewTimelineEntry | TimelineEntryCreate): Promise<TimelineEntry> {
    const contact = recordId("contact", entry.contact);
    if (!contact) throw AppError.invalidField("contact", "no contact with this id exists");
    const data: Record<string, unknown> = {
      contact,
      type: entry.type,
      content: entry.content,
      metadata: entry.metadata ?? {},
    };
    if (entry.timestamp !== undefined) data.timestamp = new Date(entry.timestamp);
    return this.rows.db.transaction(async (tx) => {
      const [owner] = await tx.query<[{ company?: unknown } | undefined]>(
        "SELECT company FROM ONLY $contact",
        {
          contact,
        },
      );
      if (!owner) throw AppError.invalidField("contact", "no contact with this id exists");
      const [row] = await tx.query<[unknown]>("CREATE ONLY timeline_entry CONTENT $data", {
        data: { ...data, company: owner.company },
      });
      await this.#contacts.recomputeEngagement(entry.contact, new Date(), tx);
      return this.rows.toEntity(row);
    });
  }

  /**
   * Deletes an entry people logged by hand, recomputing the score in the same transaction. System
   * entries are the audit trail and are refused.
   */
  removeManual(key: string): Promise<boolean> {
    const id = this.rows.id(key);
    if (!id) return Promise.resolve(false);
    return this.rows.db.transaction(async (tx) => {
      const [row] = await tx.query<[unknown]>("SELECT * FROM ONLY $id", { id });
      if (!row) return false;
      const entry = this.rows.toEntity(row);
      if (!isManualTimelineType(entry.type)) {
        throw new AppError(
          "conflict",
          `${entry.type} entries are written by the system and cannot be deleted`,
          {
            field: "type",
          },
        );
      }
      await tx.query("DELETE $id", { id });
      await this.#contacts.recomputeEngagement(entry.contact, new Date(), tx);
      return true;
    });
  }

  listForContact(contactKey: string, query: TimelineListQuery): Promise<Page<TimelineEntry>> {
    const filters = new Where()
      .when(contactKey, "contact = $contact", "contact", recordId("contact", contactKey))
      .when(query.type, "type = $type", "type");
    return this.rows.list({ ...query, sort: "-timestamp" }, filters);
  }
}
