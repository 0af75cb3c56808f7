import fc from "fast-check";
import { RecordId } from "surrealdb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engagementLevel } from "../../domain/engagement.ts";
import { ContactCreateSchema } from "../../schemas/contact.ts";
import { freshDatabase } from "../../testing/node/database.ts";
import type { DbClient } from "../client.ts";
import { applyMigrations } from "../migrations.ts";
import { readMigrations } from "../migrations-fs.ts";
import { createRepositories, type Repositories } from "./index.ts";

/**
 * The counters migration 0014 keeps (table events, same transaction as each write) against a full
 * recount from the rows themselves, written here independently in TypeScript: after every kind of
 * write the app makes, after concurrent writers fighting over the same counter rows, and after the
 * migration's backfill of data that existed before it.
 */

const DAY = 86_400_000;
const day = (value: unknown) => new Date(String(value)).toISOString().slice(0, 10);
const MANUAL = new Set(["note", "call", "meeting", "task"]);

type Row = Record<string, unknown>;
const key = (id: unknown) => String((id as RecordId).id);
const time = (value: unknown) => new Date(String(value)).getTime();

/** Every counter as `part|part|…` → n, from the stat table (zeros left out). */
async function counters(db: DbClient): Promise<Record<string, number>> {
  const [rows] = await db.query<[Array<{ k: string[]; n: number; sum: number }>]>(
    "SELECT array::map(key, |$v| <string> $v) AS k, n, sum FROM stat WHERE n != 0 OR sum != 0",
  );
  const totals = new Map<string, number>();
  for (const row of rows) {
    // A key's rows (its shards, its folded row) added up.
    const name = row.k.map(normalise).join("|");
    totals.set(name, (totals.get(name) ?? 0) + Number(row.n));
    // A row's sum (the contacts' scores) is compared as a key of its own.
    if (Number(row.sum)) totals.set(`${name}#sum`, (totals.get(`${name}#sum`) ?? 0) + Number(row.sum));
  }
  for (const [name, n] of totals) if (n === 0) totals.delete(name);
  return sorted(totals);
}

/** A map as a plain object in key order: a mismatch reads as a short diff. */
const sorted = (map: Map<string, number>) =>
  Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));

/** Key parts as the counters print them: days as `YYYY-MM-DD`, strings unquoted. */
function normalise(part: string): string {
  const text = part.replace(/^d?['"]|['"]$/g, "");
  return /^\d{4}-\d{2}-\d{2}T/.test(text) ? text.slice(0, 10) : text;
}

/** The same counters computed from scratch, from every row, by the documented definitions. */
async function recount(db: DbClient): Promise<Record<string, number>> {
  const [contacts, deliveries, entries, views, rsvps] = await db.query<[Row[], Row[], Row[], Row[], Row[]]>(
    `SELECT * FROM contact; SELECT * FROM delivery; SELECT * FROM timeline_entry ORDER BY timestamp;
     SELECT * FROM landing_page_view; SELECT * FROM rsvp;`,
  );
  const counts = new Map<string, number>();
  const add = (parts: unknown[], n = 1) => {
    const name = parts.map(String).join("|");
    counts.set(name, (counts.get(name) ?? 0) + n);
  };
  const byId = new Map(contacts.map((contact) => [key(contact.id), contact]));
  for (const contact of contacts) {
    const score = Number(contact.engagement_score ?? 0);
    const profile = [
      "contacts",
      "profile",
      contact.status,
      engagementLevel(score),
      contact.source ?? "manual",
    ];
    add(profile);
    add([...profile.slice(0, -1), `${profile.at(-1)}#sum`], Math.round(score * 100));
    add(["contact_days", day(contact.created_at)]);
    for (const tag of contact.tags as string[]) add(["contacts", "tag", tag]);
  }
  // First human open, click, bounce and unsubscribe per (campaign, contact): what the deliveries must carry.
  const firsts = new Map<string, number>();
  const leads = new Map<string, { contact: string; scope: string; at: number }>();
  for (const entry of entries) {
    const metadata = (entry.metadata ?? {}) as Row;
    const type = String(entry.type);
    const campaign =
      !MANUAL.has(type) && typeof metadata.campaign === "string" ? metadata.campaign : undefined;
    const at = time(entry.timestamp);
    const label = type === "email_open" && metadata.machine === true ? "email_open_machine" : type;
    const event = type === "custom_event" ? String(metadata.event) : "";
    if (campaign && ["email_open", "email_click", "form_submission", "custom_event"].includes(type)) {
      add([`c:${campaign}`, "tl", label, event, day(entry.timestamp)]);
    }
    if (type === "custom_event") add(["events", event, day(entry.timestamp)]);
    const reach = {
      email_open: "opened",
      email_click: "clicked",
      email_bounced: "bounced",
      unsubscribed: "unsubscribed",
    }[type];
    if (campaign && reach && metadata.machine !== true) {
      // A click is an open too.
      for (const what of reach === "clicked" ? ["clicked", "opened"] : [reach]) {
        const name = `${campaign}|${key(entry.contact)}|${what}`;
        if (!firsts.has(name) || (firsts.get(name) ?? 0) > at) firsts.set(name, at);
      }
    }
    if (type === "form_submission") {
      for (const scope of ["all", ...(campaign ? [campaign] : [])]) {
        const name = `${key(entry.contact)}|${scope}`;
        const lead = leads.get(name);
        if (!lead || lead.at > at) leads.set(name, { contact: key(entry.contact), scope, at });
      }
    }
  }
  for (const delivery of deliveries) {
    const campaign = key(delivery.campaign);
    const scope = `c:${campaign}`;
    add([scope, "delivery", delivery.channel, "recipients", day(delivery.created_at)]);
    if (["sent", "failed", "skipped"].includes(String(delivery.status))) {
      add([
        scope,
        "delivery",
        delivery.channel,
        delivery.status,
        day(delivery.sent_at ?? delivery.updated_at),
      ]);
    }
    for (const reach of ["opened", "clicked", "bounced", "unsubscribed"]) {
      const stamped = delivery[`${reach}_at`];
      const first =
        delivery.channel === "email"
          ? firsts.get(`${campaign}|${key(delivery.contact)}|${reach}`)
          : undefined;
      // The stamp on the delivery is exactly the first such entry. (A deleted contact's timeline is gone,
      // but the campaign's reach is history and keeps their stamp.)
      if (byId.has(key(delivery.contact))) {
        expect(stamped === undefined ? undefined : time(stamped), `${reach} of ${key(delivery.id)}`).toBe(
          first,
        );
      }
      if (stamped !== undefined) add([scope, "reach", reach, day(stamped)]);
    }
  }
  for (const view of views) {
    add(["views", day(view.at)]);
    if (view.campaign) add([`c:${key(view.campaign)}`, "views", day(view.at)]);
  }
  for (const rsvp of rsvps) add([`e:${key(rsvp.event)}`, "rsvp", rsvp.status, day(rsvp.timestamp)]);
  for (const lead of leads.values()) {
    const contact = byId.get(lead.contact);
    if (!contact) continue;
    const customer = contact.status === "customer";
    const engaged = Number(contact.engagement_score ?? 0) >= 41 || customer;
    add([`f:${lead.scope}`, engaged, customer, new Date(lead.at).toISOString().slice(0, 10)]);
  }
  for (const [name, n] of counts) if (n === 0) counts.delete(name);
  return sorted(counts);
}

const contactInput = (fields: Record<string, unknown> = {}) =>
  ContactCreateSchema.parse({
    first_name: "Ana",
    last_name: "Lytics",
    email: `${crypto.randomUUID().slice(0, 12)}@count.example`,
    ...fields,
  });

let db: DbClient;
let repos: Repositories;

beforeAll(async () => {
  ({ db } = await freshDatabase("analytics_counters"));
  repos = createRepositories(db);
});
afterAll(async () => {
  await db.close();
});

async function campaignWithDeliveries(contactKeys: string[]) {
  const campaign = await repos.campaigns.create({
    name: `Counted ${crypto.randomUUID().slice(0, 6)}`,
    objective: "lead_gen",
    channels: ["email", "event"],
  });
  const id = new RecordId("campaign", campaign.id);
  const run = new RecordId("campaign_run", `run_${campaign.id}`);
  await db.query("CREATE $run CONTENT { campaign: $id, trigger: 'manual', status: 'sending' }", { run, id });
  await db.query("INSERT INTO delivery $rows RETURN NONE", {
    rows: contactKeys.flatMap((contact) =>
      ["email", "event"].map((channel) => ({
        campaign: id,
        run,
        channel,
        contact: new RecordId("contact", contact),
        email: `${contact}@count.example`,
        status: "queued",
      })),
    ),
  });
  const [keys] = await db.query<[RecordId[]]>("SELECT VALUE id FROM delivery WHERE campaign = $id", { id });
  return { campaign, id, deliveries: keys };
}

describe("counters equal a full recount", () => {
  it("after creates, edits, status changes, scores, deliveries, tracking, bounces, unsubscribes, views, RSVPs and deletes", async () => {
    const people = [];
    for (let i = 0; i < 8; i++) {
      people.push(
        await repos.contacts.create(
          contactInput({
            tags: i % 2 === 0 ? ["vip", `t${i % 3}`] : [],
            status: i === 7 ? "customer" : "lead",
          }),
        ),
      );
    }
    const keys = people.map((person) => person.id);
    const { campaign, deliveries } = await campaignWithDeliveries(keys);
    // The delivery pipeline: queued → sending → sent / failed / skipped, one statement per batch.
    await db.query("UPDATE $ids SET status = 'sending', attempts += 1", { ids: deliveries });
    const [emailRows] = await db.query<[Array<{ id: RecordId }>]>(
      "SELECT id, contact FROM delivery WHERE campaign = $c AND channel = 'email' ORDER BY contact",
      { c: new RecordId("campaign", campaign.id) },
    );
    const emails = emailRows.map((row) => row.id);
    await db.query(
      `UPDATE $sent SET status = 'sent', sent_at = time::now(), provider = 'outbox';
       UPDATE $failed SET status = 'failed', reason = 'provider refused', updated_at = time::now() - 1d;
       UPDATE $skipped SET status = 'skipped', reason = 'suppressed';
       UPDATE delivery SET status = 'sent', sent_at = time::now() WHERE campaign = $c AND channel = 'event';`,
      {
        sent: emails.slice(0, 5),
        failed: emails.slice(5, 7),
        skipped: emails.slice(7),
        c: new RecordId("campaign", campaign.id),
      },
    );
    const [emailDeliveries] = await db.query<[Array<{ id: RecordId; contact: RecordId }>]>(
      "SELECT id, contact FROM delivery WHERE campaign = $c AND channel = 'email'",
      { c: new RecordId("campaign", campaign.id) },
    );
    const delivery = (person: string) => emailDeliveries.find((row) => key(row.contact) === person);
    // Opens (one machine), clicks, an earlier open logged late, through the timeline like the tracking routes.
    const open = (person: string, metadata: Row = {}, timestamp?: Date) =>
      repos.timeline.add({
        contact: person,
        type: "email_open",
        content: "open",
        metadata: { campaign: campaign.id, delivery: key(delivery(person)?.id), machine: false, ...metadata },
        ...(timestamp ? { timestamp } : {}),
      });
    await open(keys[0] as string, { machine: true });
    await open(keys[0] as string);
    await open(keys[1] as string);
    await open(keys[1] as string, {}, new Date(Date.now() - 2 * DAY));
    await repos.timeline.add({
      contact: keys[1] as string,
      type: "email_click",
      content: "click",
      metadata: { campaign: campaign.id, url: "https://example.com" },
    });
    await repos.suppressions.suppress({
      email: people[2]?.email as string,
      reason: "bounced",
      source: "webhook:test",
      contact: keys[2] as string,
      campaign: campaign.id,
    });
    await repos.suppressions.suppress({
      email: people[3]?.email as string,
      reason: "unsubscribed",
      source: "one_click",
      contact: keys[3] as string,
      campaign: campaign.id,
    });
    // Manual entries move scores (and levels); a note naming the campaign is not attributed.
    for (const [index, type] of (["meeting", "meeting", "call", "note"] as const).entries()) {
      await repos.timeline.add({
        contact: keys[4] as string,
        type,
        content: type,
        metadata: { campaign: campaign.id },
        timestamp: new Date(Date.now() - index * DAY),
      });
    }
    await repos.timeline.add({
      contact: keys[5] as string,
      type: "custom_event",
      content: "trial_started",
      metadata: { event: "trial_started", campaign: campaign.id },
    });
    // Form submissions: the first per contact and scope is the lead; a later one changes nothing.
    for (const [person, days] of [
      [keys[5], 3],
      [keys[5], 1],
      [keys[6], 0],
      [keys[7], 5],
    ] as const) {
      await repos.timeline.add({
        contact: person as string,
        type: "form_submission",
        content: "form",
        metadata: { campaign: campaign.id },
        timestamp: new Date(Date.now() - days * DAY),
      });
    }
    const event = new RecordId("event", `ev_${campaign.id}`);
    await db.query(
      `CREATE $event CONTENT { campaign: $c, name: 'AMA', type: 'ama', description: '', location: 'Online',
         start_time: time::now() + 1d, end_time: time::now() + 2d, seats_taken: 2 }`,
      { event, c: new RecordId("campaign", campaign.id) },
    );
    await db.query("INSERT INTO rsvp $rows RETURN NONE", {
      rows: keys.slice(0, 4).map((person) => ({
        event,
        contact: new RecordId("contact", person),
        status: "invited",
      })),
    });
    await db.query("UPDATE rsvp SET status = 'registered', timestamp = time::now() WHERE contact IN $who", {
      who: keys.slice(0, 2).map((person) => new RecordId("contact", person)),
    });
    const page = new RecordId("landing_page", `lp_${campaign.id}`);
    await db.query(
      "CREATE $page CONTENT { campaign: $c, title: 'P', slug: $slug, content: {}, settings: {} }",
      { page, c: new RecordId("campaign", campaign.id), slug: `p-${campaign.id.toLowerCase()}` },
    );
    await db.query("INSERT INTO landing_page_view $rows RETURN NONE", {
      rows: [0, 1, 1, 4].map((days) => ({
        page,
        campaign: new RecordId("campaign", campaign.id),
        at: new Date(Date.now() - days * DAY),
      })),
    });
    // Edits: tags, status (with the state machine), a customer back to lead on purpose, a deletion.
    await repos.contacts.update(keys[0] as string, { tags: ["vip", "renamed"] });
    await repos.contacts.update(keys[6] as string, { status: "customer" });
    await repos.contacts.update(keys[7] as string, { status: "lead", confirm_downgrade: true });
    await repos.contacts.remove(keys[1] as string);

    expect(await counters(db)).toEqual(await recount(db));
    const metrics = await repos.analytics.campaign(campaign.id, {
      from: new Date(Date.now() - 5 * DAY).toISOString(),
    });
    expect(metrics).toMatchObject({
      recipients: 8,
      sent: 5,
      failed: 2,
      skipped: 1,
      bounced: 1,
      unsubscribed: 1,
    });
    expect(metrics.channels.event).toEqual({ recipients: 8, sent: 8, failed: 0, skipped: 0 });
  });

  it("after concurrent writers fight over the same counter rows (conflicts are retried, none is lost)", async () => {
    const people = await Promise.all(
      Array.from({ length: 12 }, (_, i) => repos.contacts.create(contactInput({ tags: [`c${i % 2}`] }))),
    );
    const { campaign, deliveries } = await campaignWithDeliveries(people.map((person) => person.id));
    await db.query("UPDATE $ids SET status = 'sent', sent_at = time::now()", { ids: deliveries });
    // Everyone opens, clicks and tracks an event at the same moment: one hot row per counter.
    await Promise.all(
      people.flatMap((person) => [
        repos.timeline.add({
          contact: person.id,
          type: "email_open",
          content: "open",
          metadata: { campaign: campaign.id, machine: false },
        }),
        repos.timeline.add({
          contact: person.id,
          type: "email_click",
          content: "click",
          metadata: { campaign: campaign.id },
        }),
        repos.analytics.track({ contact: person.id, event: "burst", properties: {} }),
        repos.contacts.update(person.id, { tags: ["burst"] }),
      ]),
    );
    expect(await counters(db)).toEqual(await recount(db));
    const metrics = await repos.analytics.campaign(campaign.id, {});
    expect(metrics).toMatchObject({ sent: 12, opened: 12, clicked: 12, opens: { human: 12 }, clicks: 12 });
  });

  it("after the cron folds shards into one row per key, even while writers bump them", async () => {
    const people = await Promise.all(
      Array.from({ length: 10 }, () => repos.contacts.create(contactInput({ tags: ["fold"] }))),
    );
    const tomorrow = new Date(Date.now() + DAY);
    const before = await counters(db);
    // Writers and folds at the same time: a fold that meets a writer on a row replays, nothing is lost.
    await Promise.all([
      ...people.map((person) => repos.analytics.track({ contact: person.id, event: "fold", properties: {} })),
      ...people.map((person) => repos.contacts.update(person.id, { tags: ["fold", "folded"] })),
      repos.analytics.fold(tomorrow, 50),
      repos.analytics.fold(tomorrow, 50),
    ]);
    while ((await repos.analytics.fold(tomorrow, 500)) > 0) {
      // until every shard row is folded
    }
    const [hot, rows, keys] = await db.query<[unknown[], unknown[], unknown[]]>(
      "SELECT id FROM stat WHERE hot = true; SELECT id FROM stat; SELECT key FROM stat GROUP BY key;",
    );
    expect(hot).toHaveLength(0);
    // One row per key is left.
    expect(rows).toHaveLength(keys.length);
    const after = await counters(db);
    expect(after).toEqual(await recount(db));
    expect(after["events|fold|" + new Date().toISOString().slice(0, 10)]).toBe(10);
    expect(after["contacts|tag|folded"]).toBe(10);
    expect(after["contacts|profile|lead|cold|manual"]).toBeGreaterThanOrEqual(10);
    expect(Object.keys(after).length).toBeGreaterThan(Object.keys(before).length);
  });
});

describe("the funnel", () => {
  it("never has a stage larger than the one before, whatever happens (property)", async () => {
    const person = await repos.contacts.create(contactInput());
    const scopeCampaign = await repos.campaigns.create({
      name: "Funnel property",
      objective: "lead_gen",
      channels: ["landing_page"],
    });
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant("submit" as const),
        days: fc.integer({ min: 0, max: 100 }),
        attributed: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("view" as const), days: fc.integer({ min: 0, max: 100 }) }),
      fc.record({
        kind: fc.constant("status" as const),
        status: fc.constantFrom("lead", "customer", "partner", "other"),
      }),
      fc.record({ kind: fc.constant("meeting" as const), days: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ kind: fc.constant("new" as const) }),
    );
    const page = new RecordId("landing_page", `lp_prop_${scopeCampaign.id}`);
    await db.query(
      "CREATE $page CONTENT { campaign: $c, title: 'P', slug: $slug, content: {}, settings: {} }",
      {
        page,
        c: new RecordId("campaign", scopeCampaign.id),
        slug: `prop-${scopeCampaign.id.toLowerCase()}`,
      },
    );
    let current = person.id;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 6 }), async (operations) => {
        for (const op of operations) {
          if (op.kind === "new") current = (await repos.contacts.create(contactInput())).id;
          else if (op.kind === "submit") {
            await repos.timeline.add({
              contact: current,
              type: "form_submission",
              content: "form",
              metadata: op.attributed ? { campaign: scopeCampaign.id } : {},
              timestamp: new Date(Date.now() - op.days * DAY),
            });
          } else if (op.kind === "view") {
            await db.query("CREATE landing_page_view CONTENT { page: $page, campaign: $c, at: $at }", {
              page,
              c: new RecordId("campaign", scopeCampaign.id),
              at: new Date(Date.now() - op.days * DAY),
            });
          } else if (op.kind === "status") {
            await repos.contacts.update(current, { status: op.status, confirm_downgrade: true });
          } else {
            await repos.timeline.add({
              contact: current,
              type: "meeting",
              content: "met",
              timestamp: new Date(Date.now() - op.days * DAY),
            });
          }
        }
        for (const campaign of [undefined, scopeCampaign.id]) {
          for (const range of ["7d", "30d", "90d", "all"] as const) {
            const { stages } = await repos.analytics.funnel(campaign, range);
            for (let index = 1; index < stages.length; index++) {
              expect(stages[index]?.count).toBeLessThanOrEqual(stages[index - 1]?.count ?? 0);
              expect(Number.isFinite(stages[index]?.conversion_from_previous)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 12 },
    );
    expect(await counters(db)).toEqual(await recount(db));
  });
});

describe("migration 0014", () => {
  it("backfills the counters (and the delivery stamps and leads) of data stored before it", async () => {
    const { db: old } = await freshDatabase("analytics_backfill", { migrate: false });
    try {
      const files = await readMigrations();
      const before = files.filter((file) => file.name < "0014");
      await applyMigrations(old, before);
      const oldRepos = createRepositories(old);
      const people = [];
      for (let i = 0; i < 4; i++) {
        people.push(
          await oldRepos.contacts.create(contactInput({ tags: [`b${i}`], status: i ? "lead" : "customer" })),
        );
      }
      const campaign = await oldRepos.campaigns.create({
        name: "Old",
        objective: "lead_gen",
        channels: ["email"],
      });
      const id = new RecordId("campaign", campaign.id);
      const run = new RecordId("campaign_run", "old_run");
      await old.query("CREATE $run CONTENT { campaign: $id, trigger: 'manual', status: 'completed' }", {
        run,
        id,
      });
      await old.query("INSERT INTO delivery $rows RETURN NONE", {
        rows: people.map((person) => ({
          campaign: id,
          run,
          channel: "email",
          contact: new RecordId("contact", person.id),
          email: person.email,
          status: "sent",
          sent_at: new Date(Date.now() - DAY),
        })),
      });
      for (const [index, person] of people.entries()) {
        await oldRepos.timeline.add({
          contact: person.id,
          type: index % 2 ? "email_click" : "email_open",
          content: "x",
          metadata: { campaign: campaign.id, machine: false },
        });
        await oldRepos.timeline.add({
          contact: person.id,
          type: "form_submission",
          content: "x",
          metadata: { campaign: campaign.id },
          timestamp: new Date(Date.now() - index * DAY),
        });
      }
      await applyMigrations(old, files);
      const counted = await counters(old);
      expect(counted).toEqual(await recount(old));
      const profiles = Object.entries(counted).filter(([name]) => name.startsWith("contacts|profile|"));
      expect(profiles.filter(([name]) => !name.endsWith("#sum")).reduce((sum, [, n]) => sum + n, 0)).toBe(4);
      const metrics = await createRepositories(old).analytics.campaign(campaign.id, {
        from: new Date(Date.now() - 3 * DAY).toISOString(),
      });
      // Two opened, two clicked (a click is an open too).
      expect(metrics).toMatchObject({ recipients: 4, sent: 4, opened: 4, clicked: 2 });
      const funnel = await createRepositories(old).analytics.funnel(campaign.id, "7d");
      expect(funnel.stages.map((stage) => stage.count)).toEqual([4, 4, 1, 1]);
    } finally {
      await old.close();
    }
  });
});
