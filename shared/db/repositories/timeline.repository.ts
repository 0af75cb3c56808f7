import { isManualTimelineType } from "../../domain/timeline-types.ts";
import { AppError } from "../../errors/index.ts";
import {
  type TimelineEntry,
  type TimelineEntryCreate,
  TimelineEntrySchema,
  type TimelineListQuery,
} from "../../schemas/timeline.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import type { ContactRepository } from "./contact.repository.ts";
import { type Page, TableRepository } from "./table.repository.ts";
import { returned } from "./transaction.ts";

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
   * recomputes the contact's engagement score.
   */
  async add(entry: NewTimelineEntry | TimelineEntryCreate): Promise<TimelineEntry> {
    const contact = recordId("contact", entry.contact);
    if (!contact) throw AppError.invalidField("contact", "no contact with this id exists");
    const data: Record<string, unknown> = {
      contact,
      type: entry.type,
      content: entry.content,
      metadata: entry.metadata ?? {},
    };
    if (entry.timestamp !== undefined) data.timestamp = new Date(entry.timestamp);
    let created: TimelineEntry;
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         LET $owner = (SELECT company FROM ONLY $contact);
         IF $owner = NONE { THROW '${THROWN.contactNotFound}' };
         LET $created = (CREATE ONLY timeline_entry CONTENT object::extend($data, { company: $owner.company }));
         RETURN $created;
         COMMIT TRANSACTION;`,
        { contact, data },
      );
      created = this.rows.toEntity(returned(results));
    } catch (error) {
      if (isThrown(error, THROWN.contactNotFound)) {
        throw AppError.invalidField("contact", "no contact with this id exists");
      }
      throw error;
    }
    await this.#contacts.recomputeEngagement(entry.contact);
    return created;
  }

  /** Only entries people logged by hand can be deleted; system entries are the audit trail. */
  async removeManual(key: string): Promise<boolean> {
    const entry = await this.rows.get(key);
    if (!entry) return false;
    if (!isManualTimelineType(entry.type)) {
      throw new AppError(
        "conflict",
        `${entry.type} entries are written by the system and cannot be deleted`,
        {
          field: "type",
        },
      );
    }
    const removed = await this.rows.remove(key);
    if (removed) await this.#contacts.recomputeEngagement(entry.contact);
    return removed;
  }

  listForContact(contactKey: string, query: TimelineListQuery): Promise<Page<TimelineEntry>> {
    const where = ["contact = $contact"];
    const vars: Record<string, unknown> = { contact: recordId("contact", contactKey) };
    if (query.type) {
      where.push("type = $type");
      vars.type = query.type;
    }
    return this.rows.list({ where, vars, sort: "-timestamp", limit: query.limit, cursor: query.cursor });
  }
}
