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
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

const WEIGHTED_TYPES = Object.keys(ENGAGEMENT_WEIGHTS);
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

  list(query: ContactListQuery): Promise<Page<Contact>> {
    const { conditions, vars } = new Where()
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
    return this.rows.list({
      where: conditions,
      vars,
      sort: query.sort,
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  /** Creates a contact; the company (if any) must exist, checked in the same transaction. */
  async create(input: ContactCreate): Promise<Contact> {
    const data = this.rows.writableOnly({ ...input, company: companyId(input.company) });
    try {
      const results = await this.rows.db.query(
        `BEGIN TRANSACTION;
         IF $company != NONE AND !record::exists($company) { THROW '${THROWN.companyNotFound}' };
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
   * writes a `status_change` timeline entry in the same transaction.
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
           LET $updated = (UPDATE ONLY $id SET ${clause} WHERE status = $expected_status RETURN AFTER);
           IF $updated = NONE { THROW '${THROWN.staleStatus}' };
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
        const updated = this.rows.toEntity(returned(results));
        if (decision.kind === "allowed") return (await this.recomputeEngagement(key)) ?? updated;
        return updated;
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

  /** Deletes the contact and its whole timeline in one transaction. */
  remove(key: string): Promise<boolean> {
    return this.rows.remove(key, "DELETE timeline_entry WHERE contact = $id;");
  }

  /**
   * Recomputes the engagement score from the contact's timeline (PRODUCT.md). Called whenever a
   * timeline entry is written or removed; `updated_at` is left alone because nobody edited the contact.
   */
  async recomputeEngagement(key: string, now: Date = new Date()): Promise<Contact | undefined> {
    const id = this.rows.id(key);
    if (!id) return undefined;
    const [entries] = await this.rows.db.query<[{ type: string; timestamp: { toDate(): Date } }[]]>(
      "SELECT type, timestamp FROM timeline_entry WHERE contact = $id AND type IN $types",
      { id, types: WEIGHTED_TYPES },
    );
    const score = engagementScore(
      entries.map((entry) => ({ type: entry.type, timestamp: entry.timestamp.toDate() })),
      now,
    );
    const [rows] = await this.rows.db.query<[unknown[]]>(
      "UPDATE $id SET engagement_score = $score, engagement_computed_at = $now RETURN AFTER",
      { id, score, now },
    );
    const row = rows[0];
    return row ? this.rows.toEntity(row) : undefined;
  }

  /**
   * Refreshes scores that time has decayed: contacts with a non-zero score computed before `before`
   * (or never), oldest first, at most `limit` of them. Returns how many were refreshed; the caller
   * repeats while it returns `limit` and it has time left.
   */
  async refreshDecayedScores(options: { before: Date; limit: number; now?: Date }): Promise<number> {
    const [ids] = await this.rows.db.query<[RecordId[]]>(
      `SELECT VALUE id FROM contact
       WHERE engagement_score > 0 AND (engagement_computed_at = NONE OR engagement_computed_at < $before)
       LIMIT $limit`,
      { before: options.before, limit: options.limit },
    );
    for (const id of ids) await this.recomputeEngagement(String(id.id), options.now);
    return ids.length;
  }
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
