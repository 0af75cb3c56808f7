import type { RecordId } from "surrealdb";
import { firstFreeSlug, mergeKnownContact, namesFromEmail, slugify, type Utm } from "../../domain/landing.ts";
import { AppError } from "../../errors/index.ts";
import type { AssetMetadata, LandingPageContent } from "../../schemas/assets.ts";
import {
  type Consent,
  ConsentSchema,
  LandingPageSchema,
  type LandingPageSettings,
} from "../../schemas/landing-page.ts";
import type { DbClient, Queryable } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import { rowMapper } from "../row.ts";
import type { ContactRepository } from "./contact.repository.ts";
import { type Page, type PageRequest, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

/** What is stored: the API shape without `url` (the public origin is configuration, not data). */
export const LandingPageRowSchema = LandingPageSchema.omit({ url: true });
export type LandingPageRow = ReturnType<typeof LandingPageRowSchema.parse>;

export interface NewLandingPage {
  title: string;
  /** The slug asked for; when `slugIsBase`, the first free one of `slug`, `slug-2`, … is taken. */
  slug: string;
  slugIsBase: boolean;
  campaign: string | null;
  content: LandingPageContent;
  settings: LandingPageSettings;
  metadata: AssetMetadata | null;
  /** A page made from a campaign's asset keeps the asset's key, so `/lp/{asset id}` works too. */
  key?: string;
  status?: "draft" | "published";
}

export interface LandingPageChange {
  title?: string;
  slug?: string;
  content?: LandingPageContent;
  settings?: LandingPageSettings;
  campaign?: string | null;
}

export interface PageView {
  page: string;
  campaign: string | null;
  referrer?: string | undefined;
  utm: Utm;
  country?: string | undefined;
  at: Date;
}

export interface Submission {
  page: LandingPageRow;
  email: string;
  /** Every validated form value, by field name. */
  values: Record<string, string>;
  consent: { text: string; ip: string | null; userAgent: string | null } | null;
  utm: Utm;
  referrer?: string | undefined;
  now: Date;
}

export interface SubmissionResult {
  contact: string;
  created: boolean;
  filled: string[];
  kept: Array<{ field: string; stored: string; submitted: string }>;
  /** The pending consent record to confirm (double opt-in), if one was written. */
  pendingConsent: string | null;
}

const SLUG_ATTEMPTS = 5;
/** How long an attempt to send a confirmation email holds it. */
const OPTIN_LEASE_MS = 10 * 60_000;

export type OptInClaim =
  | { state: "claimed"; email: string; contact: string | null; page: string | null; campaign: string | null }
  | { state: "held"; retryInSeconds: number }
  | { state: "done" };

/** Landing pages, their views and the submissions of their forms. */
export class LandingPageRepository {
  readonly rows: TableRepository<typeof LandingPageRowSchema>;
  readonly #contacts: ContactRepository;
  readonly #toConsent = rowMapper(ConsentSchema);

  constructor(db: DbClient, contacts: ContactRepository) {
    this.rows = new TableRepository(db, {
      table: "landing_page",
      schema: LandingPageRowSchema,
      sortFields: ["created_at", "updated_at", "slug"],
      dateFields: ["created_at", "updated_at"],
      writable: ["title", "slug", "campaign", "content", "settings", "metadata", "status"],
    });
    this.#contacts = contacts;
  }

  get(key: string) {
    return this.rows.get(key);
  }

  require(key: string) {
    return this.rows.require(key);
  }

  list(query: PageRequest & { status?: string | undefined; campaign?: string | undefined }) {
    const filters = new Where()
      .when(query.status, "status = $status", "status")
      .when(
        query.campaign,
        "campaign = $campaign",
        "campaign",
        query.campaign && recordId("campaign", query.campaign),
      );
    return this.rows.list(query, filters) as Promise<Page<LandingPageRow>>;
  }

  /** Creates a page; a derived slug takes the first free variant (a race for it is retried). */
  async create(page: NewLandingPage): Promise<LandingPageRow> {
    const campaign = page.campaign ? recordId("campaign", page.campaign) : undefined;
    for (let attempt = 0; ; attempt++) {
      const slug = page.slugIsBase ? await this.#freeSlug(page.slug) : page.slug;
      try {
        const results = await this.rows.db.query(
          `BEGIN TRANSACTION;
           IF $data.campaign != NONE AND !record::exists($data.campaign) { THROW '${THROWN.campaignNotFound}' };
           LET $created = (CREATE ONLY ${page.key ? "$id" : "landing_page"} CONTENT $data);
           RETURN $created;
           COMMIT TRANSACTION;`,
          {
            id: page.key ? this.rows.requireId(page.key) : undefined,
            data: {
              title: page.title,
              slug,
              campaign,
              content: page.content,
              settings: page.settings,
              metadata: page.metadata ?? undefined,
              status: page.status ?? "draft",
              published_at: page.status === "published" ? new Date() : undefined,
            },
          },
        );
        const row = returned(results);
        return this.rows.toEntity(row);
      } catch (error) {
        if (page.slugIsBase && isDuplicateSlug(error) && attempt < SLUG_ATTEMPTS) continue;
        throw pageError(error, page.key ?? "");
      }
    }
  }

  async #freeSlug(base: string): Promise<string> {
    const [taken] = await this.rows.db.query<[string[]]>(
      "SELECT VALUE slug FROM landing_page WHERE slug = $base OR string::starts_with(slug, $prefix)",
      // firstFreeSlug shortens a long base before its suffix, so look for any slug sharing its start.
      { base, prefix: base.slice(0, 70) },
    );
    return firstFreeSlug(base, new Set(taken));
  }

  /**
   * Applies a change and bumps the version (the ETag). Returns the page before and after, so the
   * caller can purge what was cached under the old slug.
   */
  async update(
    key: string,
    change: LandingPageChange,
  ): Promise<{ before: LandingPageRow; after: LandingPageRow }> {
    const id = this.rows.requireId(key);
    const { clause, vars } = this.rows.setClause({
      ...change,
      ...("campaign" in change
        ? { campaign: change.campaign === null ? null : recordId("campaign", change.campaign ?? "") }
        : {}),
    });
    const results = await this.rows.db
      .query<[unknown, unknown, unknown]>(
        `BEGIN TRANSACTION;
       IF $set_campaign != NONE AND !record::exists($set_campaign) { THROW '${THROWN.campaignNotFound}' };
       LET $before = (SELECT * FROM ONLY $id);
       IF $before = NONE { THROW '${THROWN.recordNotFound}' };
       LET $after = (UPDATE ONLY $id SET ${clause}, version += 1 RETURN AFTER);
       RETURN { before: $before, after: $after };
       COMMIT TRANSACTION;`,
        { ...vars, id },
      )
      .catch((error: unknown) => {
        throw pageError(error, key);
      });
    const pair = results[results.length - 2] as { before: unknown; after: unknown };
    return { before: this.rows.toEntity(pair.before), after: this.rows.toEntity(pair.after) };
  }

  /** Publishes or unpublishes; a change of status bumps the version. Returns before and after. */
  async setStatus(
    key: string,
    status: "draft" | "published",
  ): Promise<{ before: LandingPageRow; after: LandingPageRow }> {
    const id = this.rows.requireId(key);
    const results = await this.rows.db
      .query(
        `BEGIN TRANSACTION;
         LET $before = (SELECT * FROM ONLY $id);
         IF $before = NONE { THROW '${THROWN.recordNotFound}' };
         LET $after = IF $before.status = $status { $before } ELSE {
           (UPDATE ONLY $id SET status = $status, version += 1,
              published_at = IF $status = 'published' { time::floor(time::now(), 1ms) } ELSE { published_at },
              updated_at = time::floor(time::now(), 1ms) RETURN AFTER)
         };
         RETURN { before: $before, after: $after };
         COMMIT TRANSACTION;`,
        { id, status },
      )
      .catch((error: unknown) => {
        throw pageError(error, key);
      });
    const pair = results[results.length - 2] as { before: unknown; after: unknown };
    return { before: this.rows.toEntity(pair.before), after: this.rows.toEntity(pair.after) };
  }

  /** Deletes a page with its view counts; timeline entries and consent records stay (history). */
  async remove(key: string): Promise<LandingPageRow | undefined> {
    const page = await this.get(key);
    if (!page) return undefined;
    const removed = await this.rows.remove(key, "DELETE landing_page_view WHERE page = $id;");
    return removed ? page : undefined;
  }

  /** A published page by id or slug (an id wins: ids and slugs share the /lp/ namespace). */
  async findPublished(ref: string): Promise<LandingPageRow | undefined> {
    const id = this.rows.id(ref);
    const [rows] = await this.rows.db.query<[unknown[]]>(
      `SELECT * FROM landing_page WHERE status = 'published' AND (${id ? "id = $id OR " : ""}slug = $slug)`,
      { id, slug: ref.toLowerCase() },
    );
    const pages = rows.map(this.rows.toEntity);
    return pages.find((page) => page.id === ref) ?? pages[0];
  }

  /**
   * Publishes a campaign's landing page asset as a page (campaign execution's landing_page channel):
   * the page keeps the asset's key, so `/lp/{asset id}` works as well as its slug. A page made from
   * the asset before (perhaps edited since) is published as it is, not overwritten.
   */
  async publishFromAsset(asset: {
    key: string;
    campaign: string;
    title: string;
    content: LandingPageContent;
    metadata: AssetMetadata | null;
    settings: (slug: string) => LandingPageSettings;
  }): Promise<LandingPageRow> {
    const existing = await this.get(asset.key);
    if (existing) return (await this.setStatus(asset.key, "published")).after;
    const slug = slugify(asset.title);
    try {
      return await this.create({
        key: asset.key,
        title: asset.title.slice(0, 200),
        slug,
        slugIsBase: true,
        campaign: asset.campaign,
        content: asset.content,
        settings: asset.settings(slug),
        metadata: asset.metadata,
        status: "published",
      });
    } catch (error) {
      // A concurrent run of the same campaign made it first: publish that one.
      if (!(await this.get(asset.key))) throw error;
      return (await this.setStatus(asset.key, "published")).after;
    }
  }

  async recordView(view: PageView): Promise<void> {
    await this.rows.db.query("CREATE landing_page_view CONTENT $data RETURN NONE", {
      data: {
        page: recordId("landing_page", view.page),
        campaign: view.campaign ? recordId("campaign", view.campaign) : undefined,
        at: view.at,
        referrer: view.referrer,
        country: view.country,
        ...view.utm,
      },
    });
  }

  /**
   * A form submission, in one transaction: the contact is created (status lead, the page's source
   * and tag) or, when the normalised email is known, its empty fields are filled and its different
   * values kept and reported; `landing_page_visit` and `form_submission` entries are written, the
   * consent (if given) is logged with its evidence, and the engagement score is recomputed.
   */
  async submit(submission: Submission): Promise<SubmissionResult> {
    try {
      return await this.rows.db.transaction((tx) => this.#submit(tx, submission));
    } catch (error) {
      // Two first submissions of one new address raced: the loser now finds the contact.
      if (error instanceof AppError && error.code === "duplicate") {
        return this.rows.db.transaction((tx) => this.#submit(tx, submission));
      }
      throw error;
    }
  }

  async #submit(tx: Queryable, submission: Submission): Promise<SubmissionResult> {
    const { page, values, now } = submission;
    const email = submission.email.trim().toLowerCase();
    const pageId = recordId("landing_page", page.id);
    const [found] = await tx.query<[Array<Record<string, unknown> & { id: RecordId }>]>(
      "SELECT id, first_name, last_name, phone, linkedin_url, tags, company FROM contact WHERE email = $email LIMIT 1",
      { email },
    );
    const existing = found[0];
    let contactId: RecordId;
    let filled: string[] = [];
    let kept: SubmissionResult["kept"] = [];
    if (existing) {
      contactId = existing.id;
      const merge = mergeKnownContact(existing as Record<string, string | null>, values);
      filled = Object.keys(merge.fill);
      kept = merge.kept;
      const tags = (existing.tags as string[] | undefined) ?? [];
      const addTag = !tags.includes(page.settings.tag) && tags.length < 50;
      if (filled.length > 0 || addTag) {
        await tx.query(
          `UPDATE $id SET ${filled.map((field) => `${field} = $fill.${field}`).join(", ")}${filled.length > 0 ? ", " : ""}
             tags = IF $add_tag { array::append(tags, $tag) } ELSE { tags },
             updated_at = time::floor(time::now(), 1ms) RETURN NONE`,
          { id: contactId, fill: merge.fill, add_tag: addTag, tag: page.settings.tag },
        );
      }
    } else {
      const names = namesFromEmail(email);
      const [created] = await tx.query<[{ id: RecordId }]>("CREATE ONLY contact CONTENT $data RETURN id", {
        data: {
          first_name: values.first_name ?? names.first_name,
          last_name: values.last_name ?? names.last_name,
          email,
          phone: values.phone,
          linkedin_url: values.linkedin_url,
          tags: [page.settings.tag],
          status: "lead",
          source: `landing_page:${page.slug}`,
        },
      });
      contactId = created.id;
    }
    const campaign = page.campaign ?? undefined;
    const origin = {
      page: page.id,
      slug: page.slug,
      campaign,
      ...submission.utm,
      referrer: submission.referrer,
    };
    await tx.query(
      `CREATE timeline_entry CONTENT {
         contact: $contact, company: $contact.company, type: 'landing_page_visit', timestamp: $now,
         content: $visit_content, metadata: $origin
       } RETURN NONE;
       CREATE timeline_entry CONTENT {
         contact: $contact, company: $contact.company, type: 'form_submission', timestamp: $now,
         content: $submission_content,
         metadata: object::extend($origin, { fields: $values, new_contact: $created, filled: $filled, kept: $kept })
       } RETURN NONE;`,
      {
        contact: contactId,
        now,
        origin,
        values,
        created: !existing,
        filled,
        kept,
        visit_content: `Visited the landing page “${page.title}”`,
        submission_content:
          `Submitted the form on “${page.title}”` +
          (kept.length > 0 ? ` (kept the stored ${kept.map((item) => item.field).join(", ")})` : ""),
      },
    );
    let pendingConsent: string | null = null;
    if (submission.consent) {
      const [logged] = await tx.query<[{ id: RecordId }]>(
        `CREATE ONLY consent_event CONTENT {
           email: $email, contact: $contact, campaign: $campaign, page: $page, source: 'landing_page',
           action: $action, text: $text, ip: $ip, user_agent: $user_agent, at: $now
         } RETURN id`,
        {
          email,
          contact: contactId,
          campaign: campaign ? recordId("campaign", campaign) : undefined,
          page: pageId,
          action: page.settings.double_opt_in ? "opt_in_pending" : "opted_in",
          text: submission.consent.text,
          ip: submission.consent.ip ?? undefined,
          user_agent: submission.consent.userAgent?.slice(0, 500) ?? undefined,
          now,
        },
      );
      if (page.settings.double_opt_in) pendingConsent = String(logged.id.id);
    }
    const contact = String(contactId.id);
    await this.#contacts.recomputeEngagement(contact, now, tx);
    return { contact, created: !existing, filled, kept, pendingConsent };
  }

  /**
   * Confirms a pending double opt-in: logs `opt_in_confirmed` once (a second click changes nothing).
   * Returns the page and email it was for, or undefined when there is no such pending consent.
   */
  async confirmConsent(
    consentKey: string,
    evidence: { ip: string | null; userAgent: string | null },
  ): Promise<{ email: string; page: string | null; confirmedNow: boolean } | undefined> {
    const id = recordId("consent_event", consentKey);
    if (!id) return undefined;
    return this.rows.db.transaction(async (tx) => {
      const [pending] = await tx.query<[Record<string, unknown> | undefined]>(
        "SELECT * FROM ONLY $id WHERE action = 'opt_in_pending'",
        { id },
      );
      if (!pending) return undefined;
      // Marking the pending record is what makes a confirmation happen once: concurrent ones write
      // the same row, so all but one conflict, retry, and find it marked.
      const [marked] = await tx.query<[unknown[]]>(
        "UPDATE $id SET confirmed_at = time::floor(time::now(), 1ms) WHERE confirmed_at = NONE RETURN id",
        { id },
      );
      const confirmedNow = marked.length > 0;
      if (confirmedNow) {
        await tx.query(
          `CREATE consent_event CONTENT {
             email: $p.email, contact: $p.contact, campaign: $p.campaign, page: $p.page, source: 'landing_page',
             action: 'opt_in_confirmed', text: $p.text, ip: $ip, user_agent: $user_agent
           } RETURN NONE`,
          {
            p: pending,
            ip: evidence.ip ?? undefined,
            user_agent: evidence.userAgent?.slice(0, 500) ?? undefined,
          },
        );
      }
      const page = pending.page as RecordId | undefined;
      return { email: String(pending.email), page: page ? String(page.id) : null, confirmedNow };
    });
  }

  /**
   * Claims a pending opt-in's confirmation email (a 10-minute lease). `held`: another attempt holds
   * it (come back when the lease lapses); `done`: sent, failed for good, or no such pending opt-in.
   */
  async claimOptInEmail(consentKey: string, now: Date): Promise<OptInClaim> {
    const id = recordId("consent_event", consentKey);
    if (!id) return { state: "done" };
    const lapsed = new Date(now.getTime() - OPTIN_LEASE_MS);
    const [rows] = await this.rows.db.query<[Array<Record<string, unknown>>]>(
      `UPDATE $id SET email_claimed_at = $now
       WHERE action = 'opt_in_pending' AND email_sent_at = NONE AND email_error = NONE
         AND (email_claimed_at = NONE OR email_claimed_at < $lapsed)
       RETURN email, contact, page, campaign, email_claimed_at`,
      { id, now, lapsed },
    );
    const row = rows[0];
    if (row) {
      const key = (value: unknown) => (value ? String((value as RecordId).id) : null);
      return {
        state: "claimed",
        email: String(row.email),
        contact: key(row.contact),
        page: key(row.page),
        campaign: key(row.campaign),
      };
    }
    const [held] = await this.rows.db.query<[Array<{ email_claimed_at?: { toDate(): Date } }>]>(
      `SELECT email_claimed_at FROM $id
       WHERE action = 'opt_in_pending' AND email_sent_at = NONE AND email_error = NONE AND email_claimed_at != NONE`,
      { id },
    );
    const claimedAt = held[0]?.email_claimed_at?.toDate();
    if (!claimedAt) return { state: "done" };
    const remaining = Math.ceil((claimedAt.getTime() + OPTIN_LEASE_MS - now.getTime()) / 1000);
    return { state: "held", retryInSeconds: Math.max(1, remaining) };
  }

  /** Pending opt-ins whose confirmation was never sent (a lost queue message), for the cron's sweep. */
  async unsentOptIns(now: Date, limit: number): Promise<string[]> {
    const [ids] = await this.rows.db.query<[RecordId[]]>(
      `SELECT VALUE id FROM consent_event
       WHERE action = 'opt_in_pending' AND at < $settled AND at > $oldest
         AND email_sent_at = NONE AND email_error = NONE
         AND (email_claimed_at = NONE OR email_claimed_at < $settled)
       LIMIT $limit`,
      {
        settled: new Date(now.getTime() - OPTIN_LEASE_MS),
        oldest: new Date(now.getTime() - 7 * 24 * 3_600_000),
        limit,
      },
    );
    return ids.map((id) => String(id.id));
  }

  /** The claimed confirmation email's outcome: sent, failed for good, or released for a retry. */
  async recordOptInEmail(consentKey: string, outcome: "sent" | "retry" | { failed: string }): Promise<void> {
    const id = recordId("consent_event", consentKey);
    const set =
      outcome === "sent"
        ? "email_sent_at = time::floor(time::now(), 1ms)"
        : outcome === "retry"
          ? "email_claimed_at = NONE"
          : "email_error = $error";
    await this.rows.db.query(`UPDATE $id SET ${set} RETURN NONE`, {
      id,
      error: typeof outcome === "object" ? outcome.failed.slice(0, 500) : undefined,
    });
  }

  /** The consent record behind a confirmation link (any state), for the page it was given on. */
  async consentRecord(consentKey: string): Promise<Consent | undefined> {
    const id = recordId("consent_event", consentKey);
    if (!id) return undefined;
    const [rows] = await this.rows.db.query<[unknown[]]>(
      "SELECT id, contact, page, campaign, action, source, text, ip, user_agent, at FROM $id",
      { id },
    );
    return rows[0] ? this.#toConsent(rows[0]) : undefined;
  }

  /** A contact's consent log (opt-ins, confirmations, unsubscribes), newest first. */
  async consentLog(contactKey: string): Promise<Consent[]> {
    const contact = recordId("contact", contactKey);
    const [rows] = await this.rows.db.query<[unknown[]]>(
      `SELECT id, contact, page, campaign, action, source, text, ip, user_agent, at
       FROM consent_event WHERE contact = $contact ORDER BY at DESC LIMIT 200`,
      { contact },
    );
    return rows.map(this.#toConsent);
  }
}

function isDuplicateSlug(error: unknown): boolean {
  return (
    error instanceof AppError &&
    error.code === "duplicate" &&
    JSON.stringify(error.details ?? "").includes('"slug"')
  );
}

function pageError(error: unknown, key: string): unknown {
  if (isThrown(error, THROWN.recordNotFound)) return AppError.notFound("landing_page", key);
  if (isThrown(error, THROWN.campaignNotFound)) {
    return AppError.invalidField("campaign", "no campaign with this id exists");
  }
  return error;
}
