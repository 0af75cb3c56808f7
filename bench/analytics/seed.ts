import { createHash } from "node:crypto";
import { RecordId } from "surrealdb";
import type { DbClient } from "../../shared/db/client.ts";
import { INDUSTRIES, random, SIZES, STATUSES, TAGS, weighted } from "../segments/seed.ts";

/**
 * A CRM with campaign history for the analytics benchmark, written through the real schema so the
 * table events of migration 0014 keep the counters while it is seeded (every INSERT fires them):
 *
 * - contacts and companies as in the segments benchmark (mostly leads, long-tailed tags, most scores
 *   near zero, sign-ups over two years), some with a `source`;
 * - three campaigns with a run each and email deliveries (sent, failed, skipped; the newest one still
 *   partly queued): `spring_launch` reaches 30 % of the contacts;
 * - the timeline those campaigns left: `email_sent` per sent delivery, human and machine opens, clicks,
 *   bounces, unsubscribes (metadata.campaign and metadata.delivery), opens of forwarded messages by
 *   people who were not recipients, form submissions on the campaigns' landing pages, custom events;
 * - around them, the everyday timeline where a tenth of the contacts do most of the interacting (emails
 *   of older campaigns that have no record any more, notes, calls, meetings, visits, submissions);
 * - landing pages (two belong to campaigns) and their views; events (two belong to campaigns) and RSVPs.
 *
 * Deliveries are written before the timeline, as the app does: an open finds its delivery to stamp.
 * Deterministic (same seed, same data), relative to `now`.
 *
 * Several connections write at once (one per `dbs` entry), each owning a fixed set of the 16 counter
 * shards (fn::stat_apply shards every counter by the contact, or view, a row is about): every row goes
 * to the writer of its shard, so writers never touch the same counter row, delivery or funnel lead, and
 * never conflict. The data does not depend on how many writers there are.
 */
export interface AnalyticsSeedOptions {
  contacts: number;
  /** Average everyday timeline entries per contact (skewed), besides those the campaigns leave. */
  entriesPerContact: number;
  now: Date;
  seed?: number;
  log?: (line: string) => void;
}

/** The counter shard of a record, as fn::stat_apply computes it: md5 of `table:key`, first hex digit. */
export function shardOf(id: RecordId): number {
  return Number.parseInt(
    createHash("md5")
      .update(`${id.table.name}:${String(id.id)}`)
      .digest("hex")
      .slice(0, 1),
    16,
  );
}

export interface AnalyticsSeedReport {
  writers: number;
  contacts: number;
  companies: number;
  campaigns: number;
  deliveries: number;
  entries: number;
  campaign_entries: number;
  landing_pages: number;
  views: number;
  events: number;
  rsvps: number;
  ms: { total: number; contacts: number; deliveries: number; timeline: number; views: number; rsvps: number };
}

export interface CampaignPlan {
  key: string;
  name: string;
  objective: "awareness" | "lead_gen" | "event" | "investor" | "early_adopters";
  status: "running" | "completed";
  channels: string[];
  createdDaysAgo: number;
  /** Whether contact i is a recipient. */
  recipient: (i: number) => boolean;
  /** Share of the deliveries still queued (not sent yet). */
  queued: number;
  open: number;
  click: number;
  bounce: number;
  unsubscribe: number;
  /** Share of the contacts who submit the campaign's landing page form. */
  submit: number;
  /** Landing page views per contact, or 0 when the campaign has no page. */
  views: number;
}

export const CAMPAIGNS: CampaignPlan[] = [
  {
    key: "spring_launch",
    name: "Spring launch",
    objective: "lead_gen",
    status: "completed",
    channels: ["email", "landing_page", "event"],
    createdDaysAgo: 75,
    recipient: (i) => i % 10 < 3,
    queued: 0,
    open: 0.38,
    click: 0.09,
    bounce: 0.015,
    unsubscribe: 0.006,
    submit: 0.012,
    views: 0.35,
  },
  {
    key: "webinar_invite",
    name: "Launch webinar invitation",
    objective: "event",
    status: "completed",
    channels: ["email", "event", "landing_page"],
    createdDaysAgo: 40,
    recipient: (i) => i % 10 === 3,
    queued: 0,
    open: 0.45,
    click: 0.12,
    bounce: 0.01,
    unsubscribe: 0.003,
    submit: 0.004,
    views: 0.1,
  },
  {
    key: "newsletter_42",
    name: "Newsletter 42",
    objective: "awareness",
    status: "running",
    channels: ["email"],
    createdDaysAgo: 6,
    recipient: (i) => i % 20 >= 8 && i % 20 < 11,
    queued: 0.1,
    open: 0.3,
    click: 0.05,
    bounce: 0.02,
    unsubscribe: 0.008,
    submit: 0,
    views: 0,
  },
];

/** Older campaigns whose emails are on the timeline but whose records are gone. */
const OLD_CAMPAIGNS = Array.from({ length: 12 }, (_, i) => `newsletter_${30 + i}`);
export const CUSTOM_EVENTS = ["trial_started", "plan_upgraded", "demo_requested", "invoice_paid"];

const SOURCES = [
  ["landing_page:contact-us", 0.06],
  ["landing_page:spring-launch", 0.03],
  ["import:csv", 0.05],
  ["api", 0.02],
  [undefined, 0.84],
] as const;
const ENTRY_TYPES = [
  ["email_sent", 0.3],
  ["email_open", 0.22],
  ["email_click", 0.06],
  ["email_bounced", 0.005],
  ["unsubscribed", 0.003],
  ["note", 0.12],
  ["call", 0.07],
  ["meeting", 0.05],
  ["landing_page_visit", 0.08],
  ["form_submission", 0.025],
  ["social_touch", 0.04],
  ["task", 0.027],
] as const;
const RSVP_MIX = [
  ["invited", 0.15],
  ["waitlisted", 0.03],
  ["registered", 0.35],
  ["attended", 0.3],
  ["no_show", 0.12],
  ["cancelled", 0.05],
] as const;
const BATCH = 1000;
/** Contacts go in smaller batches: each fires ~10 counter upserts, and a long transaction slows them down. */
const CONTACT_BATCH = 250;
const DAY = 86_400_000;
const HOUR = 3_600_000;

export type Row = Record<string, unknown>;
export const contactId = (i: number) => new RecordId("contact", `c${i}`);
export const companyOf = (i: number, companies: number) =>
  i % 10 < 7 ? new RecordId("company", `co${(i * 7919) % companies}`) : undefined;

/** One contact row (index i); `count` is how active it is, which drives its score. */
export function contactRow(rand: () => number, i: number, companies: number, now: Date, count: number): Row {
  const tagCount = Math.floor(rand() * rand() * 5);
  const tags = [
    ...new Set(
      Array.from({ length: tagCount }, () => TAGS[Math.floor(rand() * rand() * TAGS.length)] as string),
    ),
  ];
  // Continuous scores that flatten out below 100, so the top of the ranking has few ties.
  const x = rand() * count;
  const score = count === 0 ? 0 : Math.round(((100 * x) / (x + 12)) * 100) / 100;
  const source = weighted(rand, SOURCES);
  return {
    id: contactId(i),
    first_name: `First${i % 997}`,
    last_name: `Last${i}`,
    email: `person${i}@mail${i % 50}.example`,
    status: weighted(rand, STATUSES),
    tags,
    engagement_score: score,
    company: companyOf(i, companies),
    ...(source ? { source } : {}),
    created_at: new Date(now.getTime() - Math.floor(rand() * 730) * DAY - Math.floor(rand() * DAY)),
  };
}

/** The everyday timeline of one contact: `count` entries over the last year, most of them recent. */
export function everydayEntries(
  rand: () => number,
  i: number,
  companies: number,
  now: Date,
  count: number,
): Row[] {
  const entries: Row[] = [];
  for (let e = 0; e < count; e++) {
    const type = weighted(rand, ENTRY_TYPES);
    const metadata: Row =
      type.startsWith("email") || type === "unsubscribed"
        ? { campaign: OLD_CAMPAIGNS[Math.floor(rand() * OLD_CAMPAIGNS.length)] }
        : type === "landing_page_visit" || type === "form_submission"
          ? { page: "contact-us" }
          : {};
    if (type === "email_open" && rand() < 0.1) metadata.machine = true;
    entries.push({
      contact: contactId(i),
      company: companyOf(i, companies),
      type,
      content: type,
      metadata,
      timestamp: new Date(now.getTime() - Math.floor(rand() * rand() * 365 * DAY)),
    });
  }
  return entries;
}

/** How many everyday entries contact i gets: most are quiet, a tenth do most of the interacting. */
function activity(rand: () => number, perContact: number) {
  const level = rand() < 0.1 ? perContact * 6 : perContact * 0.45;
  return Math.floor(level * rand() * 2);
}

const launchOf = (plan: CampaignPlan, now: Date) =>
  new Date(now.getTime() - (plan.createdDaysAgo - 1) * DAY + 9 * HOUR);
const createdOf = (plan: CampaignPlan, now: Date) => new Date(now.getTime() - plan.createdDaysAgo * DAY);

interface PlannedDelivery {
  plan: CampaignPlan;
  key: string;
  status: "queued" | "sent" | "failed" | "skipped";
  sentAt?: Date;
}

/** The entries one sent delivery leaves on the recipient's timeline (never after `now`). */
function deliveryEntries(rand: () => number, d: PlannedDelivery, i: number, companies: number, now: Date) {
  const sent = d.sentAt as Date;
  const meta = { campaign: d.plan.key, delivery: d.key };
  const rows: Row[] = [];
  const at = (offset: number, type: string, extra: Row = {}) => {
    const timestamp = new Date(sent.getTime() + Math.floor(offset));
    if (timestamp > now) return;
    rows.push({
      contact: contactId(i),
      company: companyOf(i, companies),
      type,
      content: type,
      metadata: { ...meta, ...extra },
      timestamp,
    });
  };
  at(0, "email_sent");
  if (rand() < d.plan.bounce) {
    at(rand() * 10 * 60_000, "email_bounced", { reason: "mailbox_full" });
    return rows;
  }
  if (rand() < 0.12) at(rand() * 30 * 60_000, "email_open", { machine: true });
  if (rand() < d.plan.open) {
    const opens = 1 + (rand() < 0.4 ? 1 : 0) + (rand() < 0.15 ? 1 : 0);
    let firstOpen = Number.POSITIVE_INFINITY;
    for (let o = 0; o < opens; o++) {
      const offset = rand() ** 3 * 14 * DAY;
      firstOpen = Math.min(firstOpen, offset);
      at(offset, "email_open");
    }
    if (rand() < d.plan.click / d.plan.open) {
      const clicks = 1 + (rand() < 0.3 ? 1 : 0);
      for (let c = 0; c < clicks; c++)
        at(firstOpen + rand() * 2 * HOUR, "email_click", { url: "https://example.com" });
    }
  } else if (rand() < 0.01) {
    // A click without an open: the mail client blocked the tracking pixel.
    at(rand() * 3 * DAY, "email_click", { url: "https://example.com" });
  }
  if (rand() < d.plan.unsubscribe) at(rand() ** 2 * 10 * DAY, "unsubscribed");
  return rows;
}

async function insert(db: DbClient, table: string, rows: Row[], batch = BATCH) {
  for (let i = 0; i < rows.length; i += batch) {
    await db.query(`INSERT INTO ${table} $rows RETURN NONE`, { rows: rows.slice(i, i + batch) });
  }
}

/** Inserts rows through every writer at once, each row by the writer that owns its counter shard. */
async function insertSharded(
  dbs: DbClient[],
  table: string,
  rows: Row[],
  about: (row: Row) => RecordId,
  batch = BATCH,
) {
  const parts = dbs.map((): Row[] => []);
  for (const row of rows) parts[shardOf(about(row)) % dbs.length]?.push(row);
  await Promise.all(dbs.map((db, w) => insert(db, table, parts[w] ?? [], batch)));
}

const byContact = (row: Row) => row.contact as RecordId;

export async function seedAnalytics(
  dbs: DbClient[],
  options: AnalyticsSeedOptions,
): Promise<AnalyticsSeedReport> {
  const db = dbs[0] as DbClient;
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const rand = random(options.seed ?? 20_261_201);
  const { now } = options;
  const N = options.contacts;
  const companies = Math.max(10, Math.round(N / 25));
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)] as T;
  const ms = { total: 0, contacts: 0, deliveries: 0, timeline: 0, views: 0, rsvps: 0 };
  let phase = Date.now();
  const lap = () => {
    const elapsed = Date.now() - phase;
    phase = Date.now();
    return elapsed;
  };

  await insert(
    db,
    "company",
    Array.from({ length: companies }, (_, i) => ({
      id: new RecordId("company", `co${i}`),
      name: `Company ${i}`,
      domain: `company${i}.example`,
      industry: pick(INDUSTRIES),
      size: pick(SIZES),
      tags: [],
    })),
  );

  // How active each contact is decides both its score and its everyday timeline.
  const counts = Array.from({ length: N }, () => activity(rand, options.entriesPerContact));
  for (let start = 0; start < N; start += 4 * BATCH) {
    const rows: Row[] = [];
    for (let i = start; i < Math.min(start + 4 * BATCH, N); i++) {
      rows.push(contactRow(rand, i, companies, now, counts[i] as number));
    }
    await insertSharded(dbs, "contact", rows, (row) => row.id as RecordId, CONTACT_BATCH);
  }
  ms.contacts = lap();
  log(`contacts: ${N} in ${(ms.contacts / 1000).toFixed(1)} s`);

  // Campaigns, their runs, landing pages and events.
  for (const plan of CAMPAIGNS) {
    const created = createdOf(plan, now);
    const launch = launchOf(plan, now);
    await db.query("CREATE $id CONTENT $row RETURN NONE", {
      id: new RecordId("campaign", plan.key),
      row: {
        name: plan.name,
        objective: plan.objective,
        status: plan.status,
        channels: plan.channels,
        prompt: `Bench campaign ${plan.key}`,
        segment_tree: { field: "status", op: "in", value: ["lead", "customer"] },
        scheduled_at: launch,
        created_at: created,
        updated_at: launch,
      },
    });
    await db.query("CREATE $id CONTENT $row RETURN NONE", {
      id: new RecordId("campaign_run", plan.key),
      row: {
        campaign: new RecordId("campaign", plan.key),
        trigger: "schedule",
        status: plan.status === "completed" ? "completed" : "sending",
        started_at: launch,
        prepared_at: new Date(launch.getTime() + 60_000),
        ...(plan.status === "completed" ? { completed_at: new Date(launch.getTime() + 3 * HOUR) } : {}),
        updated_at: launch,
      },
    });
  }
  const pages = [
    { key: "lp_spring", slug: "spring-launch", campaign: "spring_launch" },
    { key: "lp_webinar", slug: "launch-webinar", campaign: "webinar_invite" },
    { key: "lp_contact", slug: "contact-us", campaign: undefined },
  ];
  for (const page of pages) {
    const plan = CAMPAIGNS.find((p) => p.key === page.campaign);
    const created = plan ? createdOf(plan, now) : new Date(now.getTime() - 400 * DAY);
    await db.query("CREATE $id CONTENT $row RETURN NONE", {
      id: new RecordId("landing_page", page.key),
      row: {
        ...(page.campaign ? { campaign: new RecordId("campaign", page.campaign) } : {}),
        title: `Page ${page.slug}`,
        slug: page.slug,
        status: "published",
        content: { blocks: [] },
        settings: {},
        published_at: created,
        created_at: created,
        updated_at: created,
      },
    });
  }
  const eventPlans = [
    { key: "launch_webinar", campaign: "webinar_invite", type: "webinar", startDaysAgo: 20 },
    { key: "berlin_meetup", campaign: "spring_launch", type: "meetup", startDaysAgo: 30 },
    { key: "founder_ama", campaign: undefined, type: "ama", startDaysAgo: -10 },
  ];

  // Deliveries: one per recipient and campaign, written before the timeline.
  const planned = new Map<number, PlannedDelivery[]>();
  let deliveries = 0;
  for (const plan of CAMPAIGNS) {
    const launch = launchOf(plan, now);
    const rows: Row[] = [];
    for (let i = 0; i < N; i++) {
      if (!plan.recipient(i)) continue;
      const key = `${plan.key}_${i}`;
      const roll = rand();
      const status =
        roll < 0.04 ? "skipped" : roll < 0.06 ? "failed" : rand() < plan.queued ? "queued" : "sent";
      const finished = new Date(launch.getTime() + Math.floor(rand() * 3 * HOUR));
      const d: PlannedDelivery = { plan, key, status, ...(status === "sent" ? { sentAt: finished } : {}) };
      planned.set(i, [...(planned.get(i) ?? []), d]);
      rows.push({
        id: new RecordId("delivery", key),
        campaign: new RecordId("campaign", plan.key),
        run: new RecordId("campaign_run", plan.key),
        channel: "email",
        contact: contactId(i),
        email: `person${i}@mail${i % 50}.example`,
        status,
        ...(status === "skipped" ? { reason: "suppressed" } : {}),
        ...(status === "failed" ? { reason: "provider rejected the message" } : {}),
        attempts: status === "sent" ? 1 : status === "failed" ? 3 : 0,
        ...(status === "sent"
          ? { provider: "outbox", provider_message_id: `msg_${key}`, sent_at: finished }
          : {}),
        created_at: launch,
        updated_at: status === "queued" ? launch : status === "skipped" ? launch : finished,
      });
    }
    await insertSharded(dbs, "delivery", rows, byContact);
    deliveries += rows.length;
  }
  ms.deliveries = lap();
  log(`deliveries: ${deliveries} in ${(ms.deliveries / 1000).toFixed(1)} s`);

  // The timeline, contact by contact: the everyday entries and what the campaigns left.
  let entries = 0;
  let campaignEntries = 0;
  const rsvps: Row[] = [];
  const seats = new Map<string, number>();
  const spring = CAMPAIGNS[0] as CampaignPlan;
  let buffer: Row[] = [];
  const flush = async () => {
    await insertSharded(dbs, "timeline_entry", buffer, byContact);
    entries += buffer.length;
    buffer = [];
  };
  for (let i = 0; i < N; i++) {
    buffer.push(...everydayEntries(rand, i, companies, now, counts[i] as number));
    const mine = planned.get(i) ?? [];
    for (const d of mine) {
      if (d.status !== "sent") continue;
      const rows = deliveryEntries(rand, d, i, companies, now);
      buffer.push(...rows);
      campaignEntries += rows.length;
    }
    const company = companyOf(i, companies);
    const push = (type: string, timestamp: Date, metadata: Row) => {
      if (timestamp > now) return;
      buffer.push({ contact: contactId(i), company, type, content: type, metadata, timestamp });
      campaignEntries += 1;
    };
    // Someone forwarded the launch email: an open by a contact who was not a recipient.
    if (!spring.recipient(i) && rand() < 0.003) {
      push("email_open", new Date(launchOf(spring, now).getTime() + rand() * 20 * DAY), {
        campaign: spring.key,
      });
    }
    // Form submissions on the campaigns' landing pages (clickers are likelier), a few twice.
    for (const plan of CAMPAIGNS) {
      if (plan.submit === 0) continue;
      const clicked = mine.some((d) => d.plan === plan) && rand() < plan.click;
      if (rand() >= (clicked ? 0.25 : plan.submit)) continue;
      const launch = launchOf(plan, now).getTime();
      const times = rand() < 0.15 ? 2 : 1;
      for (let s = 0; s < times; s++) {
        push("form_submission", new Date(launch + rand() ** 2 * (now.getTime() - launch)), {
          campaign: plan.key,
          page: plan.key === "spring_launch" ? "spring-launch" : "launch-webinar",
        });
      }
    }
    // Custom events from the product, a quarter of them attributed to the launch.
    if (rand() < 0.02) {
      const times = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < times; e++) {
        const timestamp = new Date(now.getTime() - Math.floor(rand() * rand() * 180 * DAY));
        const event = pick(CUSTOM_EVENTS);
        const attributed = rand() < 0.25 && timestamp >= launchOf(spring, now);
        push("custom_event", timestamp, {
          event,
          properties: { plan: pick(["free", "pro", "team"]) },
          ...(attributed ? { campaign: spring.key } : {}),
        });
      }
    }
    // RSVPs: invited recipients answer, a few others find the event on their own.
    for (const ev of eventPlans) {
      const plan = CAMPAIGNS.find((p) => p.key === ev.campaign);
      const invited = plan ? mine.some((d) => d.plan === plan && d.status === "sent") : false;
      const chance = ev.key === "launch_webinar" ? (invited ? 0.15 : 0.01) : invited ? 0.04 : 0.01;
      if (rand() >= chance || (plan && !invited && ev.key !== "launch_webinar")) continue;
      const start = now.getTime() - ev.startDaysAgo * DAY;
      const status =
        start > now.getTime()
          ? pick(["invited", "registered", "waitlisted", "cancelled"] as const)
          : weighted(rand, RSVP_MIX);
      const from = plan ? launchOf(plan, now).getTime() : now.getTime() - 5 * DAY;
      const timestamp =
        status === "attended" || status === "no_show"
          ? new Date(start + rand() * 2 * HOUR)
          : new Date(from + rand() * (Math.min(start, now.getTime()) - from));
      rsvps.push({
        event: new RecordId("event", ev.key),
        contact: contactId(i),
        status,
        timestamp,
        invited_at: new Date(from),
        ...(status === "waitlisted" ? { waitlisted_at: timestamp } : {}),
      });
      if (status === "registered" || status === "attended" || status === "no_show") {
        seats.set(ev.key, (seats.get(ev.key) ?? 0) + 1);
      }
    }
    if (buffer.length >= 5 * BATCH * dbs.length) await flush();
    if (i > 0 && i % 20_000 === 0) {
      log(`timeline: ${entries} entries after ${i} contacts, ${((Date.now() - phase) / 1000).toFixed(0)} s`);
    }
  }
  await flush();
  ms.timeline = lap();
  log(
    `timeline: ${entries} entries (${campaignEntries} from campaigns) in ${(ms.timeline / 1000).toFixed(1)} s`,
  );

  // Landing page views: campaign pages from their launch on (most in the first weeks), the contact page all year.
  const views: Row[] = [];
  for (const page of pages) {
    const plan = CAMPAIGNS.find((p) => p.key === page.campaign);
    const total = Math.round(N * (plan ? plan.views : 0.2));
    const from = plan ? launchOf(plan, now).getTime() : now.getTime() - 365 * DAY;
    for (let v = 0; v < total; v++) {
      const source = weighted(rand, [
        ["email", 0.55],
        ["linkedin", 0.2],
        ["google", 0.15],
        [undefined, 0.1],
      ] as const);
      views.push({
        id: new RecordId("landing_page_view", `v${views.length}`),
        page: new RecordId("landing_page", page.key),
        ...(plan ? { campaign: new RecordId("campaign", plan.key) } : {}),
        at: new Date(from + Math.floor((plan ? rand() ** 2 : rand()) * (now.getTime() - from))),
        ...(source ? { utm_source: source, utm_medium: source === "email" ? "email" : "referral" } : {}),
        ...(plan ? { utm_campaign: plan.key } : {}),
        country: pick(["DE", "US", "FR", "GB", "NL", "ES"]),
      });
    }
  }
  await insertSharded(dbs, "landing_page_view", views, (row) => row.id as RecordId);
  ms.views = lap();
  log(`landing page views: ${views.length} in ${(ms.views / 1000).toFixed(1)} s`);

  for (const ev of eventPlans) {
    const start = new Date(now.getTime() - ev.startDaysAgo * DAY);
    const plan = CAMPAIGNS.find((p) => p.key === ev.campaign);
    await db.query("CREATE $id CONTENT $row RETURN NONE", {
      id: new RecordId("event", ev.key),
      row: {
        ...(ev.campaign ? { campaign: new RecordId("campaign", ev.campaign) } : {}),
        name: ev.key.replace("_", " "),
        type: ev.type,
        start_time: start,
        end_time: new Date(start.getTime() + 2 * HOUR),
        capacity: 5000,
        seats_taken: seats.get(ev.key) ?? 0,
        created_at: plan ? createdOf(plan, now) : new Date(now.getTime() - 30 * DAY),
      },
    });
  }
  await insertSharded(dbs, "rsvp", rsvps, byContact);
  ms.rsvps = lap();
  ms.total = Date.now() - started;
  return {
    writers: dbs.length,
    contacts: N,
    companies,
    campaigns: CAMPAIGNS.length,
    deliveries,
    entries,
    campaign_entries: campaignEntries,
    landing_pages: pages.length,
    views: views.length,
    events: eventPlans.length,
    rsvps: rsvps.length,
    ms,
  };
}
