import { RecordId } from "surrealdb";
import type { CampaignStatus, Channel } from "../../domain/campaign-status.ts";
import {
  type CampaignRun,
  CampaignRunRowSchema,
  type ChannelResult,
  type Delivery,
  type DeliveryListQuery,
  DeliverySchema,
  type DeliveryStatus,
} from "../../schemas/delivery.ts";
import type { DbClient } from "../client.ts";
import { isThrown, THROWN } from "../errors.ts";
import { recordId } from "../record-id.ts";
import type { ContactRepository } from "./contact.repository.ts";
import { type Page, TableRepository, Where } from "./table.repository.ts";
import { returned } from "./transaction.ts";

/** How long a claimed delivery belongs to the consumer that claimed it before another may take it. */
const LEASE = "5m";
const INSERT_CHUNK = 1_000;

/** A delivery to write when a run is prepared. */
export interface PlannedDelivery {
  channel: Channel;
  contact: RecordId;
  email: string;
  /** `sent` is for channels that deliver while the run is prepared (event invitations). */
  status: "queued" | "skipped" | "sent";
  reason?: string;
}

/** What became of one claimed delivery. */
export type DeliveryOutcome =
  | { delivery: string; status: "sent"; provider: string; providerMessageId?: string | null }
  | { delivery: string; status: "failed" | "skipped"; reason: string }
  /** Transient: back to the queue, to be tried again (`retryAfter` seconds, when the provider said). */
  | { delivery: string; status: "queued"; reason: string; retryAfter?: number | undefined };

/** A timeline entry written by the delivery pipeline (email_sent and friends). */
export interface SystemEntry {
  contact: string;
  company: RecordId | null;
  type: "email_sent";
  content: string;
  metadata: Record<string, unknown>;
}

/** A claimed delivery with what rendering needs of its contact. */
export interface ClaimedDelivery extends Delivery {
  first_name: string;
  last_name: string;
  /** The contact's company, for the timeline entries written when the delivery is recorded. */
  company: RecordId | null;
  company_name: string | null;
}

/**
 * Campaign runs and their deliveries. Every step is safe to repeat: claiming a campaign is one
 * conditional update (and a run is unique per campaign), deliveries are unique per (campaign, channel,
 * contact) and inserted with IGNORE, a delivery is sent only by whoever claims it (conditional update
 * with a lease), and outcomes are written in one transaction with their timeline entries and scores.
 */
export class DeliveryRepository {
  readonly runs: TableRepository<typeof CampaignRunRowSchema>;
  readonly deliveries: TableRepository<typeof DeliverySchema>;
  readonly #contacts: ContactRepository;

  constructor(db: DbClient, contacts: ContactRepository) {
    this.runs = new TableRepository(db, {
      table: "campaign_run",
      schema: CampaignRunRowSchema,
      sortFields: ["started_at"],
      dateFields: ["started_at"],
      writable: [],
    });
    this.deliveries = new TableRepository(db, {
      table: "delivery",
      schema: DeliverySchema,
      sortFields: ["created_at"],
      dateFields: ["created_at"],
      writable: [],
    });
    this.#contacts = contacts;
  }

  get db(): DbClient {
    return this.runs.db;
  }

  /**
   * Moves the campaign to running and creates its run, atomically: of any number of concurrent
   * claims (overlapping cron invocations, a cron racing a manual execute) exactly one succeeds.
   * Returns undefined when the campaign is not in one of `from` (or, with `dueBy`, not yet due).
   */
  async claim(
    campaignKey: string,
    trigger: "manual" | "schedule",
    options: { from: readonly CampaignStatus[]; dueBy?: Date },
  ): Promise<CampaignRun | undefined> {
    const campaign = recordId("campaign", campaignKey);
    const run = recordId("campaign_run", campaignKey);
    if (!campaign || !run) return undefined;
    try {
      const results = await this.db.query(
        `BEGIN TRANSACTION;
         LET $claimed = (UPDATE ONLY $campaign SET status = 'running', updated_at = time::floor(time::now(), 1ms)
           WHERE status IN $from ${options.dueBy ? "AND scheduled_at <= $due_by" : ""} RETURN AFTER);
         IF $claimed = NONE { THROW '${THROWN.notClaimable}' };
         LET $run = (CREATE ONLY $run CONTENT { campaign: $campaign, trigger: $trigger, status: 'preparing' });
         RETURN $run;
         COMMIT TRANSACTION;`,
        { campaign, run, from: options.from, trigger, due_by: options.dueBy },
      );
      return this.withResults(this.runs.toEntity(returned(results)));
    } catch (error) {
      // Lost the race (or not claimable): the unique run index or the status check said so.
      if (isThrown(error, THROWN.notClaimable)) return undefined;
      if (error instanceof Error && /campaign_run_campaign|already exists/.test(error.message))
        return undefined;
      throw error;
    }
  }

  /** Scheduled campaigns whose time has come, oldest first. */
  async dueCampaigns(now: Date, limit: number): Promise<string[]> {
    const [rows] = await this.db.query<[Array<{ id: RecordId }>]>(
      `SELECT id, scheduled_at FROM campaign WHERE status = 'scheduled' AND scheduled_at <= $now
       ORDER BY scheduled_at ASC LIMIT $limit`,
      { now, limit },
    );
    return rows.map((row) => String(row.id.id));
  }

  async run(runKey: string): Promise<CampaignRun | undefined> {
    const row = await this.runs.get(runKey);
    return row ? this.withResults(row) : undefined;
  }

  /** Per channel: how many deliveries there are in each state. */
  async withResults(row: Omit<CampaignRun, "results">): Promise<CampaignRun> {
    const [counts] = await this.db.query<[{ channel: Channel; status: DeliveryStatus; count: number }[]]>(
      "SELECT channel, status, count() AS count FROM delivery WHERE run = $run GROUP BY channel, status",
      { run: this.runs.requireId(row.id) },
    );
    const results: Partial<Record<Channel, ChannelResult>> = {};
    const [posts] = await this.db.query<[{ status: string; count: number }[]]>(
      "SELECT status, count() AS count FROM social_post WHERE run = $run GROUP BY status",
      { run: this.runs.requireId(row.id) },
    );
    if (posts.length > 0) {
      const social = { recipients: 0, queued: 0, sent: 0, failed: 0, skipped: 0 };
      for (const { status, count } of posts) {
        social.recipients += count;
        if (status === "handed_off") social.sent += count;
        else social.queued += count;
      }
      results.social = social;
    }
    if (row.published.landing_page) {
      results.landing_page = { recipients: 1, queued: 0, sent: 1, failed: 0, skipped: 0 };
    }
    for (const { channel, status, count } of counts) {
      const result = results[channel] ?? { recipients: 0, queued: 0, sent: 0, failed: 0, skipped: 0 };
      results[channel] = result;
      result.recipients += count;
      if (status === "queued" || status === "sending") result.queued += count;
      else result[status] += count;
    }
    return { ...row, results };
  }

  /** Writes the planned deliveries; ones that exist already (a repeated prepare) are left alone. */
  async plan(runKey: string, campaignKey: string, planned: readonly PlannedDelivery[]): Promise<void> {
    const run = this.runs.requireId(runKey);
    const campaign = recordId("campaign", campaignKey);
    for (let start = 0; start < planned.length; start += INSERT_CHUNK) {
      const rows = planned.slice(start, start + INSERT_CHUNK).map((item) => ({
        run,
        campaign,
        channel: item.channel,
        contact: item.contact,
        email: item.email,
        status: item.status,
        ...(item.reason ? { reason: item.reason } : {}),
        ...(item.status === "sent" ? { sent_at: new Date(), provider: "events" } : {}),
      }));
      await this.db.query("INSERT IGNORE INTO delivery $rows RETURN NONE", { rows });
    }
  }

  /** Records what the run published on a channel that sends no messages (landing page, event). */
  async setPublished(runKey: string, channel: "landing_page" | "event", what: Record<string, unknown>) {
    await this.db.query(
      `UPDATE $run SET published.${channel} = $what, updated_at = time::floor(time::now(), 1ms)`,
      {
        run: this.runs.requireId(runKey),
        what,
      },
    );
  }

  /**
   * Stores the campaign's social posts as scheduled items (one per platform; a repeated prepare adds
   * none) and returns all of the run's posts.
   */
  async scheduleSocialPosts(
    runKey: string,
    campaignKey: string,
    posts: ReadonlyArray<{ platform: string; text: string; hashtags: string[] }>,
    scheduledFor: Date,
  ): Promise<Array<{ id: string; platform: string; text: string; hashtags: string[]; status: string }>> {
    const run = this.runs.requireId(runKey);
    const campaign = recordId("campaign", campaignKey);
    const rows = posts.map((post) => ({ ...post, run, campaign, scheduled_for: scheduledFor }));
    const [, stored] = await this.db.query<[unknown, Array<Record<string, unknown> & { id: RecordId }>]>(
      `INSERT IGNORE INTO social_post $rows RETURN NONE;
       SELECT id, platform, text, hashtags, status FROM social_post WHERE run = $run ORDER BY platform;`,
      { rows, run },
    );
    return stored.map((row) => ({
      id: String(row.id.id),
      platform: String(row.platform),
      text: String(row.text),
      hashtags: (row.hashtags as string[]) ?? [],
      status: String(row.status),
    }));
  }

  /** Posts a webhook took over (the subscriber publishes them). */
  async markHandedOff(keys: readonly string[]): Promise<void> {
    const ids = keys.flatMap((key) => recordId("social_post", key) ?? []);
    if (ids.length === 0) return;
    await this.db.query(
      "UPDATE $ids SET status = 'handed_off', updated_at = time::floor(time::now(), 1ms) WHERE status = 'scheduled'",
      { ids },
    );
  }

  /** The run is prepared: its deliveries exist and are about to be queued. */
  async markPrepared(runKey: string): Promise<void> {
    await this.db.query(
      `UPDATE $run SET status = 'sending', prepared_at = prepared_at ?? time::floor(time::now(), 1ms),
         updated_at = time::floor(time::now(), 1ms) WHERE status = 'preparing'`,
      { run: this.runs.requireId(runKey) },
    );
  }

  /** Ids of the run's deliveries waiting to be sent; with `idleSince`, only those untouched since. */
  async waiting(runKey: string, idleSince?: Date): Promise<string[]> {
    const [ids] = await this.db.query<[RecordId[]]>(
      `SELECT VALUE id FROM delivery WHERE run = $run AND status = 'queued'
         ${idleSince ? "AND updated_at < $idle_since" : ""};
       `,
      { run: this.runs.requireId(runKey), idle_since: idleSince },
    );
    const [leased] = idleSince
      ? await this.db.query<[RecordId[]]>(
          "SELECT VALUE id FROM delivery WHERE run = $run AND status = 'sending' AND lease_until < time::now()",
          { run: this.runs.requireId(runKey) },
        )
      : [[] as RecordId[]];
    return [...ids, ...leased].map((id) => String(id.id));
  }

  /**
   * Claims the given deliveries for sending: only those still queued (or whose previous claim's
   * lease ran out) are returned, with their contact's merge fields. A delivery claimed here is
   * claimed by no one else until its lease ends.
   */
  async claimDeliveries(keys: readonly string[]): Promise<ClaimedDelivery[]> {
    const ids = keys.flatMap((key) => recordId("delivery", key) ?? []);
    if (ids.length === 0) return [];
    // The contacts are read once each (one projection), not once per merge field.
    const [, rows] = await this.db.query<[unknown, Record<string, unknown>[]]>(
      `LET $claimed = (UPDATE $ids SET status = 'sending', attempts += 1, lease_until = time::now() + ${LEASE},
         updated_at = time::floor(time::now(), 1ms)
       WHERE status = 'queued' OR (status = 'sending' AND lease_until < time::now())
       RETURN AFTER);
       SELECT *, contact.{ first_name, last_name, company, company_name: company.name } AS person
         FROM $claimed;`,
      { ids },
    );
    return rows.map((row) => {
      const person = (row.person ?? {}) as Record<string, unknown>;
      return {
        ...this.deliveries.toEntity(row),
        first_name: String(person.first_name ?? ""),
        last_name: String(person.last_name ?? ""),
        company: person.company instanceof RecordId ? person.company : null,
        company_name: typeof person.company_name === "string" ? person.company_name : null,
      };
    });
  }

  /**
   * Records what happened to claimed deliveries, in one transaction with the timeline entries of the
   * sent ones and their contacts' new scores. Only deliveries still `sending` are changed, so a late
   * or repeated report cannot undo a final state.
   */
  async record(outcomes: readonly DeliveryOutcome[], entries: readonly SystemEntry[], now = new Date()) {
    if (outcomes.length === 0) return;
    // Outcomes that carry nothing of their own (sent without a provider message id: the outbox) are
    // written by one UPDATE over their ids; the others, each with its own id or reason, one by one.
    const plainSent = outcomes.filter((outcome) => outcome.status === "sent" && !outcome.providerMessageId);
    const plainProviders = [
      ...new Set(plainSent.map((outcome) => (outcome.status === "sent" ? outcome.provider : ""))),
    ];
    const rest = outcomes.filter((outcome) => !plainSent.includes(outcome));
    const groups = plainProviders.map((provider) => ({
      provider,
      ids: plainSent
        .filter((outcome) => outcome.status === "sent" && outcome.provider === provider)
        .map((outcome) => this.deliveries.requireId(outcome.delivery)),
    }));
    const rows = rest.map((outcome) => ({
      id: this.deliveries.requireId(outcome.delivery),
      status: outcome.status,
      reason: "reason" in outcome ? outcome.reason : undefined,
      provider: outcome.status === "sent" ? outcome.provider : undefined,
      provider_message_id: outcome.status === "sent" ? (outcome.providerMessageId ?? undefined) : undefined,
      sent_at: outcome.status === "sent" ? now : undefined,
    }));
    const timeline = entries.map((entry) => ({
      contact: recordId("contact", entry.contact),
      company: entry.company ?? undefined,
      type: entry.type,
      content: entry.content,
      metadata: entry.metadata,
      timestamp: now,
    }));
    await this.db.transaction(async (tx) => {
      await tx.query(
        `FOR $g IN $groups {
           UPDATE $g.ids SET status = 'sent', provider = $g.provider, sent_at = $now, lease_until = NONE,
             updated_at = time::floor(time::now(), 1ms)
           WHERE status = 'sending' RETURN NONE;
         };
         FOR $o IN $rows {
           UPDATE $o.id SET status = $o.status, reason = $o.reason, provider = $o.provider,
             provider_message_id = $o.provider_message_id, sent_at = $o.sent_at, lease_until = NONE,
             updated_at = time::floor(time::now(), 1ms)
           WHERE status = 'sending' RETURN NONE;
         };
         INSERT INTO timeline_entry $timeline RETURN NONE;`,
        { groups, rows, timeline, now },
      );
      await this.#contacts.recomputeEngagementMany(
        entries.map((entry) => entry.contact),
        now,
        tx,
      );
    });
  }

  /** Marks deliveries that never reached a final state as failed, keeping their last error. */
  async failUnfinished(keys: readonly string[], prefix: string): Promise<void> {
    const ids = keys.flatMap((key) => recordId("delivery", key) ?? []);
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE $ids SET status = 'failed', lease_until = NONE, updated_at = time::floor(time::now(), 1ms),
         reason = string::concat($prefix, ' (', <string>attempts, ' attempts): ', reason ?? 'unknown error')
       WHERE status IN ['queued', 'sending']`,
      { ids, prefix },
    );
  }

  /** Skips whatever of a run is still waiting (its campaign was cancelled). */
  async skipWaiting(runKey: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE delivery SET status = 'skipped', reason = $reason, lease_until = NONE,
         updated_at = time::floor(time::now(), 1ms)
       WHERE run = $run AND status = 'queued'`,
      { run: this.runs.requireId(runKey), reason },
    );
  }

  /**
   * Ends the run once every delivery is final: the run becomes completed (or cancelled, when its
   * campaign was cancelled) and a running campaign completed, in one transaction and only once.
   * Returns true for the one call that did it.
   */
  async completeIfDone(runKey: string): Promise<boolean> {
    const run = this.runs.requireId(runKey);
    const [queued, sending] = await this.db.query<[RecordId[], RecordId[]]>(
      `SELECT VALUE id FROM delivery WHERE run = $run AND status = 'queued' LIMIT 1;
       SELECT VALUE id FROM delivery WHERE run = $run AND status = 'sending' LIMIT 1;`,
      { run },
    );
    if (queued.length > 0 || sending.length > 0) return false;
    const results = await this.db.query(
      `BEGIN TRANSACTION;
       LET $current = (SELECT status, campaign.status AS campaign_status FROM ONLY $run);
       LET $ended = IF $current.campaign_status = 'cancelled' { 'cancelled' } ELSE { 'completed' };
       LET $done = (UPDATE ONLY $run SET status = $ended, completed_at = time::floor(time::now(), 1ms),
         updated_at = time::floor(time::now(), 1ms) WHERE status = 'sending' RETURN AFTER);
       IF $done != NONE AND $ended = 'completed' {
         UPDATE $done.campaign SET status = 'completed', updated_at = time::floor(time::now(), 1ms)
           WHERE status = 'running';
       };
       RETURN $done != NONE;
       COMMIT TRANSACTION;`,
      { run },
    );
    return returned<boolean>(results) === true;
  }

  /** Runs that are still open and were last touched before `before` (for the cron's sweep). */
  async openRuns(before: Date, limit: number): Promise<Array<{ id: string; status: string }>> {
    const [rows] = await this.db.query<[Array<{ id: RecordId; status: string }>]>(
      `SELECT id, status FROM campaign_run WHERE status IN ['preparing', 'sending'] AND updated_at < $before
       LIMIT $limit`,
      { before, limit },
    );
    return rows.map((row) => ({ id: String(row.id.id), status: row.status }));
  }

  /** Marks a run as looked at (so the sweep does not pick it up again at once). */
  async touch(runKey: string): Promise<void> {
    await this.db.query("UPDATE $run SET updated_at = time::floor(time::now(), 1ms)", {
      run: this.runs.requireId(runKey),
    });
  }

  /** A campaign's deliveries (filtered by status and channel), for the API. */
  listForCampaign(campaignKey: string, query: DeliveryListQuery): Promise<Page<Delivery>> {
    const filters = new Where()
      .when(campaignKey, "campaign = $campaign", "campaign", recordId("campaign", campaignKey))
      .when(query.status, "status = $status", "status")
      .when(query.channel, "channel = $channel", "channel");
    return this.deliveries.list(query, filters);
  }

  /** The delivery a provider's webhook refers to, by the provider's message id. */
  async byProviderMessage(providerMessageId: string): Promise<Delivery | undefined> {
    const [rows] = await this.db.query<[unknown[]]>(
      "SELECT * FROM delivery WHERE provider_message_id = $pmid LIMIT 1",
      { pmid: providerMessageId },
    );
    return rows[0] ? this.deliveries.toEntity(rows[0]) : undefined;
  }

  /** The delivery a tracking or unsubscribe token names. */
  delivery(key: string): Promise<Delivery | undefined> {
    return this.deliveries.get(key);
  }
}
