import type { RecordId } from "surrealdb";
import {
  type AnalyticsRange,
  dailySeries,
  daysBetween,
  engagementTrend,
  funnel,
  inWindow,
  isoDay,
  rangeWindow,
  rate,
  TREND_DAYS,
  utcDay,
} from "../../domain/analytics.ts";
import { CONTACT_STATUSES } from "../../domain/contact-status.ts";
import { ENGAGEMENT_LEVELS, type EngagementLevel, engagementLevel } from "../../domain/engagement.ts";
import { RSVP_STATUSES } from "../../domain/rsvp.ts";
import { AppError } from "../../errors/index.ts";
import {
  ANALYTICS_MAX_DAYS,
  CAMPAIGN_DAILY_METRICS,
  type CampaignAnalytics,
  type ContactAnalytics,
  type EngagementRanking,
  type FunnelAnalytics,
  type TrackEvent,
} from "../../schemas/analytics.ts";
import type { TimelineEntry } from "../../schemas/timeline.ts";
import type { DbClient } from "../client.ts";
import { recordId } from "../record-id.ts";
import type { ContactRepository } from "./contact.repository.ts";
import type { TimelineRepository } from "./timeline.repository.ts";

/** A counter as read: its key (every part as a string; days as ISO datetimes) and its value. */
interface Counter {
  k: string[];
  n: number;
  /** A sum the row carries with its count (the contacts' scores, in hundredths). */
  s: number;
}

/** Counter rows of some scopes; key parts are cast to strings in the query, so days arrive as ISO text. */
const COUNTERS =
  "SELECT array::map(key, |$v| <string> $v) AS k, n, sum AS s FROM stat WHERE scope IN $scopes AND (n != 0 OR sum != 0)";

const SUMMARY_FIELDS = "id, first_name, last_name, email, status, engagement_score";
// Rankings read `engagement_rank` (minus the score, migration 0015) in ascending order: SurrealDB 3.0
// scans indexes forwards only, so this stops after `limit` entries where a DESC sort would read all.
const DAY_MS = 86_400_000;

interface SummaryRow {
  id: RecordId;
  first_name: string;
  last_name: string;
  email: string;
  status: (typeof CONTACT_STATUSES)[number];
  engagement_score: number;
}

const summary = (row: SummaryRow) => ({
  id: String(row.id.id),
  first_name: row.first_name,
  last_name: row.last_name,
  email: row.email,
  status: row.status,
  engagement_score: row.engagement_score,
  engagement_level: engagementLevel(row.engagement_score),
});

/** `d"2026-11-30T00:00:00Z"` cast to text → `2026-11-30`. */
const dayOf = (part: string | undefined) => (part ?? "").replace(/^d?"?/, "").slice(0, 10);
const dayDate = (day: string) => new Date(`${day}T00:00:00.000Z`);
const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

function topOf(totals: Map<string, number>, top: number) {
  return [...totals]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, top);
}

function add(map: Map<string, number>, key: string, n: number) {
  map.set(key, (map.get(key) ?? 0) + n);
}

/**
 * Analytics read from the counters migration 0014 keeps (`stat` rows, updated by table events in the
 * same transaction as each write), never by scanning contacts or the timeline. Only the rankings read
 * records, through the engagement index and a handful of timelines.
 */
export class AnalyticsRepository {
  readonly #db: DbClient;
  readonly #contacts: ContactRepository;
  readonly #timeline: TimelineRepository;

  constructor(db: DbClient, contacts: ContactRepository, timeline: TimelineRepository) {
    this.#db = db;
    this.#contacts = contacts;
    this.#timeline = timeline;
  }

  /** The counters of these scopes, each key's rows (its shards, its folded row) added up. */
  async #counters(scopes: readonly string[]): Promise<Counter[]> {
    const [rows] = await this.#db.query<[Counter[]]>(COUNTERS, { scopes });
    const totals = new Map<string, Counter>();
    for (const row of rows) {
      const k = row.k.map((part) => part.replace(/^'|'$/g, ""));
      const name = JSON.stringify(k);
      const counter = totals.get(name) ?? { k, n: 0, s: 0 };
      counter.n += Number(row.n);
      counter.s += Number(row.s ?? 0);
      totals.set(name, counter);
    }
    return [...totals.values()].filter((counter) => counter.n !== 0 || counter.s !== 0);
  }

  async contacts(range: AnalyticsRange, top: number, now = new Date()): Promise<ContactAnalytics> {
    const [counters, [topRows]] = await Promise.all([
      this.#counters(["contacts", "contact_days", "events"]),
      this.#db.query<[SummaryRow[]]>(
        `SELECT ${SUMMARY_FIELDS}, engagement_rank FROM contact WHERE engagement_rank < 0
         ORDER BY engagement_rank LIMIT $top`,
        { top },
      ),
    ]);
    const byStatus = zeros(CONTACT_STATUSES);
    const byLevel = zeros(ENGAGEMENT_LEVELS);
    const tags = new Map<string, number>();
    const sources = new Map<string, number>();
    const newByDay = new Map<string, number>();
    const events = new Map<string, number>();
    let total = 0;
    let scoreHundredths = 0;
    for (const { k, n, s } of counters) {
      if (k[0] === "contact_days") add(newByDay, dayOf(k[1]), n);
      if (k[0] !== "contacts") continue;
      const [, dimension, a = "", b = "", c = ""] = k;
      if (dimension === "tag") add(tags, a, n);
      if (dimension !== "profile") continue;
      // ['contacts', 'profile', status, level, source]: n contacts, s their scores' sum (hundredths).
      total += n;
      scoreHundredths += s;
      if (a in byStatus) byStatus[a as keyof typeof byStatus] += n;
      if (b in byLevel) byLevel[b as EngagementLevel] += n;
      add(sources, c, n);
    }
    // `all` starts at the first day anything here was counted: a contact's, or a tracked event's.
    const eventDays = counters.flatMap(({ k }) => (k[0] === "events" ? [dayOf(k[2])] : []));
    const earliest = [...newByDay.keys(), ...eventDays].sort()[0];
    const window = rangeWindow(range, now, earliest ? dayDate(earliest) : undefined);
    for (const { k, n } of counters) {
      if (k[0] === "events" && inWindow(dayDate(dayOf(k[2])), window)) add(events, k[1] ?? "", n);
    }
    const daily = dailySeries(
      window,
      ["new_contacts"] as const,
      new Map([...newByDay].map(([day, n]) => [day, { new_contacts: n }])),
    );
    return {
      range,
      from: isoDay(window.from),
      to: isoDay(window.to),
      total,
      new_in_range: daily.reduce((sum, point) => sum + point.new_contacts, 0),
      by_status: byStatus,
      by_engagement_level: byLevel,
      by_tag: topOf(tags, top).map(([tag, count]) => ({ tag, count })),
      by_source: topOf(sources, top).map(([source, count]) => ({ source, count })),
      average_engagement: total > 0 ? Math.round(scoreHundredths / total) / 100 : 0,
      top_engaged: topRows.map(summary),
      custom_events: topOf(events, top).map(([event, count]) => ({ event, count })),
      daily,
    };
  }

  async campaign(
    key: string,
    window: { from?: string | undefined; to?: string | undefined },
    now = new Date(),
  ): Promise<CampaignAnalytics> {
    const id = recordId("campaign", key);
    const [campaign] = id
      ? await this.#db.query<[{ name: string; status: string; created_at: { toDate(): Date } } | undefined]>(
          "SELECT name, status, created_at FROM ONLY $id",
          { id },
        )
      : [undefined];
    if (!id || !campaign) throw AppError.notFound("campaign", key);
    const to = utcDay(window.to ? new Date(window.to) : now);
    // By default from the campaign's creation, but never more than the longest window before `to`.
    const longest = new Date(to.getTime() - (ANALYTICS_MAX_DAYS - 1) * DAY_MS);
    const created = utcDay(campaign.created_at.toDate());
    const from = window.from ? utcDay(new Date(window.from)) : created > longest ? created : longest;
    if (to < from) {
      // Name the field the caller sent: the other end may be a default.
      if (!window.to) throw AppError.invalidField("from", `must not be after today (${isoDay(to)})`);
      if (!window.from) {
        throw AppError.invalidField("to", `must not be before the campaign was created (${isoDay(from)})`);
      }
      throw AppError.invalidField("to", "must not be before from");
    }
    if (daysBetween(from, to) > ANALYTICS_MAX_DAYS) {
      throw AppError.invalidField("from", `the window may span at most ${ANALYTICS_MAX_DAYS} days`);
    }
    const [events] = await this.#db.query<[string[]]>(
      "SELECT VALUE 'e:' + <string> record::id(id) FROM event WHERE campaign = $id",
      { id },
    );
    const counters = await this.#counters([`c:${key}`, ...events]);

    const range = { from, to };
    const daily = new Map<string, Partial<Record<(typeof CAMPAIGN_DAILY_METRICS)[number], number>>>();
    const bump = (day: string, metric: (typeof CAMPAIGN_DAILY_METRICS)[number], n: number) => {
      const point = daily.get(day) ?? {};
      point[metric] = (point[metric] ?? 0) + n;
      daily.set(day, point);
    };
    const channels: CampaignAnalytics["channels"] = {};
    const reach = { opened: 0, clicked: 0, bounced: 0, unsubscribed: 0 };
    const entries = new Map<string, number>();
    const customEvents = new Map<string, number>();
    const rsvps = zeros(RSVP_STATUSES);
    let visits = 0;
    for (const { k, n } of counters) {
      const day = dayOf(k.at(-1));
      if (!inWindow(dayDate(day), range)) continue;
      if (k[0]?.startsWith("e:")) {
        const status = k[2] ?? "";
        if (status in rsvps) rsvps[status as keyof typeof rsvps] += n;
        if (status === "registered") bump(day, "registrations", n);
        continue;
      }
      const [, kind, a = "", b = ""] = k;
      if (kind === "delivery") {
        const channel = channels[a] ?? { recipients: 0, sent: 0, failed: 0, skipped: 0 };
        if (b === "recipients" || b === "sent" || b === "failed" || b === "skipped") channel[b] += n;
        channels[a] = channel;
        if (a === "email" && (b === "sent" || b === "failed")) bump(day, b, n);
      } else if (kind === "reach" && a in reach) {
        reach[a as keyof typeof reach] += n;
        bump(day, a as keyof typeof reach, n);
      } else if (kind === "tl") {
        add(entries, a, n);
        if (a === "form_submission") bump(day, "submissions", n);
        if (a === "custom_event") add(customEvents, b, n);
      } else if (kind === "views") {
        bump(day, "visits", n);
      }
    }
    // A day's visits are never fewer than its submissions: a JSON submission comes with no page view.
    for (const point of daily.values()) {
      point.visits = Math.max(point.visits ?? 0, point.submissions ?? 0);
      visits += point.visits;
    }
    const email = channels.email ?? { recipients: 0, sent: 0, failed: 0, skipped: 0 };
    const delivered = Math.max(0, email.sent - reach.bounced);
    const submissions = entries.get("form_submission") ?? 0;
    return {
      campaign: { id: key, name: campaign.name, status: campaign.status },
      from: isoDay(from),
      to: isoDay(to),
      recipients: email.recipients,
      sent: email.sent,
      delivered,
      failed: email.failed,
      skipped: email.skipped,
      pending: Math.max(0, email.recipients - email.sent - email.failed - email.skipped),
      bounced: reach.bounced,
      opened: reach.opened,
      clicked: reach.clicked,
      unsubscribed: reach.unsubscribed,
      opens: { human: entries.get("email_open") ?? 0, machine: entries.get("email_open_machine") ?? 0 },
      clicks: entries.get("email_click") ?? 0,
      landing_page: { visits, submissions },
      rsvps,
      channels,
      rates: {
        open_rate: rate(reach.opened, delivered),
        click_rate: rate(reach.clicked, delivered),
        click_to_open_rate: rate(reach.clicked, reach.opened),
        bounce_rate: rate(reach.bounced, email.sent),
        unsubscribe_rate: rate(reach.unsubscribed, delivered),
        conversion_rate: rate(submissions, visits),
      },
      custom_events: topOf(customEvents, 50).map(([event, count]) => ({ event, count })),
      daily: dailySeries(range, CAMPAIGN_DAILY_METRICS, daily),
    };
  }

  async funnel(
    campaign: string | undefined,
    range: AnalyticsRange,
    now = new Date(),
  ): Promise<FunnelAnalytics> {
    if (campaign !== undefined) {
      const id = recordId("campaign", campaign);
      const [exists] = id ? await this.#db.query<[boolean]>("RETURN record::exists($id)", { id }) : [false];
      if (!exists) throw AppError.invalidField("campaign", "no campaign with this id exists");
    }
    const leadScope = `f:${campaign ?? "all"}`;
    const viewScope = campaign === undefined ? "views" : `c:${campaign}`;
    const counters = await this.#counters([leadScope, viewScope]);
    const days = counters.flatMap(({ k }) =>
      k[0] === leadScope || k[0] === "views" || k[1] === "views" ? [dayOf(k.at(-1))] : [],
    );
    const earliest = days.sort()[0];
    const window = rangeWindow(range, now, earliest ? dayDate(earliest) : undefined);
    const counts = { views: 0, leads: 0, engaged: 0, customers: 0 };
    for (const { k, n } of counters) {
      if (k[0] === leadScope) {
        if (!inWindow(dayDate(dayOf(k[3])), window)) continue;
        counts.leads += n;
        if (k[1] === "true") counts.engaged += n;
        if (k[2] === "true") counts.customers += n;
      } else if (k[0] === "views" || k[1] === "views") {
        if (inWindow(dayDate(dayOf(k.at(-1))), window)) counts.views += n;
      }
    }
    return {
      campaign: campaign ?? null,
      range,
      from: isoDay(window.from),
      to: isoDay(window.to),
      stages: funnel(counts),
    };
  }

  async engagement(
    options: { limit: number; level?: EngagementLevel | undefined },
    now = new Date(),
  ): Promise<EngagementRanking> {
    const bounds: Record<EngagementLevel, [number, number]> = {
      cold: [-1, 20],
      warming: [20, 40],
      engaged: [40, 60],
      hot: [60, 80],
      champion: [80, 100],
    };
    const [above, upTo] = options.level ? bounds[options.level] : [-1, 100];
    const [[rows], counters] = await Promise.all([
      this.#db.query<[SummaryRow[]]>(
        `SELECT ${SUMMARY_FIELDS}, engagement_rank FROM contact
         WHERE engagement_rank >= $from AND engagement_rank < $until ORDER BY engagement_rank LIMIT $limit`,
        { from: -upTo, until: -above, limit: options.limit },
      ),
      this.#counters(["contacts"]),
    ]);
    const levels = zeros(ENGAGEMENT_LEVELS);
    for (const { k, n } of counters) {
      if (k[1] === "profile" && (k[3] ?? "") in levels) levels[k[3] as EngagementLevel] += n;
    }
    const before = new Date(now.getTime() - TREND_DAYS * DAY_MS);
    const previous = await this.#contacts.scoresAt(
      rows.map((row) => String(row.id.id)),
      before,
    );
    return {
      levels,
      data: rows.map((row, index) => {
        const then = previous.get(String(row.id.id)) ?? 0;
        return {
          ...summary(row),
          rank: index + 1,
          score_30_days_ago: then,
          change: Math.round((row.engagement_score - then) * 100) / 100,
          trend: engagementTrend(row.engagement_score, then),
        };
      }),
    };
  }

  /**
   * Folds counter shards into one row per key: every shard row of a past day, and the shards of the
   * keys without a day (totals, statuses, tags…), at most `limit` rows a call. Read, add and delete in
   * one transaction: a writer bumping a shard at the same moment conflicts, and one of the two replays,
   * so no increment is lost. Returns how many shard rows were folded.
   */
  async fold(today: Date, limit: number): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const [rows] = await tx.query<
        [Array<{ id: RecordId; key: unknown[]; scope: string; day?: unknown; n: number; sum?: number }>]
      >(
        "SELECT id, key, scope, day, n, sum FROM stat WHERE hot = true AND (day = NONE OR day < $today) LIMIT $limit",
        { today: utcDay(today), limit },
      );
      if (rows.length === 0) return 0;
      type Group = { key: unknown[]; scope: string; day: unknown; n: number; sum: number };
      const groups = new Map<string, Group>();
      for (const row of rows) {
        const name = JSON.stringify(row.key);
        const group = groups.get(name) ?? { key: row.key, scope: row.scope, day: row.day, n: 0, sum: 0 };
        group.n += Number(row.n);
        group.sum += Number(row.sum ?? 0);
        groups.set(name, group);
      }
      await tx.query(
        `FOR $g IN $groups {
           UPSERT type::record('stat', array::append($g.key, '_'))
             SET scope = $g.scope, key = $g.key, day = $g.day, hot = false, n += $g.n, sum += $g.sum
             RETURN NONE;
         };
         DELETE $ids RETURN NONE;`,
        { groups: [...groups.values()], ids: rows.map((row) => row.id) },
      );
      return rows.length;
    });
  }

  /** Records a custom event on the contact's timeline; the timeline's event counts it. */
  async track(input: TrackEvent, now = new Date()): Promise<TimelineEntry> {
    if (input.timestamp && new Date(input.timestamp).getTime() > now.getTime() + 60_000) {
      throw AppError.invalidField("timestamp", "must not be in the future");
    }
    if (input.campaign !== undefined) {
      const id = recordId("campaign", input.campaign);
      const [exists] = id ? await this.#db.query<[boolean]>("RETURN record::exists($id)", { id }) : [false];
      if (!exists) throw AppError.invalidField("campaign", "no campaign with this id exists");
    }
    return this.#timeline.add({
      contact: input.contact,
      type: "custom_event",
      content: input.event,
      metadata: {
        event: input.event,
        properties: input.properties,
        ...(input.campaign !== undefined ? { campaign: input.campaign } : {}),
      },
      ...(input.timestamp !== undefined ? { timestamp: input.timestamp } : {}),
    });
  }
}
