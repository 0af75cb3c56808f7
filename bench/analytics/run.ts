import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Miniflare } from "miniflare";
import { RecordId, Surreal } from "surrealdb";
import WebSocket from "ws";
import { DbClient } from "../../shared/db/client.ts";
import { applyMigrations } from "../../shared/db/migrations.ts";
import { readMigrations } from "../../shared/db/migrations-fs.ts";
import { createRepositories } from "../../shared/db/repositories/index.ts";
import {
  type AnalyticsRange,
  dailySeries,
  engagementTrend,
  funnel,
  isoDay,
  rangeWindow,
  rate,
  TREND_DAYS,
  utcDay,
} from "../../shared/domain/analytics.ts";
import { CONTACT_STATUSES } from "../../shared/domain/contact-status.ts";
import { ENGAGEMENT_LEVELS, engagementLevel, engagementScore } from "../../shared/domain/engagement.ts";
import { RSVP_STATUSES } from "../../shared/domain/rsvp.ts";
import { CAMPAIGN_DAILY_METRICS } from "../../shared/schemas/analytics.ts";
import { startBenchDatabase, startGateway } from "../harness.ts";
import { random } from "../segments/seed.ts";
import { CAMPAIGNS, contactRow, everydayEntries, type Row, seedAnalytics } from "./seed.ts";

/**
 * Analytics benchmark (issue 8): every GET /api/analytics/* endpoint through the built gateway in
 * workerd (reads the counters migration 0014 keeps) against the same figures computed the direct way,
 * by aggregating contacts, deliveries and the timeline through the SDK on an open connection. The
 * figures must agree (any difference fails the run). The app is timed twice: right after the seed,
 * when every counter row is still a shard row, and after the cron's fold (the steady state). Then
 * POST /api/analytics/track, and what the counters cost each write (inserts with and without the
 * table's event). Env: BENCH_CONTACTS, BENCH_RUNS, BENCH_RAW_RUNS, BENCH_WRITERS (seed connections),
 * BENCH_JSON (where the results go).
 */

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// The direct computations take seconds each at full size: fewer runs keep the whole bench near 20 minutes.
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 5);
const RAW_WARMUP = Number(process.env.BENCH_RAW_WARMUP ?? 1);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 2);
const ENTRIES_PER_CONTACT = Number(process.env.BENCH_ENTRIES_PER_CONTACT ?? 9.5);
const WRITE_ENTRIES = Number(process.env.BENCH_WRITE_ENTRIES ?? 20_000);
const WRITE_CONTACTS = Number(process.env.BENCH_WRITE_CONTACTS ?? 10_000);
const OUTPUT = process.env.BENCH_JSON ?? "test-results/bench-analytics.json";
const WARMUP = 3;
const DAY = 86_400_000;
const BIG = "spring_launch";

type Figures = Record<string, unknown>;

interface Timing {
  median: number;
  p95: number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: round(at(0.5)), p95: round(at(0.95)) };
}

async function time(runs: number, once: () => Promise<unknown>, warmup = WARMUP): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A datetime as the SDK returns it (its DateTime, a Date or text) → the UTC day, `2026-11-30`. */
function dayOf(value: unknown): string {
  if (value instanceof Date) return isoDay(value);
  const withDate = value as { toDate?: () => Date } | null;
  if (withDate && typeof withDate.toDate === "function") return isoDay(withDate.toDate());
  return String(value)
    .replace(/^d?['"]?/, "")
    .slice(0, 10);
}

const keyOf = (id: unknown) => String((id as RecordId).id);

function topOf(totals: Map<string, number>, top: number) {
  return [...totals]
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, top);
}

function add(map: Map<string, number>, key: string, n: number) {
  map.set(key, (map.get(key) ?? 0) + n);
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** Score bands as SurrealQL (upper bounds inclusive, as engagementLevel). */
const LEVEL_SQL =
  "(IF engagement_score <= 20 { 'cold' } ELSE IF engagement_score <= 40 { 'warming' } ELSE IF engagement_score <= 60 { 'engaged' } ELSE IF engagement_score <= 80 { 'hot' } ELSE { 'champion' })";

interface SummaryRow {
  id: RecordId;
  first_name: string;
  last_name: string;
  email: string;
  status: string;
  engagement_score: number;
}

const summary = (row: SummaryRow) => ({
  id: keyOf(row.id),
  first_name: row.first_name,
  last_name: row.last_name,
  email: row.email,
  status: row.status,
  engagement_score: row.engagement_score,
  engagement_level: engagementLevel(row.engagement_score),
});

/** The direct computations: the same figures as each endpoint, from the records themselves. */
class Direct {
  constructor(readonly db: Surreal) {}

  async query<T extends unknown[]>(sql: string, vars?: Record<string, unknown>): Promise<T> {
    return (await this.db.query(sql, vars).collect()) as T;
  }

  async contacts(range: AnalyticsRange, top: number): Promise<Figures> {
    const now = new Date();
    let earliest: Date | undefined;
    if (range === "all") {
      // `all` starts at the first day of anything shown: a contact's creation or a custom event.
      const [[contact], [event]] = await this.query<[unknown[], unknown[]]>(
        `SELECT VALUE created_at FROM contact ORDER BY created_at ASC LIMIT 1;
         SELECT VALUE timestamp FROM timeline_entry WHERE type = 'custom_event' ORDER BY timestamp ASC LIMIT 1;`,
      );
      const days = [contact, event].flatMap((at) => (at === undefined ? [] : [dayOf(at)])).sort();
      earliest = days[0] ? new Date(`${days[0]}T00:00:00.000Z`) : undefined;
    }
    const window = rangeWindow(range, now, earliest);
    const [statuses, [totals], levels, tagLists, sources, days, topRows, events] = await this.query<
      [
        { status: string; n: number }[],
        { n: number; mean: number }[],
        { level: string; n: number }[],
        string[][],
        { origin: string; n: number }[],
        { day: unknown; n: number }[],
        SummaryRow[],
        { event: string; n: number }[],
      ]
    >(
      `SELECT status, count() AS n FROM contact GROUP BY status;
       SELECT count() AS n, math::mean(engagement_score) AS mean FROM contact GROUP ALL;
       SELECT ${LEVEL_SQL} AS level, count() AS n FROM contact GROUP BY level;
       SELECT VALUE tags FROM contact WHERE tags != [];
       SELECT source ?? 'manual' AS origin, count() AS n FROM contact GROUP BY origin;
       SELECT time::floor(created_at, 1d) AS day, count() AS n FROM contact WHERE created_at >= $from GROUP BY day;
       SELECT id, first_name, last_name, email, status, engagement_score FROM contact
         WHERE engagement_score > 0 ORDER BY engagement_score DESC, id ASC LIMIT $top;
       SELECT metadata.event AS event, count() AS n FROM timeline_entry
         WHERE type = 'custom_event' AND timestamp >= $from AND timestamp < $end GROUP BY event;`,
      { from: window.from, end: new Date(window.to.getTime() + DAY), top },
    );
    const byStatus = zeros(CONTACT_STATUSES);
    for (const row of statuses) byStatus[row.status as keyof typeof byStatus] += Number(row.n);
    const byLevel = zeros(ENGAGEMENT_LEVELS);
    for (const row of levels) byLevel[row.level as keyof typeof byLevel] += Number(row.n);
    const tags = new Map<string, number>();
    for (const list of tagLists) for (const tag of list) add(tags, tag, 1);
    const origins = new Map(sources.map((row) => [row.origin, Number(row.n)]));
    const perDay = new Map<string, { new_contacts: number }>();
    for (const row of days) perDay.set(dayOf(row.day), { new_contacts: Number(row.n) });
    const daily = dailySeries(window, ["new_contacts"] as const, perDay);
    const total = Number(totals?.n ?? 0);
    return {
      range,
      from: isoDay(window.from),
      to: isoDay(window.to),
      total,
      new_in_range: daily.reduce((sum, point) => sum + point.new_contacts, 0),
      by_status: byStatus,
      by_engagement_level: byLevel,
      by_tag: topOf(tags, top).map(([tag, count]) => ({ tag, count })),
      by_source: topOf(origins, top).map(([source, count]) => ({ source, count })),
      average_engagement: total > 0 ? Math.round(Number(totals?.mean ?? 0) * 100) / 100 : 0,
      top_engaged: topRows.map(summary),
      custom_events: topOf(new Map(events.map((row) => [String(row.event), Number(row.n)])), top).map(
        ([event, count]) => ({ event, count }),
      ),
      daily,
    };
  }

  async campaign(key: string, window: { from?: string; to?: string } = {}): Promise<Figures> {
    const now = new Date();
    const id = new RecordId("campaign", key);
    const [campaign] = await this.query<[{ name: string; status: string; created_at: unknown }]>(
      "SELECT name, status, created_at FROM ONLY $id",
      { id },
    );
    const created = new Date(`${dayOf(campaign.created_at)}T00:00:00.000Z`);
    const from = window.from ? utcDay(new Date(window.from)) : created;
    const to = utcDay(window.to ? new Date(window.to) : now);
    const first = isoDay(from);
    const last = isoDay(to);
    const inside = (day: string) => day >= first && day <= last;
    // A campaign's emails are opened after it exists: its timeline is read from the earlier of its
    // creation day and `from`, so a recipient's first open is the first one read.
    const lower = new Date(Math.min(from.getTime(), created.getTime()));
    const types = [
      "email_open",
      "email_click",
      "email_bounced",
      "unsubscribed",
      "form_submission",
      "custom_event",
    ];
    type EntryRow = { contact: RecordId; machine: boolean; event?: string | null; day: unknown; n: number };
    const results = await this.query<unknown[]>(
      `SELECT channel, status, time::floor(created_at, 1d) AS planned, time::floor(sent_at ?? updated_at, 1d) AS finished,
         count() AS n FROM delivery WHERE campaign = $id GROUP BY channel, status, planned, finished;
       SELECT VALUE contact FROM delivery WHERE campaign = $id AND channel = 'email';
       ${types
         .map(
           (type) =>
             `SELECT contact, metadata.machine = true AS machine, metadata.event AS event, time::floor(timestamp, 1d) AS day,
                count() AS n FROM timeline_entry
              WHERE type = '${type}' AND timestamp >= $lower AND timestamp < $end AND metadata.campaign = $key
              GROUP BY contact, machine, event, day;`,
         )
         .join("\n")}
       SELECT time::floor(at, 1d) AS day, count() AS n FROM landing_page_view
         WHERE campaign = $id AND at >= $from AND at < $end GROUP BY day;
       SELECT status, time::floor(timestamp, 1d) AS day, count() AS n FROM rsvp
         WHERE event IN (SELECT VALUE id FROM event WHERE campaign = $id) GROUP BY status, day;`,
      { id, key, lower, from, end: new Date(to.getTime() + DAY) },
    );
    const deliveries = results[0] as {
      channel: string;
      status: string;
      planned: unknown;
      finished: unknown;
      n: number;
    }[];
    const recipients = new Set((results[1] as RecordId[]).map(keyOf));
    const entries = Object.fromEntries(types.map((type, index) => [type, results[2 + index] as EntryRow[]]));
    const views = results[2 + types.length] as { day: unknown; n: number }[];
    const answers = results[3 + types.length] as { status: string; day: unknown; n: number }[];

    const daily = new Map<string, Partial<Record<(typeof CAMPAIGN_DAILY_METRICS)[number], number>>>();
    const bump = (day: string, metric: (typeof CAMPAIGN_DAILY_METRICS)[number], n: number) => {
      const point = daily.get(day) ?? {};
      point[metric] = (point[metric] ?? 0) + n;
      daily.set(day, point);
    };
    const channels: Record<string, { recipients: number; sent: number; failed: number; skipped: number }> =
      {};
    for (const row of deliveries) {
      const n = Number(row.n);
      const channel = () => {
        channels[row.channel] ??= { recipients: 0, sent: 0, failed: 0, skipped: 0 };
        return channels[row.channel] as { recipients: number; sent: number; failed: number; skipped: number };
      };
      if (inside(dayOf(row.planned))) channel().recipients += n;
      const finished = dayOf(row.finished);
      if (
        (row.status === "sent" || row.status === "failed" || row.status === "skipped") &&
        inside(finished)
      ) {
        channel()[row.status] += n;
        if (row.channel === "email" && row.status !== "skipped") bump(finished, row.status, n);
      }
    }
    // Unique recipients: those whose first (human) entry of the kind falls in the window. A click is
    // an open too (the tracking pixel may have been blocked).
    const reach = { opened: 0, clicked: 0, bounced: 0, unsubscribed: 0 };
    const reachTypes = {
      opened: ["email_open", "email_click"],
      clicked: ["email_click"],
      bounced: ["email_bounced"],
      unsubscribed: ["unsubscribed"],
    } as const;
    for (const [metric, kinds] of Object.entries(reachTypes) as [keyof typeof reach, readonly string[]][]) {
      const firstDay = new Map<string, string>();
      for (const row of kinds.flatMap((type) => entries[type] ?? [])) {
        const contact = keyOf(row.contact);
        if (row.machine || !recipients.has(contact)) continue;
        const day = dayOf(row.day);
        const seen = firstDay.get(contact);
        if (seen === undefined || day < seen) firstDay.set(contact, day);
      }
      for (const day of firstDay.values()) {
        if (!inside(day)) continue;
        reach[metric] += 1;
        bump(day, metric, 1);
      }
    }
    const countIn = (type: string, keep: (row: EntryRow) => boolean = () => true) => {
      let n = 0;
      for (const row of entries[type] ?? []) {
        const day = dayOf(row.day);
        if (!inside(day) || !keep(row)) continue;
        n += Number(row.n);
        if (type === "form_submission") bump(day, "submissions", Number(row.n));
      }
      return n;
    };
    const customEvents = new Map<string, number>();
    for (const row of entries.custom_event ?? []) {
      if (inside(dayOf(row.day))) add(customEvents, String(row.event), Number(row.n));
    }
    for (const row of views) bump(dayOf(row.day), "visits", Number(row.n));
    const submissions = countIn("form_submission");
    // A day's visits are never fewer than its submissions (a JSON submission has no page view).
    let visits = 0;
    for (const point of daily.values()) {
      point.visits = Math.max(point.visits ?? 0, point.submissions ?? 0);
      visits += point.visits;
    }
    const rsvps = zeros(RSVP_STATUSES);
    for (const row of answers) {
      const day = dayOf(row.day);
      if (!inside(day)) continue;
      rsvps[row.status as keyof typeof rsvps] += Number(row.n);
      if (row.status === "registered") bump(day, "registrations", Number(row.n));
    }
    const email = channels.email ?? { recipients: 0, sent: 0, failed: 0, skipped: 0 };
    const delivered = Math.max(0, email.sent - reach.bounced);
    return {
      campaign: { id: key, name: campaign.name, status: campaign.status },
      from: first,
      to: last,
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
      opens: {
        human: countIn("email_open", (row) => !row.machine),
        machine: countIn("email_open", (row) => row.machine),
      },
      clicks: countIn("email_click"),
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
      daily: dailySeries({ from, to }, CAMPAIGN_DAILY_METRICS, daily),
    };
  }

  async funnel(campaign: string | undefined, range: AnalyticsRange): Promise<Figures> {
    const now = new Date();
    const scoped = campaign !== undefined;
    const [firsts, views] = await this.query<
      [{ contact: RecordId; first: unknown }[], { day: unknown; n: number }[]]
    >(
      `SELECT contact, time::min(timestamp) AS first FROM timeline_entry
         WHERE type = 'form_submission' ${scoped ? "AND metadata.campaign = $key" : ""} GROUP BY contact;
       SELECT time::floor(at, 1d) AS day, count() AS n FROM landing_page_view ${scoped ? "WHERE campaign = $id" : ""} GROUP BY day;`,
      scoped ? { key: campaign, id: new RecordId("campaign", campaign) } : {},
    );
    const leadDays = firsts.map((row) => ({ contact: row.contact, day: dayOf(row.first) }));
    const days = [...leadDays.map((lead) => lead.day), ...views.map((row) => dayOf(row.day))].sort();
    const earliest = days[0] ? new Date(`${days[0]}T00:00:00.000Z`) : undefined;
    const window = rangeWindow(range, now, earliest);
    const first = isoDay(window.from);
    const last = isoDay(window.to);
    const leads = leadDays
      .filter((lead) => lead.day >= first && lead.day <= last)
      .map((lead) => lead.contact);
    const [people] = await this.query<[{ engagement_score: number; status: string }[]]>(
      "RETURN $ids.map(|$id| $id.{ engagement_score, status })",
      { ids: leads },
    );
    const counts = { views: 0, leads: leads.length, engaged: 0, customers: 0 };
    for (const person of people) {
      if (person.engagement_score >= 41 || person.status === "customer") counts.engaged += 1;
      if (person.status === "customer") counts.customers += 1;
    }
    for (const row of views) {
      const day = dayOf(row.day);
      if (day >= first && day <= last) counts.views += Number(row.n);
    }
    return { campaign: campaign ?? null, range, from: first, to: last, stages: funnel(counts) };
  }

  async engagement(limit: number): Promise<Figures> {
    const now = new Date();
    const [rows, levels] = await this.query<[SummaryRow[], { level: string; n: number }[]]>(
      `SELECT id, first_name, last_name, email, status, engagement_score FROM contact ORDER BY engagement_score DESC, id ASC LIMIT $limit;
       SELECT ${LEVEL_SQL} AS level, count() AS n FROM contact GROUP BY level;`,
      { limit },
    );
    const vars: Record<string, unknown> = {};
    const statements = rows.map((row, index) => {
      vars[`c${index}`] = row.id;
      return `SELECT type, timestamp, metadata.machine AS machine FROM timeline_entry WHERE contact = $c${index};`;
    });
    const timelines =
      rows.length > 0
        ? await this.query<{ type: string; timestamp: { toDate(): Date }; machine?: boolean | null }[][]>(
            statements.join("\n"),
            vars,
          )
        : [];
    const before = new Date(now.getTime() - TREND_DAYS * DAY);
    const byLevel = zeros(ENGAGEMENT_LEVELS);
    for (const row of levels) byLevel[row.level as keyof typeof byLevel] += Number(row.n);
    return {
      levels: byLevel,
      data: rows.map((row, index) => {
        const entries = (timelines[index] ?? []).map((entry) => ({
          type: entry.type,
          timestamp: entry.timestamp.toDate(),
          machine: entry.machine === true,
        }));
        const then = engagementScore(entries, before);
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
}

/** Contacts tied on the last score of a ranking that the app and the raw query listed differently. */
const tiesTaken: string[] = [];

/**
 * Differences between the app's figures and the direct ones, path by path. Rankings (top_engaged,
 * data) are compared as (score desc, id) lists: the scores must be the same, and so must the contacts,
 * except among those tied on the last score listed, where either side may have taken different ones
 * (noted, not a difference). Decayed scores may differ by a rounding step (computed a few ms apart);
 * the mean by one (the app sums rounded scores).
 */
function differences(app: unknown, direct: unknown, path = ""): string[] {
  const tolerance = /(average_engagement|score_30_days_ago|change)$/.test(path) ? 0.0101 : 0;
  if (typeof app === "number" && typeof direct === "number") {
    return Math.abs(app - direct) <= tolerance ? [] : [`${path}: app ${app}, raw ${direct}`];
  }
  if (Array.isArray(app) && Array.isArray(direct)) {
    if (app.length !== direct.length) return [`${path}: app has ${app.length} items, raw ${direct.length}`];
    if (/(top_engaged|data)$/.test(path)) return rankingDifferences(app, direct, path);
    return app.flatMap((item, index) => differences(item, direct[index], `${path}[${index}]`));
  }
  if (app && direct && typeof app === "object" && typeof direct === "object") {
    const keys = new Set([...Object.keys(app), ...Object.keys(direct)]);
    return [...keys].flatMap((key) =>
      differences(
        (app as Record<string, unknown>)[key],
        (direct as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      ),
    );
  }
  return app === direct ? [] : [`${path}: app ${JSON.stringify(app)}, raw ${JSON.stringify(direct)}`];
}

function rankingDifferences(app: unknown[], direct: unknown[], path: string): string[] {
  type Ranked = { id: string; engagement_score: number; rank?: number };
  const order = (items: unknown[]) =>
    [...(items as Ranked[])]
      .sort((a, b) => b.engagement_score - a.engagement_score || a.id.localeCompare(b.id))
      .map(({ rank: _rank, ...rest }) => rest);
  const [a, b] = [order(app), order(direct)];
  const found = a.flatMap((item, index) =>
    item.engagement_score === b[index]?.engagement_score
      ? []
      : [
          `${path}[${index}].engagement_score: app ${item.engagement_score}, raw ${b[index]?.engagement_score}`,
        ],
  );
  const last = a.at(-1)?.engagement_score;
  const byId = new Map(b.map((item) => [item.id, item]));
  for (const item of a) {
    const other = byId.get(item.id);
    if (other) found.push(...differences(item, other, `${path}[id ${item.id}]`));
    else if (item.engagement_score === last) tiesTaken.push(`${path}: app listed ${item.id} (${last})`);
    else found.push(`${path}: app listed ${item.id} (${item.engagement_score}), raw did not`);
  }
  return found;
}

/** The headline figures of a response, for the log. */
function headline(body: Figures): Record<string, unknown> {
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in body).map((k) => [k, body[k]]));
  if ("stages" in body) {
    return {
      ...pick(["from", "to"]),
      stages: (body.stages as { stage: string; count: number }[])
        .map((s) => `${s.stage}=${s.count}`)
        .join(" "),
    };
  }
  if ("levels" in body) {
    const data = body.data as { id: string; engagement_score: number; score_30_days_ago: number }[];
    return {
      levels: body.levels,
      top: data.slice(0, 3).map((d) => `${d.id}:${d.engagement_score} (${d.score_30_days_ago} 30d ago)`),
    };
  }
  if ("recipients" in body) {
    return pick([
      "from",
      "to",
      "recipients",
      "sent",
      "failed",
      "skipped",
      "pending",
      "bounced",
      "opened",
      "clicked",
      "unsubscribed",
      "opens",
      "clicks",
      "landing_page",
      "rsvps",
    ]);
  }
  return {
    ...pick([
      "from",
      "to",
      "total",
      "new_in_range",
      "by_status",
      "by_engagement_level",
      "average_engagement",
    ]),
    tags: (body.by_tag as { tag: string; count: number }[]).slice(0, 3),
    sources: (body.by_source as { source: string; count: number }[]).slice(0, 3),
    custom_events: body.custom_events,
  };
}

interface Case {
  name: string;
  path: string;
  direct: (d: Direct) => Promise<Figures>;
  /** Only checked for agreement, not timed. */
  checkOnly?: boolean;
}

const sinceDays = (days: number) => new Date(Date.now() - days * DAY).toISOString();

function cases(): Case[] {
  const from = sinceDays(29);
  const to = new Date().toISOString();
  return [
    {
      name: "contacts ?range=30d",
      path: "/api/analytics/contacts?range=30d",
      direct: (d) => d.contacts("30d", 10),
    },
    {
      name: "contacts ?range=all",
      path: "/api/analytics/contacts?range=all",
      direct: (d) => d.contacts("all", 10),
      checkOnly: true,
    },
    {
      name: `campaign/${BIG} (lifetime)`,
      path: `/api/analytics/campaign/${BIG}`,
      direct: (d) => d.campaign(BIG),
    },
    {
      name: `campaign/${BIG} ?from=-29d&to=now`,
      path: `/api/analytics/campaign/${BIG}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      direct: (d) => d.campaign(BIG, { from, to }),
    },
    {
      name: "campaign/webinar_invite (lifetime)",
      path: "/api/analytics/campaign/webinar_invite",
      direct: (d) => d.campaign("webinar_invite"),
      checkOnly: true,
    },
    {
      name: "campaign/newsletter_42 (lifetime)",
      path: "/api/analytics/campaign/newsletter_42",
      direct: (d) => d.campaign("newsletter_42"),
      checkOnly: true,
    },
    {
      name: "funnel ?range=30d",
      path: "/api/analytics/funnel?range=30d",
      direct: (d) => d.funnel(undefined, "30d"),
    },
    {
      name: `funnel ?campaign=${BIG}&range=all`,
      path: `/api/analytics/funnel?campaign=${BIG}&range=all`,
      direct: (d) => d.funnel(BIG, "all"),
    },
    {
      name: "funnel ?range=all",
      path: "/api/analytics/funnel?range=all",
      direct: (d) => d.funnel(undefined, "all"),
      checkOnly: true,
    },
    {
      name: "engagement ?limit=20",
      path: "/api/analytics/engagement?limit=20",
      direct: (d) => d.engagement(20),
    },
  ];
}

/** Inserts rows in batches and returns the milliseconds spent in the inserts. */
async function timedInsert(db: Surreal, table: string, rows: Row[], batch: number): Promise<number> {
  let spent = 0;
  for (let i = 0; i < rows.length; i += batch) {
    const started = performance.now();
    await db.query(`INSERT INTO ${table} $rows RETURN NONE`, { rows: rows.slice(i, i + batch) }).collect();
    spent += performance.now() - started;
  }
  return spent;
}

/**
 * What one table event costs a write: the same kind of rows inserted with the event defined and with it
 * removed (REMOVE EVENT, then defined again from INFO FOR TABLE), in alternating blocks so both see the
 * same database size and machine load.
 */
async function writeCost(
  db: Surreal,
  table: string,
  event: string,
  make: (count: number) => Row[],
  total: number,
  batch: number,
) {
  const [info] = (await db.query(`INFO FOR TABLE ${table}`).collect()) as [
    { events: Record<string, string> },
  ];
  const definition = info.events[event];
  if (!definition) throw new Error(`${table} has no event ${event}`);
  const others = Object.keys(info.events).filter((name) => name !== event);
  const blocks = 4;
  const spent = { with: 0, without: 0 };
  const rows = { with: 0, without: 0 };
  try {
    for (let block = 0; block < blocks; block++) {
      const mode = block % 2 === 0 ? "with" : "without";
      if (mode === "without") await db.query(`REMOVE EVENT ${event} ON ${table}`).collect();
      const blockRows = make(Math.round(total / blocks));
      spent[mode] += await timedInsert(db, table, blockRows, batch);
      rows[mode] += blockRows.length;
      if (mode === "without") await db.query(definition).collect();
    }
  } finally {
    const [again] = (await db.query(`INFO FOR TABLE ${table}`).collect()) as [
      { events: Record<string, string> },
    ];
    if (!again.events[event]) await db.query(definition).collect();
  }
  const per = (mode: "with" | "without") => Math.round((spent[mode] * 1000) / rows[mode]);
  return {
    table,
    event,
    batch,
    other_events: others,
    rows_each: rows.with,
    with_event: {
      ms: Math.round(spent.with),
      us_per_row: per("with"),
      rows_per_s: Math.round(rows.with / (spent.with / 1000)),
    },
    without_event: {
      ms: Math.round(spent.without),
      us_per_row: per("without"),
      rows_per_s: Math.round(rows.without / (spent.without / 1000)),
    },
    ratio: Math.round((spent.with / rows.with / (spent.without / rows.without)) * 100) / 100,
  };
}

async function main() {
  const started = Date.now();
  const bench = await startBenchDatabase("analytics");
  const { server, password } = bench;
  const config = { ...bench.configFor("analytics"), queryTimeoutMs: 600_000 };
  let miniflare: Miniflare | undefined;
  const raw = new Surreal({ websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
  const mismatches: string[] = [];
  try {
    const open = () =>
      DbClient.open(config, { websocketImpl: WebSocket as unknown as typeof globalThis.WebSocket });
    const db = await open();
    await applyMigrations(db, await readMigrations());
    const writers = [db];
    while (writers.length < WRITERS) writers.push(await open());
    const now = new Date();
    console.log(
      `[bench] seeding ${CONTACTS.toLocaleString("en")} contacts with campaigns and their timeline…`,
    );
    const seeded = await seedAnalytics(writers, {
      contacts: CONTACTS,
      entriesPerContact: ENTRIES_PER_CONTACT,
      now,
      log: (line) => console.log(`[bench]   ${line}`),
    });
    const [[stats], [leads], scopes] = await db.query<[[number], [number], { scope: string; n: number }[]]>(
      `SELECT VALUE n FROM (SELECT count() AS n FROM stat GROUP ALL);
       SELECT VALUE n FROM (SELECT count() AS n FROM funnel_lead GROUP ALL);
       SELECT scope, count() AS n FROM stat GROUP BY scope;`,
    );
    for (const writer of writers) await writer.close();
    // The counter rows each endpoint reads (every key has up to 16 shards).
    const rowsOf = Object.fromEntries(
      ["contacts", "contact_days", "events", "views", "f:all", `c:${BIG}`, `f:${BIG}`].map((scope) => [
        scope,
        scopes.find((row) => row.scope === scope)?.n ?? 0,
      ]),
    );
    console.log(`[bench] seeded in ${(seeded.ms.total / 1000).toFixed(1)} s: ${JSON.stringify(seeded)}`);
    console.log(
      `[bench] counters: ${stats} stat rows (by scope: ${JSON.stringify(rowsOf)}), ${leads} funnel_lead rows`,
    );

    const gateway = await startGateway({
      ...config,
      credentials: { username: "root", password, level: "root" },
    });
    miniflare = gateway.miniflare;
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(new URL(path, gateway.base), {
        ...init,
        headers: {
          authorization: `Bearer ${gateway.token}`,
          "content-type": "application/json",
          ...init.headers,
        },
      });
      const body = (await response.json()) as Figures;
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
      return body;
    };
    await raw.connect(server.url, {
      namespace: config.namespace,
      database: config.database,
      authentication: { username: "root", password },
      versionCheck: false,
      reconnect: false,
    });
    const direct = new Direct(raw);

    const check = (name: string, app: Figures, computed: Figures) => {
      const found = differences(app, computed);
      console.log(
        `[bench] ${name}\n          app: ${JSON.stringify(headline(app))}\n          raw: ${JSON.stringify(headline(computed))}`,
      );
      if (found.length > 0) {
        console.error(`\n!!! MISMATCH in ${name} (${found.length}):\n  ${found.slice(0, 40).join("\n  ")}\n`);
        mismatches.push(...found.map((line) => `${name}: ${line}`));
      } else {
        console.log("          figures agree");
      }
    };

    // Phase 1, right after the seed: every counter row is still a shard row ("hot"), as after a big
    // import. The raw side does not depend on the counters, so it is timed here only.
    const timedCases = cases();
    const results: Array<{
      endpoint: string;
      path: string;
      app_ms: Timing;
      app_hot_ms: Timing;
      raw_ms: Timing;
      ratio: number;
      ratio_hot: number;
    }> = [];
    const computedBy = new Map<string, Figures>();
    const hotTimings = new Map<string, Timing>();
    const rawTimings = new Map<string, Timing>();
    for (const item of timedCases) {
      let app: Figures = {};
      let computed: Figures = {};
      if (item.checkOnly) {
        app = await call(item.path);
        computed = await item.direct(direct);
        computedBy.set(item.name, computed);
        check(`${item.name} (hot shards; checked, not timed)`, app, computed);
        continue;
      }
      const appSamples = await time(RUNS, async () => {
        app = await call(item.path);
      });
      const rawSamples = await time(
        RAW_RUNS,
        async () => {
          computed = await item.direct(direct);
        },
        RAW_WARMUP,
      );
      computedBy.set(item.name, computed);
      check(`${item.name} (hot shards)`, app, computed);
      hotTimings.set(item.name, summarise(appSamples));
      rawTimings.set(item.name, summarise(rawSamples));
      console.log(
        `[bench] ${item.name}: app (hot) ${JSON.stringify(hotTimings.get(item.name))}, raw ${JSON.stringify(rawTimings.get(item.name))}`,
      );
    }

    // Phase 2: the 15-minute cron's fold (shard rows of past days, and of keys without a day, into one
    // row per key), run to the end here, as the repository's fold in batches of 2,000 like the cron.
    const folder = await open();
    const foldStarted = performance.now();
    let folded = 0;
    for (;;) {
      const count = await createRepositories(folder).analytics.fold(new Date(), 2_000);
      folded += count;
      if (count < 2_000) break;
    }
    const foldMs = Math.round(performance.now() - foldStarted);
    const [[after]] = await folder.query<[[number]]>(
      "SELECT VALUE n FROM (SELECT count() AS n FROM stat GROUP ALL);",
    );
    await folder.close();
    const fold = { folded_rows: folded, ms: foldMs, stat_rows_after: after };
    console.log(`[bench] fold: ${JSON.stringify(fold)}`);

    // Phase 3: the steady state (folded history, today's shards), against the same raw figures.
    for (const item of timedCases) {
      let app: Figures = {};
      const computed = computedBy.get(item.name) ?? {};
      if (item.checkOnly) {
        check(`${item.name} (folded; checked, not timed)`, await call(item.path), computed);
        continue;
      }
      const appSamples = await time(RUNS, async () => {
        app = await call(item.path);
      });
      check(`${item.name} (folded)`, app, computed);
      const appTiming = summarise(appSamples);
      const hot = hotTimings.get(item.name) as Timing;
      const rawTiming = rawTimings.get(item.name) as Timing;
      results.push({
        endpoint: item.name,
        path: item.path,
        app_ms: appTiming,
        app_hot_ms: hot,
        raw_ms: rawTiming,
        ratio: Math.round((appTiming.median / rawTiming.median) * 1000) / 1000,
        ratio_hot: Math.round((hot.median / rawTiming.median) * 1000) / 1000,
      });
      console.log(`[bench] ${JSON.stringify(results.at(-1))}`);
    }

    // POST /api/analytics/track: a custom event on a contact's timeline (its score is recomputed too).
    const event = "bench_tracked";
    let tracked = 0;
    let attributed = 0;
    const trackSamples = await time(RUNS, async () => {
      const contact = `c${(tracked * 7919 + 13) % CONTACTS}`;
      const campaign = tracked % 2 === 0 ? BIG : undefined;
      await call("/api/analytics/track", {
        method: "POST",
        body: JSON.stringify({
          contact,
          event,
          properties: { run: tracked },
          ...(campaign ? { campaign } : {}),
        }),
      });
      tracked += 1;
      if (campaign) attributed += 1;
    });
    const track = summarise(trackSamples);
    console.log(
      `[bench] POST /api/analytics/track: ${JSON.stringify(track)} (${tracked} events, ${attributed} attributed)`,
    );
    // The counters moved with the writes: the figures still agree, and count the tracked events.
    const afterCampaign = await call(`/api/analytics/campaign/${BIG}`);
    check(`after track: campaign/${BIG}`, afterCampaign, await direct.campaign(BIG));
    const counted = (afterCampaign.custom_events as { event: string; count: number }[]).find(
      (e) => e.event === event,
    );
    if (counted?.count !== attributed)
      mismatches.push(`track: campaign counts ${counted?.count} ${event}, sent ${attributed}`);
    const afterContacts = await call("/api/analytics/contacts?range=7d&top=50");
    check("after track: contacts ?range=7d&top=50", afterContacts, await direct.contacts("7d", 50));
    const all = (afterContacts.custom_events as { event: string; count: number }[]).find(
      (e) => e.event === event,
    );
    if (all?.count !== tracked)
      mismatches.push(`track: contacts count ${all?.count} ${event}, sent ${tracked}`);

    // The write cost of the counters.
    console.log("[bench] write cost: inserts with and without the table events…");
    const rand = random(7);
    const companies = Math.max(10, Math.round(CONTACTS / 25));
    const spring = CAMPAIGNS[0];
    const entryRows = (count: number) => {
      const rows: Row[] = [];
      while (rows.length < count) {
        const i = Math.floor(rand() * CONTACTS);
        if (spring?.recipient(i) && rand() < 0.3) {
          // A launch email opened or clicked now: stamps the recipient's delivery.
          const type = rand() < 0.7 ? "email_open" : "email_click";
          rows.push({
            contact: new RecordId("contact", `c${i}`),
            type,
            content: type,
            metadata: { campaign: spring.key, delivery: `${spring.key}_${i}` },
            timestamp: new Date(Date.now() - Math.floor(rand() * DAY)),
          });
        } else {
          rows.push(...everydayEntries(rand, i, companies, new Date(), 1));
        }
      }
      return rows;
    };
    let next = CONTACTS;
    const contactRows = (count: number) =>
      Array.from({ length: count }, () =>
        contactRow(rand, next++, companies, new Date(), Math.floor(rand() * 40)),
      );
    const writes = [
      await writeCost(raw, "timeline_entry", "timeline_stats", entryRows, WRITE_ENTRIES, 1000),
      // Contacts in batches of 250, as the seed writes them (their event is slower in long transactions).
      await writeCost(raw, "contact", "contact_stats", contactRows, WRITE_CONTACTS, 250),
    ];
    for (const write of writes) console.log(`[bench] ${JSON.stringify(write)}`);

    console.log(
      `\n${CONTACTS.toLocaleString("en")} contacts, ${seeded.entries.toLocaleString("en")} timeline entries, ` +
        `${seeded.deliveries.toLocaleString("en")} deliveries, ${seeded.views.toLocaleString("en")} page views, ` +
        `${seeded.rsvps.toLocaleString("en")} RSVPs (seeded in ${(seeded.ms.total / 1000).toFixed(0)} s); ` +
        `app ${RUNS} runs after ${WARMUP} warm-ups, raw ${RAW_RUNS} runs after ${RAW_WARMUP}\n`,
    );
    console.log(
      "| endpoint | app median (p95) ms | raw median (p95) ms | app / raw | app right after the seed (unfolded shards) median (p95) ms | app / raw then |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const r of results) {
      console.log(
        `| ${r.endpoint} | ${r.app_ms.median} (${r.app_ms.p95}) | ${r.raw_ms.median} (${r.raw_ms.p95}) | ${r.ratio} | ${r.app_hot_ms.median} (${r.app_hot_ms.p95}) | ${r.ratio_hot} |`,
      );
    }
    console.log(`| POST /api/analytics/track | ${track.median} (${track.p95}) | | | | |`);
    console.log("\n| insert | with event µs/row | without µs/row | with / without |");
    console.log("| --- | --- | --- | --- |");
    for (const w of writes) {
      console.log(
        `| ${w.rows_each.toLocaleString("en")} + ${w.rows_each.toLocaleString("en")} ${w.table} rows, batches of ${w.batch} (event ${w.event}) | ${w.with_event.us_per_row} | ${w.without_event.us_per_row} | ${w.ratio} |`,
      );
    }
    const report = {
      contacts: CONTACTS,
      entries_per_contact: ENTRIES_PER_CONTACT,
      runs: RUNS,
      raw_runs: RAW_RUNS,
      raw_warmup: RAW_WARMUP,
      warmup: WARMUP,
      seeded,
      counters: { stat_rows: stats, rows_by_scope: rowsOf, funnel_leads: leads },
      results,
      fold,
      track: { ...track, events: tracked },
      write_cost: writes,
      mismatches,
      ties_taken_differently: tiesTaken,
      total_s: Math.round((Date.now() - started) / 1000),
    };
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n[bench] results written to ${OUTPUT}; total ${report.total_s} s`);
  } finally {
    await raw.close().catch(() => undefined);
    await miniflare?.dispose();
    await bench.close();
  }
  if (tiesTaken.length > 0) {
    console.log("\nnote: rankings took different contacts among those tied on the last score listed:");
    for (const line of tiesTaken.slice(0, 20)) console.log(`  ${line}`);
  }
  if (mismatches.length > 0) {
    console.error(`\n!!! ${mismatches.length} FIGURES DIFFER between the app and the raw aggregates:`);
    for (const line of mismatches.slice(0, 100)) console.error(`  ${line}`);
    process.exitCode = 1;
  }
}

await main();
