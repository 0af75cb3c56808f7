import { RecordId } from "surrealdb";
import {
  decideRsvp,
  RSVP_STATUSES,
  type RsvpRequest,
  type RsvpStatus,
  rsvpTimelineType,
  SEATED,
  seatsToPromote,
} from "../../domain/rsvp.ts";
import { AppError } from "../../errors/index.ts";
import {
  type AttendeeListQuery,
  type AttendeePage,
  type AttendeeRow,
  AttendeeRowSchema,
  type Event,
  type EventCreate,
  type EventListQuery,
  type EventPatch,
  EventSchema,
  type InviteResult,
  type Rsvp,
  type RsvpChange,
  type RsvpCounts,
  RsvpSchema,
} from "../../schemas/event.ts";
import type { DbClient, Queryable } from "../client.ts";
import { recordId } from "../record-id.ts";
import type { ContactRepository } from "./contact.repository.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";

const INSERT_CHUNK = 1_000;
/** One contact's RSVP for one event ($event, $contact bound); unique, so at most one row. */
const RSVP_OF = "SELECT * FROM rsvp WHERE event = $event AND contact = $contact LIMIT 1";

/** An invitation claimed for emailing: who it goes to. */
export interface Invitee {
  rsvp: string;
  contact: string;
  email: string;
  first_name: string;
  last_name: string;
}

/**
 * Events, their invitations and RSVPs. Every RSVP change is one transaction that also writes the
 * event row (its `seats_taken`): concurrent changes to one event are serialised by the database's
 * write-conflict check (the loser retries and sees the new count), so capacity is never exceeded.
 */
export class EventRepository {
  readonly rows: TableRepository<typeof EventSchema>;
  readonly rsvps: TableRepository<typeof RsvpSchema>;
  readonly attendees: TableRepository<typeof AttendeeRowSchema>;
  readonly #contacts: ContactRepository;

  constructor(db: DbClient, contacts: ContactRepository) {
    this.rows = new TableRepository(db, {
      table: "event",
      schema: EventSchema,
      sortFields: ["start_time", "created_at"],
      dateFields: ["start_time", "created_at"],
      writable: ["campaign", "name", "type", "description", "start_time", "end_time", "location", "capacity"],
    });
    this.rsvps = new TableRepository(db, {
      table: "rsvp",
      schema: RsvpSchema,
      sortFields: ["timestamp", "invited_at"],
      dateFields: ["timestamp", "invited_at"],
      writable: [],
    });
    this.attendees = new TableRepository(db, {
      table: "rsvp",
      schema: AttendeeRowSchema,
      sortFields: ["timestamp", "invited_at"],
      dateFields: ["timestamp", "invited_at"],
      writable: [],
      listProjection:
        "*, contact.first_name AS first_name, contact.last_name AS last_name, contact.email AS email",
    });
    this.#contacts = contacts;
  }

  get db(): DbClient {
    return this.rows.db;
  }

  get(key: string) {
    return this.rows.get(key);
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: EventListQuery, now = new Date()): Promise<Page<Event>> {
    const filters = new Where()
      .when(query.when === "upcoming" || undefined, "end_time > $now", "now", now)
      .when(query.when === "past" || undefined, "end_time <= $now", "now", now)
      .when(query.type, "type = $type", "type")
      .when(
        query.campaign,
        "campaign = $campaign",
        "campaign",
        query.campaign && recordId("campaign", query.campaign),
      );
    return this.rows.list(query, filters);
  }

  async create(input: EventCreate): Promise<Event> {
    await this.#requireCampaign(input.campaign);
    return this.rows.create({
      ...input,
      campaign: input.campaign ? recordId("campaign", input.campaign) : undefined,
      start_time: new Date(input.start_time),
      end_time: new Date(input.end_time),
    });
  }

  /**
   * Changes an event. The times are checked together with the stored ones (start before end), the
   * capacity cannot drop below the seats already taken, and a raised (or removed) capacity promotes
   * people from the waitlist, in the same transaction.
   */
  async update(key: string, patch: EventPatch, now = new Date()): Promise<Event> {
    return (await this.updateWithPromotions(key, patch, now)).event;
  }

  /** `update`, also saying who moved up from the waitlist because of it. */
  async updateWithPromotions(
    key: string,
    patch: EventPatch,
    now = new Date(),
  ): Promise<{ event: Event; promoted: string[] }> {
    const id = this.rows.id(key);
    if (!id) throw AppError.notFound("event", key);
    if (patch.campaign) await this.#requireCampaign(patch.campaign);
    const promoted = await this.db.transaction(async (tx) => {
      const current = await this.#lockedEvent(tx, id);
      if (!current) throw AppError.notFound("event", key);
      const start = new Date(patch.start_time ?? current.start_time);
      const end = new Date(patch.end_time ?? current.end_time);
      if (start >= end) throw AppError.invalidField("end_time", "must be after start_time");
      if (patch.capacity !== undefined && patch.capacity !== null && patch.capacity < current.seats_taken) {
        throw new AppError(
          "conflict",
          `${current.seats_taken} seats are taken already; capacity cannot be lower`,
          { field: "capacity" },
        );
      }
      const { clause, vars } = this.rows.setClause({
        ...patch,
        campaign:
          patch.campaign === undefined
            ? undefined
            : patch.campaign === null
              ? null
              : recordId("campaign", patch.campaign),
        start_time: patch.start_time ? start : undefined,
        end_time: patch.end_time ? end : undefined,
      });
      await tx.query(`UPDATE $id SET ${clause}`, { ...vars, id });
      const capacity = patch.capacity === undefined ? current.capacity : patch.capacity;
      return this.#promote(tx, id, capacity, current.seats_taken, now, end);
    });
    return { event: await this.rows.require(key), promoted };
  }

  /** Deletes the event with its RSVPs; campaigns that pointed at it no longer do. */
  remove(key: string): Promise<boolean> {
    return this.rows.remove(
      key,
      `DELETE rsvp WHERE event = $id;
       UPDATE campaign SET event = NONE, updated_at = time::floor(time::now(), 1ms) WHERE event = $id;`,
    );
  }

  /**
   * Invites contacts, in one transaction: those without an RSVP for the event get one (`invited`)
   * and an `event_invite` timeline entry; those with one (any status) are counted, not touched; ids
   * that name no contact are reported. Repeating it creates nothing twice; two invitations racing
   * are serialised by the unique (event, contact) index (the loser retries and counts them as
   * already invited).
   */
  async invite(
    eventKey: string,
    candidates: { keys?: readonly string[]; members?: ReadonlyArray<{ id: RecordId }> },
    now = new Date(),
  ): Promise<InviteResult & { newlyInvited: string[]; invitees: string[] }> {
    const event = this.rows.id(eventKey);
    if (!event) throw AppError.notFound("event", eventKey);
    const wanted = candidates.members
      ? candidates.members.map((member) => member.id)
      : [...new Set(candidates.keys ?? [])].flatMap((key) => recordId("contact", key) ?? []);
    return this.db.transaction(async (tx) => {
      // Written, not only read: an invitation racing the event's deletion conflicts with it (and retries
      // into a 404) instead of leaving RSVPs of a deleted event.
      if (!(await this.#lockedEvent(tx, event))) throw AppError.notFound("event", eventKey);
      const found: RecordId[] = [];
      for (let start = 0; start < wanted.length; start += INSERT_CHUNK) {
        const [ids] = await tx.query<[RecordId[]]>("SELECT VALUE id FROM $ids", {
          ids: wanted.slice(start, start + INSERT_CHUNK),
        });
        // An id that names no record selects as NONE.
        found.push(...ids.filter((id): id is RecordId => id instanceof RecordId));
      }
      const foundKeys = new Set(found.map((id) => String(id.id)));
      const [existing] = await tx.query<[RecordId[]]>(
        "SELECT VALUE contact FROM rsvp WHERE event = $event AND contact IN $contacts",
        { event, contacts: found },
      );
      const invitedAlready = new Set(existing.map((id) => String(id.id)));
      const fresh = found.filter((id) => !invitedAlready.has(String(id.id)));
      const [name] = await tx.query<[string]>("RETURN $event.name", { event });
      for (let start = 0; start < fresh.length; start += INSERT_CHUNK) {
        const chunk = fresh.slice(start, start + INSERT_CHUNK);
        await tx.query("INSERT INTO rsvp $rows RETURN NONE", {
          rows: chunk.map((contact) => ({ event, contact, status: "invited", timestamp: now })),
        });
        await addEntries(tx, chunk, "invited", name, eventKey, now);
      }
      // event_invite weighs nothing in engagement, so no score changes here.
      const notFound = candidates.keys
        ? [...new Set(candidates.keys)].filter((key) => !foundKeys.has(key))
        : [];
      return {
        invited: fresh.length,
        already_invited: invitedAlready.size,
        not_found: notFound.length,
        not_found_ids: notFound,
        emails_queued: 0,
        invitees: found.map((id) => String(id.id)),
        newlyInvited: fresh.map((id) => String(id.id)),
      };
    });
  }

  /**
   * Moves one contact's RSVP (a contact with none is treated as invited: organisers can register
   * walk-ins). Refused moves are 409 with the reason. A freed seat promotes the waitlist. Timeline
   * entries and scores are written in the same transaction.
   */
  async changeRsvp(
    eventKey: string,
    contactKey: string,
    requested: RsvpRequest,
    now = new Date(),
  ): Promise<RsvpChange> {
    const event = this.rows.id(eventKey);
    if (!event) throw AppError.notFound("event", eventKey);
    const contact = recordId("contact", contactKey);
    if (!contact) throw AppError.invalidField("contact_id", "no contact with this id exists");
    return this.db.transaction(async (tx) => {
      const locked = await this.#lockedEvent(tx, event);
      if (!locked) throw AppError.notFound("event", eventKey);
      // Seats freed outside an RSVP change (a deleted contact) go to the waitlist before anyone new.
      const healed =
        locked.capacity === null || locked.seats_taken < locked.capacity
          ? await this.#promote(
              tx,
              event,
              locked.capacity,
              locked.seats_taken,
              now,
              new Date(locked.end_time),
            )
          : [];
      const current = { ...locked, seats_taken: locked.seats_taken + healed.length };
      const [[person], [row]] = await Promise.all([
        tx.query<[Array<{ name: string }>]>("SELECT first_name AS name FROM $contact", { contact }),
        tx.query<[Array<Record<string, unknown>>]>(RSVP_OF, { event, contact }),
      ]);
      if (person.length === 0) throw AppError.invalidField("contact_id", "no contact with this id exists");
      // Someone never invited can be registered straight away (a walk-in), nothing else.
      if (!row[0] && requested !== "registered") {
        throw new AppError(
          "conflict",
          "the contact has no invitation to this event: invite or register them first",
          {
            field: "contact_id",
          },
        );
      }
      const before: RsvpStatus = (row[0]?.status as RsvpStatus | undefined) ?? "invited";
      const seatFree = current.capacity === null || current.seats_taken < current.capacity;
      const decision = decideRsvp(
        before,
        requested,
        { now, start: new Date(current.start_time), end: new Date(current.end_time) },
        seatFree,
      );
      if (!decision.ok) throw new AppError("conflict", decision.reason, { field: "status" });
      let rsvpRow = row[0];
      let promoted: string[] = [];
      if (decision.changed || !rsvpRow) {
        const status = decision.status;
        const fields =
          "status = $status, timestamp = $now, waitlisted_at = IF $status = 'waitlisted' { $now } ELSE { NONE }";
        const [written] = await tx.query<[Record<string, unknown>]>(
          rsvpRow
            ? `UPDATE ONLY $id SET ${fields}`
            : `CREATE ONLY rsvp SET event = $event, contact = $contact, ${fields}`,
          { id: rsvpRow?.id, event, contact, status, now },
        );
        rsvpRow = written;
        const seats = current.seats_taken + Number(SEATED.has(status)) - Number(SEATED.has(before));
        if (SEATED.has(before) && !SEATED.has(status)) {
          promoted = await this.#promote(tx, event, current.capacity, seats, now, new Date(current.end_time));
        } else {
          await tx.query("UPDATE $event SET seats_taken = $seats", { event, seats });
        }
        if (decision.changed) {
          await addEntries(tx, [contact], status, current.name, eventKey, now);
          await this.#contacts.recomputeEngagementMany([String(contact.id)], now, tx);
        }
      }
      return {
        rsvp: this.rsvps.toEntity(rsvpRow),
        changed: decision.changed,
        promoted: [...healed, ...promoted],
      };
    });
  }

  /** One page of an event's RSVPs with the contacts' names, the counts per status and the seats. */
  async attendeePage(
    eventKey: string,
    query: AttendeeListQuery,
  ): Promise<Omit<AttendeePage, "data"> & { data: AttendeeRow[] }> {
    const event = await this.rows.require(eventKey);
    const id = this.rows.requireId(eventKey);
    const filters = new Where()
      .when(id, "event = $event", "event")
      .when(query.status, "status = $status", "status");
    const [page, counts] = await Promise.all([this.attendees.list(query, filters), this.counts(eventKey)]);
    return { ...page, counts, capacity: event.capacity, seats_taken: event.seats_taken };
  }

  async counts(eventKey: string): Promise<RsvpCounts> {
    const [rows] = await this.db.query<[Array<{ status: RsvpStatus; count: number }>]>(
      "SELECT status, count() AS count FROM rsvp WHERE event = $event GROUP BY status",
      { event: this.rows.requireId(eventKey) },
    );
    const counts = Object.fromEntries(RSVP_STATUSES.map((status) => [status, 0])) as RsvpCounts;
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /** A contact's RSVP for an event, if any. */
  async rsvpOf(eventKey: string, contactKey: string): Promise<Rsvp | undefined> {
    const event = this.rows.id(eventKey);
    const contact = recordId("contact", contactKey);
    if (!event || !contact) return undefined;
    const [rows] = await this.db.query<[unknown[]]>(RSVP_OF, { event, contact });
    return rows[0] ? this.rsvps.toEntity(rows[0]) : undefined;
  }

  /** Who an invitation email's unsubscribe link is for: its RSVP's contact, address and campaign. */
  async invitationRecipient(
    rsvpKey: string,
  ): Promise<{ email: string; contact: string; campaign: string | null } | undefined> {
    const id = this.rsvps.id(rsvpKey);
    if (!id) return undefined;
    const [row] = await this.db.query<
      [{ contact: RecordId; email?: string; campaign?: RecordId } | undefined]
    >("SELECT contact, contact.email AS email, event.campaign AS campaign FROM ONLY $id", { id });
    if (!row?.email) return undefined;
    return {
      email: row.email,
      contact: String(row.contact.id),
      campaign: row.campaign ? String(row.campaign.id) : null,
    };
  }

  /** 1 for the longest-waiting person on the event's waitlist, and so on. */
  async waitlistPosition(rsvp: Rsvp): Promise<number | undefined> {
    if (rsvp.status !== "waitlisted" || !rsvp.waitlisted_at) return undefined;
    const [ahead] = await this.db.query<[number]>(
      `RETURN count(SELECT id FROM rsvp WHERE event = $event AND status = 'waitlisted' AND waitlisted_at < $since)`,
      { event: this.rows.requireId(rsvp.event), since: new Date(rsvp.waitlisted_at) },
    );
    return ahead + 1;
  }

  /** Of these contacts, those whose invitation to the event was made at or after `since`. */
  async invitedSince(eventKey: string, contactKeys: readonly string[], since: Date): Promise<string[]> {
    return this.#perContacts(eventKey, contactKeys, async (vars) => {
      const [rows] = await this.db.query<[RecordId[]]>(
        "SELECT VALUE contact FROM rsvp WHERE event = $event AND contact IN $contacts AND invited_at >= $since",
        { ...vars, since },
      );
      return rows;
    });
  }

  /**
   * Asks for these contacts' invitations to be emailed: of their RSVPs for the event, those never
   * emailed are marked as asked for now (the sweep finds them if their queue message is lost).
   * Returns their contacts.
   */
  async requestInvitations(eventKey: string, contactKeys: readonly string[]): Promise<string[]> {
    return this.#perContacts(eventKey, contactKeys, async (vars) => {
      const [rows] = await this.db.query<[Array<{ contact: RecordId }>]>(
        `UPDATE rsvp SET invite_requested_at = time::floor(time::now(), 1ms)
         WHERE event = $event AND contact IN $contacts AND invite_email = NONE RETURN contact`,
        vars,
      );
      return rows.map((row) => row.contact);
    });
  }

  /**
   * Runs `query` over the event's RSVPs of these contacts, a thousand contacts at a time (a segment
   * can be large), and collects the contacts it returns, as keys.
   */
  async #perContacts(
    eventKey: string,
    contactKeys: readonly string[],
    query: (vars: { event: RecordId; contacts: RecordId[] }) => Promise<RecordId[]>,
  ): Promise<string[]> {
    const event = this.rows.requireId(eventKey);
    const contacts = contactKeys.flatMap((key) => recordId("contact", key) ?? []);
    const keys: string[] = [];
    for (let start = 0; start < contacts.length; start += INSERT_CHUNK) {
      const found = await query({ event, contacts: contacts.slice(start, start + INSERT_CHUNK) });
      keys.push(...found.map((id) => String(id.id)));
    }
    return keys;
  }

  /**
   * Invitations asked for before `before` and still not emailed nor claimed (their queue message was
   * lost): at most `limit`, by event, marked as asked for again now.
   */
  async stalledInvitations(
    before: Date,
    limit: number,
  ): Promise<Array<{ event: string; contacts: string[] }>> {
    const [rows] = await this.db.query<[Array<{ id: RecordId; event: RecordId; contact: RecordId }>]>(
      `SELECT id, event, contact FROM rsvp
       WHERE invite_email = NONE AND invite_requested_at != NONE AND invite_requested_at < $before
         AND (invite_lease_until = NONE OR invite_lease_until < time::now())
       LIMIT $limit`,
      { before, limit },
    );
    if (rows.length === 0) return [];
    await this.db.query("UPDATE $ids SET invite_requested_at = time::floor(time::now(), 1ms)", {
      ids: rows.map((row) => row.id),
    });
    const byEvent = new Map<string, string[]>();
    for (const row of rows) {
      const key = String(row.event.id);
      byEvent.set(key, [...(byEvent.get(key) ?? []), String(row.contact.id)]);
    }
    return [...byEvent].map(([event, contacts]) => ({ event, contacts }));
  }

  /**
   * Claims invitations to email: of these contacts' RSVPs, those never emailed and not claimed by
   * someone else in the last 5 minutes. Who claims one is the only one who sends it.
   */
  async claimInvitations(eventKey: string, contactKeys: readonly string[]): Promise<Invitee[]> {
    const event = this.rows.requireId(eventKey);
    const contacts = contactKeys.flatMap((key) => recordId("contact", key) ?? []);
    const [, rows] = await this.db.query<
      [unknown, Array<Record<string, unknown> & { id: RecordId; contact: RecordId }>]
    >(
      `LET $claimed = (UPDATE rsvp SET invite_lease_until = time::now() + 5m
         WHERE event = $event AND contact IN $contacts AND invite_email = NONE
           AND (invite_lease_until = NONE OR invite_lease_until < time::now())
         RETURN AFTER);
       SELECT id, contact, contact.email AS email, contact.first_name AS first_name,
         contact.last_name AS last_name FROM $claimed;`,
      { event, contacts },
    );
    return rows.map((row) => ({
      rsvp: String(row.id.id),
      contact: String(row.contact.id),
      email: String(row.email ?? ""),
      first_name: String(row.first_name ?? ""),
      last_name: String(row.last_name ?? ""),
    }));
  }

  /** What became of claimed invitations; unclaimed ones (a transient failure) can be claimed again. */
  async recordInvitations(
    outcomes: ReadonlyArray<{
      rsvp: string;
      status: "sent" | "skipped" | "failed" | "retry";
      reason?: string;
    }>,
  ): Promise<void> {
    const rows = outcomes.map((outcome) => ({
      id: this.rsvps.requireId(outcome.rsvp),
      status: outcome.status === "retry" ? undefined : outcome.status,
      reason: outcome.reason,
    }));
    await this.db.query(
      `FOR $o IN $rows {
         UPDATE $o.id SET invite_lease_until = NONE, invite_email = $o.status, invite_email_reason = $o.reason,
           invite_email_at = IF $o.status = NONE { NONE } ELSE { time::floor(time::now(), 1ms) }
         WHERE invite_email = NONE RETURN NONE;
       };`,
      { rows },
    );
  }

  /** Invitations a message gave up on (dead-lettered): failed, with the reason, never retried. */
  async failInvitations(eventKey: string, contactKeys: readonly string[], reason: string): Promise<void> {
    const event = this.rows.requireId(eventKey);
    const contacts = contactKeys.flatMap((key) => recordId("contact", key) ?? []);
    await this.db.query(
      `UPDATE rsvp SET invite_email = 'failed', invite_email_reason = $reason, invite_lease_until = NONE,
         invite_email_at = time::floor(time::now(), 1ms)
       WHERE event = $event AND contact IN $contacts AND invite_email = NONE`,
      { event, contacts, reason },
    );
  }

  async #requireCampaign(key: string | null | undefined) {
    if (!key) return;
    const id = recordId("campaign", key);
    const [exists] = id ? await this.db.query<[boolean]>("RETURN record::exists($id)", { id }) : [false];
    if (!exists) throw AppError.invalidField("campaign", "no campaign with this id exists");
  }

  /**
   * Reads the event while writing its row, so that any other transaction changing this event's
   * RSVPs conflicts with this one (and retries with fresh numbers).
   */
  async #lockedEvent(tx: Queryable, id: RecordId): Promise<Event | undefined> {
    const [rows] = await tx.query<[unknown[]]>("UPDATE $id SET seats_taken = seats_taken RETURN AFTER", {
      id,
    });
    return rows[0] ? this.rows.toEntity(rows[0]) : undefined;
  }

  /** Moves the longest-waiting people up into the free seats; records their new seats on the event. */
  async #promote(
    tx: Queryable,
    event: RecordId,
    capacity: number | null,
    seatsTaken: number,
    now: Date,
    end: Date,
  ): Promise<string[]> {
    const free = seatsToPromote(capacity, seatsTaken, now >= end);
    let promoted: RecordId[] = [];
    if (free > 0) {
      // Sorted here, not with ORDER BY … LIMIT: inside a transaction that has already written (this
      // one has), SurrealDB 3.0's top-k sort over the index returned the wrong rows.
      const [rows] = await tx.query<[Array<{ contact: RecordId; waitlisted_at: { toDate(): Date } }>]>(
        "SELECT contact, waitlisted_at FROM rsvp WHERE event = $event AND status = 'waitlisted'",
        { event },
      );
      promoted = rows
        .sort((a, b) => a.waitlisted_at.toDate().getTime() - b.waitlisted_at.toDate().getTime())
        .slice(0, Number.isFinite(free) ? free : rows.length)
        .map((row) => row.contact);
    }
    await tx.query("UPDATE $event SET seats_taken = $seats", { event, seats: seatsTaken + promoted.length });
    if (promoted.length === 0) return [];
    const [name] = await tx.query<[string]>("RETURN $event.name", { event });
    await tx.query(
      "UPDATE rsvp SET status = 'registered', timestamp = $now, waitlisted_at = NONE WHERE event = $event AND contact IN $contacts",
      { event, contacts: promoted, now },
    );
    await addEntries(tx, promoted, "registered", name, String(event.id), now, true);
    const keys = promoted.map((id) => String(id.id));
    await this.#contacts.recomputeEngagementMany(keys, now, tx);
    return keys;
  }
}

const VERBS = {
  event_invite: "Invited to",
  event_registered: "Registered for",
  event_attend: "Attended",
  event_cancelled: "Cancelled for",
  event_no_show: "Did not show up at",
} as const;

/**
 * Writes the timeline entries of an RSVP step for many contacts in one statement, each with the
 * contact's company as of now (what every timeline entry records).
 */
async function addEntries(
  tx: Queryable,
  contacts: readonly RecordId[],
  status: RsvpStatus,
  eventName: string,
  eventKey: string,
  now: Date,
  fromWaitlist = false,
) {
  const type = rsvpTimelineType(status);
  if (!type || contacts.length === 0) return;
  const verb = fromWaitlist ? "Moved up from the waitlist for" : VERBS[type];
  await tx.query(
    `INSERT INTO timeline_entry (SELECT id AS contact, company, $type AS type, $content AS content,
       $metadata AS metadata, $now AS timestamp FROM $contacts) RETURN NONE`,
    { contacts, type, content: `${verb} "${eventName}"`, metadata: { event: eventKey, status }, now },
  );
}
