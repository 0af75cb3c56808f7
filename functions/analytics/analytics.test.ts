import { engagementScore } from "@crm/shared/domain";
import type {
  Campaign,
  CampaignAnalytics,
  Contact,
  ContactAnalytics,
  EngagementRanking,
  FunnelAnalytics,
  LandingPage,
  OutboxMessage,
  TimelineEntry,
} from "@crm/shared/schemas";
import { RecordId } from "surrealdb";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, TEST_BRAND, type TestApi, withDatabase } from "../app/test-client.ts";
import { CapturedQueue } from "../app/test-queue.ts";

/**
 * Analytics against a known dataset: every figure, rate and window is asserted exactly. The dataset is
 * written straight into the database with chosen dates (the table events keep the counters as they
 * would for the app's own writes); the flows at the end go through the real API, tracking links and
 * landing pages.
 */

const DAY = 86_400_000;
const today = () => new Date(Math.floor(Date.now() / DAY) * DAY);
/** `days` UTC days before today, at `hour` o'clock: always in the past for days ≥ 1. */
const at = (days: number, hour = 12) => new Date(today().getTime() - days * DAY + hour * 3_600_000);
const isoDay = (days: number) => at(days, 0).toISOString().slice(0, 10);
const unique = () => crypto.randomUUID().slice(0, 8);

const contact = (key: string) => new RecordId("contact", key);

describe("with no data", () => {
  let empty: TestApi;
  beforeAll(async () => {
    empty = await freshApi("analytics_empty");
  });

  it("every endpoint answers zeros and zero-filled series, never NaN or an error", async () => {
    const contacts = await empty.get<ContactAnalytics>("/api/analytics/contacts?range=7d");
    expect(contacts.status).toBe(200);
    expect(contacts.body).toMatchObject({
      range: "7d",
      from: isoDay(6),
      to: isoDay(0),
      total: 0,
      new_in_range: 0,
      by_status: { lead: 0, customer: 0, partner: 0, investor: 0, other: 0 },
      by_engagement_level: { cold: 0, warming: 0, engaged: 0, hot: 0, champion: 0 },
      by_tag: [],
      by_source: [],
      average_engagement: 0,
      top_engaged: [],
      custom_events: [],
    });
    expect(contacts.body.daily).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((days) => ({ date: isoDay(days), new_contacts: 0 })),
    );
    const all = await empty.get<ContactAnalytics>("/api/analytics/contacts?range=all");
    expect(all.body.daily).toEqual([{ date: isoDay(0), new_contacts: 0 }]);

    const funnel = await empty.get<FunnelAnalytics>("/api/analytics/funnel");
    expect(funnel.status).toBe(200);
    expect(funnel.body.range).toBe("30d");
    expect(funnel.body.stages).toEqual(
      ["visits", "leads", "engaged", "customers"].map((stage) => ({
        stage,
        count: 0,
        share_of_first: 0,
        conversion_from_previous: 0,
      })),
    );

    const ranking = await empty.get<EngagementRanking>("/api/analytics/engagement");
    expect(ranking.body).toEqual({
      levels: { cold: 0, warming: 0, engaged: 0, hot: 0, champion: 0 },
      data: [],
    });

    const campaign = (
      await empty.post<Campaign>("/api/campaigns", {
        name: "Quiet",
        objective: "awareness",
        channels: ["email"],
      })
    ).body;
    const metrics = await empty.get<CampaignAnalytics>(`/api/analytics/campaign/${campaign.id}`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({
      from: isoDay(0),
      to: isoDay(0),
      recipients: 0,
      sent: 0,
      delivered: 0,
      opened: 0,
      rates: {
        open_rate: 0,
        click_rate: 0,
        click_to_open_rate: 0,
        bounce_rate: 0,
        unsubscribe_rate: 0,
        conversion_rate: 0,
      },
    });
    expect(metrics.body.daily).toHaveLength(1);
    expect(JSON.stringify([contacts.body, funnel.body, metrics.body])).not.toMatch(/NaN|null,"to"/);
  });
});

describe("a known dataset", () => {
  let api: TestApi;
  let spring: Campaign;
  let other: Campaign;

  beforeAll(async () => {
    api = await freshApi("analytics_known");
    spring = (
      await api.post<Campaign>("/api/campaigns", {
        name: "Spring launch",
        objective: "lead_gen",
        channels: ["email", "landing_page", "event"],
      })
    ).body;
    other = (
      await api.post<Campaign>("/api/campaigns", {
        name: "Other",
        objective: "awareness",
        channels: ["email"],
      })
    ).body;
    await withDatabase(api, async (db) => {
      const people = [
        ["ada", 2, "lead", ["vip", "beta"], "landing_page:spring", 45.5],
        ["bob", 5, "customer", ["vip"], undefined, 82],
        ["cid", 10, "lead", ["beta"], "landing_page:spring", 12.25],
        ["dee", 40, "partner", [], undefined, 30],
        ["eve", 100, "investor", ["vip", "founders"], undefined, 0],
        ["fay", 0, "lead", [], "landing_page:summer", 65],
      ] as const;
      await db.query("INSERT INTO contact $rows RETURN NONE", {
        rows: people.map(([key, days, status, tags, source, score]) => ({
          id: contact(key),
          first_name: key.toUpperCase(),
          last_name: "Known",
          email: `${key}@known.example`,
          status,
          tags,
          source,
          engagement_score: score,
          // Fay signed up today, a minute ago (always today, whatever the hour).
          created_at: days === 0 ? new Date(Math.max(today().getTime(), Date.now() - 60_000)) : at(days, 9),
        })),
      });
      const campaign = new RecordId("campaign", spring.id);
      const run = new RecordId("campaign_run", `run_${spring.id}`);
      await db.query("CREATE $run CONTENT { campaign: $campaign, trigger: 'manual', status: 'completed' }", {
        run,
        campaign,
      });
      const deliveries = [
        ["ada", "sent"],
        ["bob", "sent"],
        ["cid", "sent"],
        ["dee", "failed"],
        ["eve", "skipped"],
      ] as const;
      await db.query("INSERT INTO delivery $rows RETURN NONE", {
        rows: deliveries.map(([key, status]) => ({
          campaign,
          run,
          channel: "email",
          contact: contact(key),
          email: `${key}@known.example`,
          status,
          created_at: at(3, 8),
          updated_at: at(3, 9),
          ...(status === "sent" ? { sent_at: at(3, 9), provider: "outbox" } : { reason: "test" }),
        })),
      });
      const c = spring.id;
      const entry = (
        key: string,
        type: string,
        days: number,
        metadata: Record<string, unknown>,
        hour = 12,
      ) => ({
        contact: contact(key),
        type,
        content: type,
        metadata,
        timestamp: at(days, hour),
      });
      await db.query("INSERT INTO timeline_entry $rows RETURN NONE", {
        rows: [
          entry("ada", "email_open", 2, { campaign: c }),
          entry("ada", "email_open", 1, { campaign: c }),
          entry("bob", "email_open", 2, { campaign: c, machine: true }),
          entry("bob", "email_open", 1, { campaign: c, machine: false }),
          entry("cid", "email_bounced", 3, { campaign: c, reason: "bounced" }, 10),
          entry("ada", "email_click", 2, { campaign: c }),
          entry("ada", "email_click", 1, { campaign: c }),
          entry("bob", "unsubscribed", 1, { campaign: c }),
          // A note naming the campaign in its free-form metadata is not attributed to it.
          entry("dee", "note", 1, { campaign: c }),
          entry("ada", "form_submission", 2, { campaign: c }),
          entry("cid", "form_submission", 20, { campaign: c }),
          entry("eve", "form_submission", 1, {}),
          entry("ada", "custom_event", 1, { event: "trial_started" }),
          entry("bob", "custom_event", 3, { event: "trial_started" }),
          entry("cid", "custom_event", 20, { event: "demo_booked", campaign: c }),
        ],
      });
      // Fay submitted a minute ago, on the campaign's page.
      await db.query("CREATE timeline_entry CONTENT $row RETURN NONE", {
        row: {
          ...entry("fay", "form_submission", 0, { campaign: c }),
          timestamp: new Date(Date.now() - 30_000),
        },
      });
      const page = new RecordId("landing_page", `lp_${spring.id}`);
      await db.query(
        "CREATE $page CONTENT { campaign: $campaign, title: 'Spring', slug: $slug, status: 'published', content: {}, settings: {} }",
        { page, campaign, slug: `spring-${unique()}` },
      );
      const bare = new RecordId("landing_page", `lp_bare_${spring.id}`);
      await db.query("CREATE $page CONTENT { title: 'Bare', slug: $slug, content: {}, settings: {} }", {
        page: bare,
        slug: `bare-${unique()}`,
      });
      await db.query("INSERT INTO landing_page_view $rows RETURN NONE", {
        rows: [
          ...[8, 9, 10, 11].map((hour) => ({ page, campaign, at: at(2, hour) })),
          { page, campaign, at: at(20) },
          { page: bare, at: at(1) },
          { page: bare, at: at(1, 13) },
        ],
      });
      const event = new RecordId("event", `ev_${spring.id}`);
      await db.query(
        `CREATE $event CONTENT { campaign: $campaign, name: 'Launch AMA', type: 'ama', description: 'Ask us',
           start_time: $start, end_time: $end, location: 'Online' }`,
        { event, campaign, start: at(-5), end: at(-5, 13) },
      );
      await db.query("INSERT INTO rsvp $rows RETURN NONE", {
        rows: [
          { event, contact: contact("ada"), status: "registered", timestamp: at(1) },
          { event, contact: contact("bob"), status: "invited", timestamp: at(4) },
          { event, contact: contact("cid"), status: "attended", timestamp: at(2) },
        ],
      });
    });
  });

  it("contacts: totals, new per range, status, level, tags, sources, average, top engaged, daily series", async () => {
    const week = await api.get<ContactAnalytics>("/api/analytics/contacts?range=7d&top=2");
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({
      range: "7d",
      from: isoDay(6),
      to: isoDay(0),
      total: 6,
      new_in_range: 3,
      by_status: { lead: 3, customer: 1, partner: 1, investor: 1, other: 0 },
      by_engagement_level: { cold: 2, warming: 1, engaged: 1, hot: 1, champion: 1 },
      by_tag: [
        { tag: "vip", count: 3 },
        { tag: "beta", count: 2 },
      ],
      by_source: [
        { source: "manual", count: 3 },
        { source: "landing_page:spring", count: 2 },
      ],
      // (45.5 + 82 + 12.25 + 30 + 0 + 65) / 6 = 39.125
      average_engagement: 39.13,
      custom_events: [{ event: "trial_started", count: 2 }],
    });
    expect(week.body.top_engaged.map((c) => [c.id, c.engagement_score, c.engagement_level])).toEqual([
      ["bob", 82, "champion"],
      ["fay", 65, "hot"],
    ]);
    expect(week.body.daily).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((days) => ({
        date: isoDay(days),
        new_contacts: days === 5 || days === 2 || days === 0 ? 1 : 0,
      })),
    );

    const month = await api.get<ContactAnalytics>("/api/analytics/contacts?range=30d");
    expect(month.body.new_in_range).toBe(4);
    expect(month.body.daily).toHaveLength(30);
    expect(month.body.custom_events).toEqual([
      { event: "trial_started", count: 2 },
      { event: "demo_booked", count: 1 },
    ]);
    expect(month.body.by_tag).toEqual([
      { tag: "vip", count: 3 },
      { tag: "beta", count: 2 },
      { tag: "founders", count: 1 },
    ]);
    expect((await api.get<ContactAnalytics>("/api/analytics/contacts?range=90d")).body.new_in_range).toBe(5);
    const all = await api.get<ContactAnalytics>("/api/analytics/contacts?range=all");
    expect(all.body).toMatchObject({ from: isoDay(100), new_in_range: 6 });
    expect(all.body.daily).toHaveLength(101);
    expect(all.body.top_engaged.map((c) => c.id)).toEqual(["bob", "fay", "ada", "dee", "cid"]);
  });

  it("campaign: deliveries, unique human opens and clicks, bounces, unsubscribes, landing, RSVPs and rates", async () => {
    const metrics = await api.get<CampaignAnalytics>(
      `/api/analytics/campaign/${spring.id}?from=${at(10).toISOString()}`,
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({
      campaign: { id: spring.id, name: "Spring launch", status: "draft" },
      from: isoDay(10),
      to: isoDay(0),
      recipients: 5,
      sent: 3,
      delivered: 2,
      failed: 1,
      skipped: 1,
      pending: 0,
      bounced: 1,
      opened: 2, // Ada (twice) and Bob (a machine open first, then his own)
      clicked: 1,
      unsubscribed: 1,
      opens: { human: 3, machine: 1 },
      clicks: 2,
      // The view 20 days ago and Cid's submission then are outside the window; Fay's submission today
      // came with no page view today, and a submission is always a visit: 4 + 1.
      landing_page: { visits: 5, submissions: 2 },
      rsvps: { invited: 1, waitlisted: 0, registered: 1, attended: 1, no_show: 0, cancelled: 0 },
      channels: { email: { recipients: 5, sent: 3, failed: 1, skipped: 1 } },
      rates: {
        open_rate: 1, // 2 opened / 2 delivered
        click_rate: 0.5,
        click_to_open_rate: 0.5,
        bounce_rate: 0.3333, // 1 of 3 sent
        unsubscribe_rate: 0.5,
        conversion_rate: 0.4, // 2 submissions / 5 visits
      },
      custom_events: [],
    });
    expect(metrics.body.daily).toHaveLength(11);
    const day = (days: number) => metrics.body.daily.find((point) => point.date === isoDay(days));
    expect(day(3)).toEqual({
      date: isoDay(3),
      sent: 3,
      failed: 1,
      opened: 0,
      clicked: 0,
      bounced: 1,
      unsubscribed: 0,
      visits: 0,
      submissions: 0,
      registrations: 0,
    });
    expect(day(2)).toMatchObject({ opened: 1, clicked: 1, visits: 4, submissions: 1 });
    expect(day(1)).toMatchObject({ opened: 1, clicked: 0, unsubscribed: 1, registrations: 1 });
    expect(day(0)).toMatchObject({ submissions: 1, visits: 1 });
  });

  it("campaign: the window attributes each figure to the day it happened", async () => {
    const from = at(2, 0).toISOString();
    const to = at(1, 23).toISOString();
    const window = await api.get<CampaignAnalytics>(
      `/api/analytics/campaign/${spring.id}?from=${from}&to=${to}`,
    );
    expect(window.body).toMatchObject({
      from: isoDay(2),
      to: isoDay(1),
      recipients: 0,
      sent: 0,
      delivered: 0,
      opened: 2,
      clicked: 1,
      bounced: 0,
      unsubscribed: 1,
      landing_page: { visits: 4, submissions: 1 },
      rsvps: { invited: 0, registered: 1, attended: 1 },
      // Nothing was delivered in the window: every rate over deliveries is 0, not NaN or Infinity.
      rates: { open_rate: 0, click_rate: 0, click_to_open_rate: 0.5, conversion_rate: 0.25 },
    });
    // Plain dates work too.
    const twenty = await api.get<CampaignAnalytics>(
      `/api/analytics/campaign/${spring.id}?from=${isoDay(20)}&to=${isoDay(20)}`,
    );
    expect(twenty.body).toMatchObject({ from: isoDay(20), to: isoDay(20) });
    expect(twenty.body).toMatchObject({
      landing_page: { visits: 1, submissions: 1 },
      custom_events: [{ event: "demo_booked", count: 1 }],
    });
    // Another campaign's figures are its own.
    const quiet = await api.get<CampaignAnalytics>(`/api/analytics/campaign/${other.id}?from=${from}`);
    expect(quiet.body).toMatchObject({
      recipients: 0,
      opened: 0,
      landing_page: { visits: 0, submissions: 0 },
    });
  });

  it("campaign: refuses an unknown campaign (404), a window ending before it starts or over 366 days (422)", async () => {
    expect((await api.get<ErrorBody>("/api/analytics/campaign/nope42")).status).toBe(404);
    const backwards = await api.get<ErrorBody>(
      `/api/analytics/campaign/${spring.id}?from=${at(1).toISOString()}&to=${at(3).toISOString()}`,
    );
    expect(backwards.status).toBe(422);
    expect(backwards.body.error.details?.[0]?.field).toBe("to");
    const long = await api.get<ErrorBody>(
      `/api/analytics/campaign/${spring.id}?from=${at(400).toISOString()}`,
    );
    expect(long.status).toBe(422);
    expect(long.body.error.details?.[0]?.field).toBe("from");
    // An old campaign's default window is the longest there is, not an error about a `from` never sent.
    await withDatabase(api, (db) =>
      db.query(
        "CREATE campaign:old_timer CONTENT { name: 'Old', objective: 'awareness', channels: ['email'], created_at: $at }",
        { at: at(400) },
      ),
    );
    const old = await api.get<CampaignAnalytics>("/api/analytics/campaign/old_timer");
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ from: isoDay(365), to: isoDay(0) });
    expect(old.body.daily).toHaveLength(366);
    const bad = await api.get<ErrorBody>(`/api/analytics/campaign/${spring.id}?from=yesterday`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.[0]).toMatchObject({
      field: "from",
      message: expect.stringMatching(/a date/),
    });
    // With one end left to its default, the error names the end that was sent.
    const future = await api.get<ErrorBody>(`/api/analytics/campaign/${spring.id}?from=${isoDay(-3)}`);
    expect(future.status).toBe(422);
    expect(future.body.error.details?.[0]?.field).toBe("from");
    const early = await api.get<ErrorBody>(`/api/analytics/campaign/${spring.id}?to=${isoDay(30)}`);
    expect(early.status).toBe(422);
    expect(early.body.error.details?.[0]?.field).toBe("to");
  });

  it("funnel: visits → leads → engaged → customers, overall and per campaign, per range", async () => {
    const stages = (body: FunnelAnalytics) => body.stages.map((s) => [s.stage, s.count]);
    const month = await api.get<FunnelAnalytics>("/api/analytics/funnel?range=30d");
    expect(month.status).toBe(200);
    // Leads: Ada, Cid, Eve, Fay; engaged: Ada (45.5) and Fay (65); no lead is a customer.
    expect(month.body.stages).toEqual([
      { stage: "visits", count: 7, share_of_first: 1, conversion_from_previous: 1 },
      { stage: "leads", count: 4, share_of_first: 0.5714, conversion_from_previous: 0.5714 },
      { stage: "engaged", count: 2, share_of_first: 0.2857, conversion_from_previous: 0.5 },
      { stage: "customers", count: 0, share_of_first: 0, conversion_from_previous: 0 },
    ]);
    const week = await api.get<FunnelAnalytics>("/api/analytics/funnel?range=7d");
    expect(stages(week.body)).toEqual([
      ["visits", 6],
      ["leads", 3],
      ["engaged", 2],
      ["customers", 0],
    ]);
    const campaignMonth = await api.get<FunnelAnalytics>(
      `/api/analytics/funnel?campaign=${spring.id}&range=30d`,
    );
    expect(campaignMonth.body.campaign).toBe(spring.id);
    expect(stages(campaignMonth.body)).toEqual([
      ["visits", 5],
      ["leads", 3],
      ["engaged", 2],
      ["customers", 0],
    ]);
    const campaignWeek = await api.get<FunnelAnalytics>(
      `/api/analytics/funnel?campaign=${spring.id}&range=7d`,
    );
    expect(stages(campaignWeek.body)).toEqual([
      ["visits", 4],
      ["leads", 2],
      ["engaged", 2],
      ["customers", 0],
    ]);

    // Fay becomes a customer: she moves down the funnel, in every scope at once.
    expect((await api.patch("/api/contacts/fay", { status: "customer" })).status).toBe(200);
    const after = await api.get<FunnelAnalytics>(`/api/analytics/funnel?campaign=${spring.id}&range=7d`);
    expect(stages(after.body)).toEqual([
      ["visits", 4],
      ["leads", 2],
      ["engaged", 2],
      ["customers", 1],
    ]);
    expect(after.body.stages[3]).toMatchObject({ share_of_first: 0.25, conversion_from_previous: 0.5 });
    const overall = await api.get<FunnelAnalytics>("/api/analytics/funnel?range=all");
    expect(stages(overall.body)).toEqual([
      ["visits", 7],
      ["leads", 4],
      ["engaged", 2],
      ["customers", 1],
    ]);
    const contacts = await api.get<ContactAnalytics>("/api/analytics/contacts");
    expect(contacts.body.by_status).toMatchObject({ lead: 2, customer: 2 });
  });

  it("funnel: refuses an unknown campaign and a range it does not know (422 naming the field)", async () => {
    const unknown = await api.get<ErrorBody>("/api/analytics/funnel?campaign=nope42");
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details?.[0]?.field).toBe("campaign");
    const range = await api.get<ErrorBody>("/api/analytics/funnel?range=14d");
    expect(range.status).toBe(422);
    expect(range.body.error.details?.[0]?.field).toBe("range");
    const top = await api.get<ErrorBody>("/api/analytics/contacts?top=0");
    expect(top.body.error.details?.[0]?.field).toBe("top");
  });
});

describe("engagement ranking and event tracking, through the API", () => {
  let api: TestApi;
  const queue = new CapturedQueue();
  const people: Record<string, Contact> = {};
  const logged: Record<string, Array<{ type: string; timestamp: Date }>> = {};

  beforeAll(async () => {
    api = await freshApi("analytics_flows", { DELIVERY_QUEUE: queue });
    await api.patch("/api/settings", TEST_BRAND);
    const plans: Record<string, Array<[type: "meeting" | "call" | "note", daysAgo: number]>> = {
      // Three meetings this week: up from nothing a month ago.
      riser: [
        ["meeting", 1],
        ["meeting", 3],
        ["meeting", 5],
      ],
      // Four meetings five weeks ago: strong a month ago, half as strong now.
      faller: [
        ["meeting", 35],
        ["meeting", 36],
        ["meeting", 37],
        ["meeting", 38],
      ],
      // One call 40 days ago: a little lower, within 10 points.
      steady: [["call", 40]],
    };
    for (const [name, plan] of Object.entries(plans)) {
      const person = await api.post<Contact>("/api/contacts", {
        first_name: name,
        last_name: "Flow",
        email: `${name}.${unique()}@flows.example`,
      });
      people[name] = person.body;
      logged[name] = [];
      for (const [type, days] of plan) {
        const timestamp = new Date(Date.now() - days * DAY);
        const entry = await api.post("/api/timeline", {
          contact: person.body.id,
          type,
          content: `${type} ${days} days ago`,
          timestamp: timestamp.toISOString(),
        });
        expect(entry.status).toBe(201);
        logged[name]?.push({ type, timestamp: new Date((entry.body as TimelineEntry).timestamp) });
      }
    }
  });

  it("ranks by score with level, the score 30 days ago and the trend (±10 points)", async () => {
    const ranking = await api.get<EngagementRanking>("/api/analytics/engagement");
    expect(ranking.status).toBe(200);
    const now = new Date();
    const then = new Date(now.getTime() - 30 * DAY);
    const expected = ["riser", "faller", "steady"].map((name, index) => {
      const entries = logged[name] ?? [];
      const current = people[name] ? ranking.body.data.find((row) => row.id === people[name]?.id) : undefined;
      return {
        name,
        rank: index + 1,
        previous: engagementScore(entries, then),
        current: current?.engagement_score,
      };
    });
    expect(ranking.body.data.map((row) => row.first_name)).toEqual(["riser", "faller", "steady"]);
    expect(ranking.body.data.map((row) => row.trend)).toEqual(["improving", "declining", "stable"]);
    for (const [index, row] of ranking.body.data.entries()) {
      const want = expected[index];
      expect(row.rank).toBe(want?.rank);
      // Scores are recomputed as of each write, so allow for the decay of the seconds since.
      expect(row.score_30_days_ago).toBeCloseTo(want?.previous ?? -1, 1);
      expect(row.change).toBeCloseTo(row.engagement_score - row.score_30_days_ago, 2);
    }
    expect(ranking.body.data[1]?.score_30_days_ago).toBeGreaterThan(30);
    expect(ranking.body.levels).toEqual({ cold: 2, warming: 1, engaged: 0, hot: 0, champion: 0 });

    const cold = await api.get<EngagementRanking>("/api/analytics/engagement?level=cold&limit=1");
    expect(cold.body.data.map((row) => row.first_name)).toEqual(["faller"]);
    expect(cold.body.data[0]?.engagement_level).toBe("cold");
    const bad = await api.get<ErrorBody>("/api/analytics/engagement?limit=500");
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.[0]?.field).toBe("limit");
  });

  it("tracks a custom event: on the timeline and in the contact and campaign counts; bad input names the field", async () => {
    const riser = people.riser as Contact;
    const campaign = (
      await api.post<Campaign>("/api/campaigns", {
        name: "Trial push",
        objective: "lead_gen",
        channels: ["email"],
      })
    ).body;
    const tracked = await api.post<TimelineEntry>("/api/analytics/track", {
      contact: riser.id,
      event: "trial_started",
      properties: { plan: "pro", seats: 5 },
      campaign: campaign.id,
    });
    expect(tracked.status).toBe(201);
    expect(tracked.body).toMatchObject({
      contact: riser.id,
      type: "custom_event",
      content: "trial_started",
      metadata: { event: "trial_started", properties: { plan: "pro", seats: 5 }, campaign: campaign.id },
    });
    const twice = await api.post("/api/analytics/track", { contact: riser.id, event: "trial_started" });
    expect(twice.status).toBe(201);
    const timeline = await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${riser.id}/timeline`);
    expect(timeline.body.data.filter((e) => e.type === "custom_event")).toHaveLength(2);

    const contacts = await api.get<ContactAnalytics>("/api/analytics/contacts?range=7d");
    expect(contacts.body.custom_events).toEqual([{ event: "trial_started", count: 2 }]);
    // An event dated before the first contact: `all` starts at its day and counts it.
    const early = await api.post("/api/analytics/track", {
      contact: riser.id,
      event: "imported_signup",
      timestamp: at(10).toISOString(),
    });
    expect(early.status).toBe(201);
    const all = await api.get<ContactAnalytics>("/api/analytics/contacts?range=all");
    expect(all.body.from).toBe(isoDay(10));
    expect(all.body.custom_events).toEqual([
      { event: "trial_started", count: 2 },
      { event: "imported_signup", count: 1 },
    ]);
    expect(
      (await api.get<ContactAnalytics>("/api/analytics/contacts?range=7d")).body.custom_events,
    ).toHaveLength(1);
    const metrics = await api.get<CampaignAnalytics>(`/api/analytics/campaign/${campaign.id}`);
    expect(metrics.body.custom_events).toEqual([{ event: "trial_started", count: 1 }]);

    const field = async (body: Record<string, unknown>) => {
      const response = await api.post<ErrorBody>("/api/analytics/track", body);
      expect(response.status).toBe(422);
      return response.body.error.details?.[0]?.field;
    };
    expect(await field({ contact: "nope42", event: "x" })).toBe("contact");
    expect(await field({ contact: riser.id, event: "has spaces" })).toBe("event");
    expect(await field({ contact: riser.id, event: "x", campaign: "nope42" })).toBe("campaign");
    expect(await field({ contact: riser.id, event: "x", properties: { constructor: 1 } })).toMatch(
      /^properties/,
    );
    expect(
      await field({
        contact: riser.id,
        event: "x",
        timestamp: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ).toBe("timestamp");
    expect(await field({ contact: riser.id, event: "x", engagement_score: 100 })).toBeDefined();
    // Nothing was written by the refused requests.
    const still = await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${riser.id}/timeline`);
    expect(still.body.data.filter((e) => e.type === "custom_event")).toHaveLength(3);
  });

  it("a sent campaign's real opens, clicks and unsubscribes, and a landing page's views and submissions, are counted", async () => {
    const tag = `flow${unique()}`;
    const readers: Contact[] = [];
    for (const name of ["Ann", "Ben", "Cal"]) {
      readers.push(
        (
          await api.post<Contact>("/api/contacts", {
            first_name: name,
            last_name: "Reader",
            email: `${name.toLowerCase()}.${unique()}@flows.example`,
            tags: [tag],
          })
        ).body,
      );
    }
    const campaign = (
      await api.post<Campaign>("/api/campaigns", {
        name: `Flow ${tag}`,
        objective: "lead_gen",
        channels: ["email"],
        prompt: "Offline sync for field teams",
        segment_tree: { field: "tags", op: "contains", value: tag },
      })
    ).body;
    expect((await api.post(`/api/campaigns/${campaign.id}/assets`, {})).status).toBe(201);
    expect((await api.post(`/api/campaigns/${campaign.id}/execute`)).status).toBe(202);
    await queue.drain(api);
    const messages = (
      await api.get<{ data: OutboxMessage[] }>(`/api/outbox?campaign=${campaign.id}&limit=10`)
    ).body.data;
    expect(messages).toHaveLength(3);
    const link = (message: OutboxMessage | undefined, kind: "o" | "c") => {
      const match = new RegExp(`https://crm\\.test(/t/${kind}/[A-Za-z0-9_.-]+)`).exec(message?.html ?? "");
      return match?.[1] ?? "";
    };
    const byName = (name: string) => messages.find((m) => m.to.startsWith(name));
    const [ann, ben, cal] = [byName("ann"), byName("ben"), byName("cal")];
    // People open a while after the send (an open within seconds of it is a prefetch).
    await withDatabase(api, (db) =>
      db.query(
        "UPDATE delivery SET sent_at = time::now() - 10m WHERE campaign = type::record('campaign', $key)",
        {
          key: campaign.id,
        },
      ),
    );
    const person = { "user-agent": "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Safari/605.1.15" };
    const proxy = { "user-agent": "Mozilla/5.0 (Windows NT 5.1) GoogleImageProxy" };
    await api.as(undefined).get(link(ann, "o"), person);
    await api.as(undefined).get(link(ann, "o"), person);
    await api.as(undefined).get(link(ben, "o"), proxy);
    await api.as(undefined).get(link(ann, "c"), person);
    // Cal's mail client blocks images: a click and no open. The click counts as an open.
    await api.as(undefined).get(link(cal, "c"), person);
    const unsubscribe = /<https:\/\/crm\.test(\/u\/[A-Za-z0-9_.-]+)>/.exec(
      ben?.headers["List-Unsubscribe"] ?? "",
    );
    const out = await api.as(undefined).post(unsubscribe?.[1] ?? "", "List-Unsubscribe=One-Click", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(out.status).toBe(200);

    const metrics = await api.get<CampaignAnalytics>(`/api/analytics/campaign/${campaign.id}`);
    expect(metrics.body).toMatchObject({
      recipients: 3,
      sent: 3,
      delivered: 3,
      opened: 2,
      clicked: 2,
      unsubscribed: 1,
      opens: { human: 2, machine: 1 },
      clicks: 2,
      rates: { open_rate: 0.6667, click_rate: 0.6667, click_to_open_rate: 1, unsubscribe_rate: 0.3333 },
    });
    expect(metrics.body.daily.at(-1)).toMatchObject({ sent: 3, opened: 2, clicked: 2, unsubscribed: 1 });

    // A landing page for the campaign: a visit, then a JSON submission from a new address.
    const page = (
      await api.post<LandingPage>("/api/landing-pages/generate", {
        prompt: "Offline sync waitlist",
        campaign_id: campaign.id,
        slug: `flow-${unique()}`,
      })
    ).body;
    await api.post(`/api/landing-pages/${page.id}/publish`);
    expect((await api.as(undefined).get(`/lp/${page.slug}`)).status).toBe(200);
    const submitted = await api.as(undefined).post(`/lp/${page.slug}/submit`, {
      email: `lead.${unique()}@flows.example`,
      first_name: "Lea",
      last_name: "Lead",
      company_name: "Acme",
      _consent: "yes",
    });
    expect(submitted.status, submitted.text).toBe(200);
    // A second lead from a script, with no page view: still a visit (visits never trail submissions).
    const scripted = await api.as(undefined).post(`/lp/${page.slug}/submit`, {
      email: `script.${unique()}@flows.example`,
      first_name: "Sam",
      last_name: "Script",
      company_name: "Acme",
      _consent: "yes",
    });
    expect(scripted.status, scripted.text).toBe(200);
    // (The page view is written after the response; the test client waits for that work.)
    const funnel = (await api.get<FunnelAnalytics>(`/api/analytics/funnel?campaign=${campaign.id}`)).body;
    expect(funnel.stages.map((s) => s.count)).toEqual([2, 2, 0, 0]);
    const after = await api.get<CampaignAnalytics>(`/api/analytics/campaign/${campaign.id}`);
    expect(after.body.landing_page).toEqual({ visits: 2, submissions: 2 });
    expect(after.body.rates.conversion_rate).toBe(1);
  });
});
