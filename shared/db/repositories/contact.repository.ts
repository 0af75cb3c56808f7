import type { RecordId } from "surrealdb";
import { decideStatusChange } from "../../domain/contact-status.ts";
import { ENGAGEMENT_WEIGHTS, engagementLevel, engagementScore } from "../../domain/engagement.ts";
import { AppError } from "../../errors/index.ts";
import {
  CONTACT_SORT_FIELDS,
  type Contact,
  type ContactCreate,
  type ContactListQuery,
  type ContactPatch,
  ContactSchema,
} from "../../schemas/contact.ts";
import type { DbClient, Queryable } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

const WEIGHTED_TYPES = Object.keys(ENGAGEMENT_WEIGHTS);
/** A contact's scored timeline ($contact, $types bound), machine opens flagged. */
const SCORED_ENTRIES =
  "SELECT type, timestamp, metadata.machine AS machine FROM timeline_entry WHERE contact = $contact AND type IN $types";
type ScoredRow = { type: string; timestamp: { toDate(): Date }; machine?: boolean | null };
const scoredEntry = (row: ScoredRow) => ({
  type: row.type,
  timestamp: row.timestamp.toDate(),
  machine: row.machine === true,
});
const STATUS_RETRIES = 3;

export class ContactRepository {
  readonly rows: TableRepository<typeof ContactSchema>;

  constructor(db: DbClient) {
    this.rows = new TableRepository(db, {
      table: "contact",
      schema: ContactSchema,
      derive: (row) => ({ engagement_level: engagementLevel(Number(row.engagement_score ?? 0)) }),
      sortFields: CONTACT_SORT_FIELDS,
      dateFields: ["created_at", "updated_at"],
      writable: ["first_name", "last_name", "email", "phone", "linkedin_url", "tags", "status", "company"],
    });
  }

  get(key: string) {
    return this.rows.get(key);
  }

  require(key: string) {
    return this.rows.require(key);
  }

  /** The id of the contact with this (normalised) email, if there is one. */
  async keyByEmail(email: string): Promise<string | null> {
    const [ids] = await this.rows.db.query<[RecordId[]]>(
      "SELECT VALUE id FROM contact WHERE email = $email LIMIT 1",
      {
        email: email.trim().toLowerCase(),
      },
    );
    return ids[0] ? String(ids[0].id) : null;
  }

  list(query: ContactListQuery): Promise<Page<Contact>> {
    const filters = new Where()
      .when(
        query.search,
        "(string::contains(string::lowercase(first_name + ' ' + last_name), $search) OR string::contains(email, $search))",
        "search",
        query.search?.toLowerCase(),
      )
      .when(query.status, "status = $status", "status")
      .when(query.tag, "tags CONTAINSALL $tags", "tags")
      .when(
        query.company,
        "company = $company",
        "company",
        query.company && recordId("company", query.company),
      )
      .when(query.min_engagement, "engagement_score >= $min_engagement", "min_engagement")
      .when(query.max_engagement, "engagement_score <= $max_engagement", "max_engagement")
      .when(
        query.created_after,
        "created_at > $created_after",
        "created_after",
        query.created_after && new Date(query.created_after),
      );
    return this.rows.list(query, filters);
  }

  /**
   * Creates a contact. Its company (if any) must exist; the same transaction counts the contact on
   * the company, which also makes a concurrent delete of that company a conflict, never a dangling link.
   */
  async create(input: ContactCreate): Promise<Contact> {
    const data = this.rows.writableOnly({ ...input, company: companyId(input.company) });
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         IF $company != NONE {
           IF !record::exists($company) { THROW '${THROWN.companyNotFound}' };
           UPDATE $company SET contact_count += 1;
         };
         LET $created = (CREATE ONLY contact CONTENT $data);
         RETURN $created;
         COMMIT TRANSACTION;`,
        { data, company: data.company },
      );
      return this.rows.toEntity(returned(results));
    } catch (error) {
      throw companyError(error);
    }
  }

  /**
   * Applies a partial update. A status change goes through the status machine, is guarded against
   * a concurrent change (the update only applies if the status is still the one decided on), and
   * writes a `status_change` timeline entry in the same transaction. Moving the contact to another
   * company moves it between the companies' counts, in the same transaction too.
   */
  async update(key: string, patch: ContactPatch): Promise<Contact> {
    const id = this.rows.requireId(key);
    for (let attempt = 0; attempt < STATUS_RETRIES; attempt++) {
      const current = await this.rows.require(key);
      const decision = patch.status
        ? decideStatusChange(current.status, patch.status, { deliberate: patch.confirm_downgrade === true })
        : ({ kind: "unchanged" } as const);
      if (decision.kind === "refused") {
        throw new AppError("conflict", decision.reason, {
          field: "status",
          from: decision.from,
          to: decision.to,
        });
      }
      const { confirm_downgrade: _, ...fields } = patch;
      const { clause, vars } = this.rows.setClause({
        ...fields,
        ...("company" in fields
          ? { company: fields.company === null ? null : companyId(fields.company) }
          : {}),
      });
      const statusEntry =
        decision.kind === "allowed"
          ? `CREATE timeline_entry CONTENT {
               contact: $id, company: $updated.company, type: 'status_change',
               content: $status_content, metadata: { from: $from_status, to: $to_status }
             };`
          : "";
      try {
        const results = await this.rows.db.query(
          `BEGIN TRANSACTION;
           IF $company != NONE AND !record::exists($company) { THROW '${THROWN.companyNotFound}' };
           LET $before = (SELECT company FROM ONLY $id);
           LET $updated = (UPDATE ONLY $id SET ${clause} WHERE status = $expected_status RETURN AFTER);
           IF $updated = NONE { THROW '${THROWN.staleStatus}' };
           IF $before.company != $updated.company {
             IF $before.company != NONE { UPDATE $before.company SET contact_count -= 1 };
             IF $updated.company != NONE { UPDATE $updated.company SET contact_count += 1 };
           };
           ${statusEntry}
           RETURN $updated;
           COMMIT TRANSACTION;`,
          {
            ...vars,
            id,
            company: vars.set_company,
            expected_status: current.status,
            ...(decision.kind === "allowed"
              ? {
                  from_status: decision.from,
                  to_status: decision.to,
                  status_content: `Status changed from ${decision.from} to ${decision.to}`,
                }
              : {}),
          },
        );
        // (A status_change weighs nothing, so the engagement score does not change here.)
        return this.rows.toEntity(returned(results));
      } catch (error) {
        if (isThrown(error, THROWN.staleStatus)) {
          if (!(await this.rows.exists(key))) throw AppError.notFound("contact", key);
          continue; // the status moved under us: decide again on the fresh state
        }
        throw companyError(error);
      }
    }
    throw new AppError("conflict", "the contact's status is being changed concurrently; retry", {
      field: "status",
    });
  }

  /** Deletes the contact, its whole timeline and its place in its company's count, in one transaction. */
  remove(key: string): Promise<boolean> {
    return this.rows.remove(
      key,
      `DELETE timeline_entry WHERE contact = $id;
       IF $before[0].company != NONE { UPDATE $before[0].company SET contact_count -= 1 };
       -- Their seats are free again (the next RSVP change of the event promotes its waitlist).
       -- (One RSVP per event and contact, so each event loses one seat at most.)
       UPDATE (SELECT VALUE event FROM rsvp WHERE contact = $id AND status IN ['registered', 'attended'])
         SET seats_taken -= 1;
       DELETE rsvp WHERE contact = $id;`,
    );
  }

  /**
   * Recomputes the engagement score from the contact's timeline (PRODUCT.md) and stores it. Runs in
   * the caller's transaction when given one (so the entry and the score it changes commit together),
   * otherwise in its own; either way a concurrent recompute is a conflict that is retried, never a
   * lost update. `updated_at` is left alone: nobody edited the contact.
   */
  async recomputeEngagement(
    key: string,
    now: Date = new Date(),
    tx?: Queryable,
  ): Promise<Contact | undefined> {
    if (!tx) return this.rows.db.transaction((own) => this.recomputeEngagement(key, now, own));
    const id = this.rows.id(key);
    if (!id) return undefined;
    const [entries] = await tx.query<[ScoredRow[]]>(SCORED_ENTRIES.replace("$contact", "$id"), {
      id,
      types: WEIGHTED_TYPES,
    });
    const score = engagementScore(entries.map(scoredEntry), now);
    const [rows] = await tx.query<[unknown[]]>(
      "UPDATE $id SET engagement_score = $score, engagement_computed_at = $now RETURN AFTER",
      { id, score, now },
    );
    const row = rows[0];
    return row ? this.rows.toEntity(row) : undefined;
  }

  /**
   * Recomputes many contacts' scores inside the caller's transaction (after a batch of system entries,
   * such as a campaign's sends): one round trip to read every timeline, each read through the
   * (contact, timestamp) index, and one to store the scores.
   */
  async recomputeEngagementMany(keys: readonly string[], now: Date, tx: Queryable): Promise<void> {
    const ids = [...new Set(keys)].flatMap((key) => recordId("contact", key) ?? []);
    if (ids.length === 0) return;
    const timelines = await scoredTimelines(ids, tx);
    const scores = ids.map((id, index) => ({
      id,
      score: engagementScore(timelines[index] ?? [], now),
    }));
    await tx.query(
      "FOR $s IN $scores { UPDATE $s.id SET engagement_score = $s.score, engagement_computed_at = $now };",
      { scores, now },
    );
  }

  /**
   * What each contact's score was at `at`, from the entries logged up to then (decayed to then): the
   * engagement ranking's trend compares it with the score now.
   */
  async scoresAt(keys: readonly string[], at: Date): Promise<Map<string, number>> {
    const ids = [...new Set(keys)].flatMap((key) => recordId("contact", key) ?? []);
    if (ids.length === 0) return new Map();
    const timelines = await scoredTimelines(ids, this.rows.db);
    return new Map(ids.map((id, index) => [String(id.id), engagementScore(timelines[index] ?? [], at)]));
  }

  /**
   * Refreshes scores that time has decayed: contacts with a non-zero score computed before `before`
   * (or never), least recently computed first, at most `limit`. A contact that fails is skipped for
   * the rest of the run (`skip`) so it cannot stall the others. Returns how many were looked at.
   */
  async refreshDecayedScores(options: {
    before: Date;
    limit: number;
    now?: Date;
    skip?: Set<string>;
  }): Promise<number> {
    const skip = options.skip ?? new Set<string>();
    const [rows] = await this.rows.db.query<[{ id: RecordId }[]]>(
      `SELECT id, engagement_computed_at FROM contact
       WHERE engagement_score > 0 AND (engagement_computed_at = NONE OR engagement_computed_at < $before)
         AND id NOT IN $skip
       ORDER BY engagement_computed_at ASC
       LIMIT $limit`,
      {
        before: options.before,
        limit: options.limit,
        skip: [...skip].flatMap((key) => recordId("contact", key) ?? []),
      },
    );
    const ids = rows.map((row) => row.id);
    for (const id of ids) {
      const key = String(id.id);
      try {
        await this.recomputeEngagement(key, options.now ?? new Date());
      } catch (error) {
        skip.add(key);
        console.error(JSON.stringify({ job: "engagement_refresh", contact: key, error: String(error) }));
      }
    }
    return ids.length;
  }
}

/** Several contacts' scored timelines in one round trip, each read through the (contact, timestamp) index. */
async function scoredTimelines(ids: readonly RecordId[], db: Queryable) {
  const vars: Record<string, unknown> = { types: WEIGHTED_TYPES };
  const statements = ids.map((id, index) => {
    vars[`c${index}`] = id;
    return `${SCORED_ENTRIES.replace("$contact", `$c${index}`)};`;
  });
  const timelines = await db.query<ScoredRow[][]>(statements.join("\n"), vars);
  return ids.map((_, index) => (timelines[index] ?? []).map(scoredEntry));
}

function companyId(key: string | undefined | null): RecordId | undefined {
  if (key === undefined || key === null) return undefined;
  const id = recordId("company", key);
  if (!id) throw AppError.invalidField("company", "is not a company id");
  return id;
}

function companyError(error: unknown): unknown {
  if (isThrown(error, THROWN.companyNotFound)) {
    return AppError.invalidField("company", "no company with this id exists");
  }
  return error;
}
