import { createRepositories } from "@crm/shared/db";
import { sendDeliveries, startDueCampaigns } from "@crm/shared/delivery";
import type { Campaign, CampaignRun, Contact, OutboxMessage, TimelineEntry } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../app/env.ts";
import { runCampaigns } from "../app/scheduled.ts";
import { type ErrorBody, freshApi, TEST_BRAND, type TestApi, withDatabase } from "../app/test-client.ts";
import { CapturedQueue } from "../app/test-queue.ts";

let api: TestApi;
const queue = new CapturedQueue();
const TAG = "beta";

beforeAll(async () => {
  api = await freshApi("execution", { DELIVERY_QUEUE: queue });
  await api.patch("/api/settings", TEST_BRAND);
});

const unique = () => crypto.randomUUID().slice(0, 8);

async function contacts(count: number, tag: string): Promise<Contact[]> {
  const made: Contact[] = [];
  for (let i = 0; i < count; i++) {
    const response = await api.post<Contact>("/api/contacts", {
      first_name: `Reader${i}`,
      last_name: "Test",
      email: `reader${i}.${unique()}@mail.example`,
      tags: [tag],
    });
    made.push(response.body);
  }
  return made;
}

/** A draft email campaign to everyone tagged `tag`, with its email drafted. */
async function emailCampaign(tag: string): Promise<Campaign> {
  const campaign = (
    await api.post<Campaign>("/api/campaigns", {
      name: `Launch ${unique()}`,
      objective: "lead_gen",
      channels: ["email"],
      prompt: "Offline sync for field teams; 14-day trial",
      segment_tree: { field: "tags", op: "contains", value: tag },
    })
  ).body;
  expect((await api.post(`/api/campaigns/${campaign.id}/assets`, {})).status).toBe(201);
  return campaign;
}

const outbox = async (campaign: string) =>
  (await api.get<{ data: OutboxMessage[] }>(`/api/outbox?campaign=${campaign}&limit=200`)).body.data;
const runOf = async (campaign: string) =>
  (await api.get<{ data: CampaignRun[] }>(`/api/campaigns/${campaign}/runs`)).body.data;
const timeline = async (contact: string) =>
  (await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${contact}/timeline`)).body.data;
const linkOf = (html: string, kind: "c" | "o") => {
  const match = new RegExp(`https://crm\\.test(/t/${kind}/[A-Za-z0-9_.-]+)`).exec(html);
  if (!match?.[1]) throw new Error(`no /t/${kind}/ link in the message`);
  return match[1];
};
const unsubscribePath = (message: OutboxMessage) => {
  const match = /<https:\/\/crm\.test(\/u\/[A-Za-z0-9_.-]+)>/.exec(message.headers["List-Unsubscribe"] ?? "");
  if (!match?.[1]) throw new Error("no https List-Unsubscribe");
  return match[1];
};

describe("executing a campaign", () => {
  it("sends one email per recipient through the queue, records them, and completes", async () => {
    const people = await contacts(3, `${TAG}1`);
    const company = (await api.post<{ id: string }>("/api/companies", { name: `Works ${unique()}` })).body;
    expect((await api.patch(`/api/contacts/${people[0]?.id}`, { company: company.id })).status).toBe(200);
    const campaign = await emailCampaign(`${TAG}1`);

    const started = await api.post<{ status: string; run: CampaignRun }>(
      `/api/campaigns/${campaign.id}/execute`,
    );
    expect(started.status).toBe(202);
    expect(started.body.status).toBe("running");
    expect(started.body.run.status).toBe("preparing");
    expect((await api.get<Campaign>(`/api/campaigns/${campaign.id}`)).body.status).toBe("running");

    await queue.drain(api);

    const [run] = await runOf(campaign.id);
    expect(run?.status).toBe("completed");
    expect(run?.results.email).toEqual({ recipients: 3, queued: 0, sent: 3, failed: 0, skipped: 0 });
    expect((await api.get<Campaign>(`/api/campaigns/${campaign.id}`)).body.status).toBe("completed");

    const messages = await outbox(campaign.id);
    expect(messages.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    for (const message of messages) {
      const person = people.find((p) => p.email === message.to);
      expect(message.from).toBe('"Ada at Northwind" <ada@northwind.example>');
      expect(message.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(message.headers["List-Unsubscribe"]).toMatch(
        /^<https:\/\/crm\.test\/u\/[^>]+>, <mailto:unsubscribe@northwind\.example\?subject=unsubscribe%20[^>]+>$/,
      );
      expect(message.html).toContain(`Hi ${person?.first_name}`);
      expect(message.html).toContain("1 Market St, Springfield");
      expect(message.html).toContain("Unsubscribe</a>");
      expect(message.html).toContain('src="https://crm.test/t/o/');
      expect(message.text).toContain("Unsubscribe: https://crm.test/u/");
      expect(message.links).toEqual([
        "https://northwind.example/?utm_source=email&utm_medium=email&utm_campaign=" +
          message.links[0]?.split("utm_campaign=")[1],
      ]);
    }
    for (const person of people) {
      const entries = await timeline(person.id);
      const sent = entries.filter((e) => e.type === "email_sent");
      expect(sent).toHaveLength(1);
      expect(sent[0]?.metadata).toMatchObject({ campaign: campaign.id });
      // On the company's timeline too, for the contact that works somewhere.
      expect(sent[0]?.company).toBe(person === people[0] ? company.id : null);
      expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(0.5); // 1/200×100
    }

    const again = await api.post<ErrorBody>(`/api/campaigns/${campaign.id}/execute`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("a completed campaign cannot be executed");
  });

  it("409 when the campaign is not ready; 404 for an unknown one", async () => {
    const bare = (
      await api.post<Campaign>("/api/campaigns", {
        name: "Bare",
        objective: "awareness",
        channels: ["email"],
      })
    ).body;
    const refused = await api.post<ErrorBody>(`/api/campaigns/${bare.id}/execute`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /cannot execute yet: choose a segment.*generate or write the email/,
    );
    expect((await api.post(`/api/campaigns/nope123/execute`)).status).toBe(404);
    expect(queue.pending).toHaveLength(0);
  });

  it("a forged or edited tracking token is refused; a valid click redirects only to the message's link and is scored", async () => {
    const [person] = await contacts(1, `${TAG}2`);
    const campaign = await emailCampaign(`${TAG}2`);
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    await queue.drain(api);
    const [message] = await outbox(campaign.id);
    if (!message || !person) throw new Error("no message");
    const click = linkOf(message.html, "c");

    const forged = await api.as(undefined).get<ErrorBody>(`${click.slice(0, -3)}abc`);
    expect(forged.status).toBe(404);
    const [payload, signature] = click.slice("/t/c/".length).split(".");
    const evil = btoa(JSON.stringify({ k: "c", d: message.delivery, u: "https://evil.example/" }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect((await api.as(undefined).get(`/t/c/${evil}.${signature}`)).status).toBe(404);
    expect(payload).toBeTruthy();
    // An open token is not a click token.
    expect((await api.as(undefined).get(`/t/c/${linkOf(message.html, "o").slice(5)}`)).status).toBe(404);

    const before = (await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score;
    const redirect = await api.as(undefined).get(click);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe(message.links[0]);
    const clicks = (await timeline(person.id)).filter((e) => e.type === "email_click");
    expect(clicks).toHaveLength(1);
    expect(clicks[0]?.metadata).toMatchObject({ campaign: campaign.id, url: message.links[0] });
    expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(before + 2.5);
  });

  it("opens: machine opens are recorded but not scored; a person's open is", async () => {
    const [person] = await contacts(1, `${TAG}3`);
    const campaign = await emailCampaign(`${TAG}3`);
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    await queue.drain(api);
    const [message] = await outbox(campaign.id);
    if (!message || !person) throw new Error("no message");
    const pixel = linkOf(message.html, "o");
    const score = async () => (await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score;
    const before = await score();

    const proxied = await api
      .as(undefined)
      .get(pixel, { "user-agent": "Mozilla/5.0 (via ggpht.com GoogleImageProxy)" });
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get("content-type")).toBe("image/gif");
    expect(await score()).toBe(before);

    // A person opens it a while after it was sent.
    await withDatabase(api, (db) =>
      db.query("UPDATE type::record('delivery', $key) SET sent_at = time::now() - 10m", {
        key: message.delivery,
      }),
    );
    await api.as(undefined).get(pixel, { "user-agent": "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15" });
    const opens = (await timeline(person.id)).filter((e) => e.type === "email_open");
    expect(opens.map((e) => e.metadata.machine).sort()).toEqual([false, true]);
    expect(await score()).toBe(before + 1.5);
  });
});

describe("every channel", () => {
  it("email sends, the landing page is published, social posts are scheduled, the event invites", async () => {
    const people = await contacts(2, `${TAG}9`);
    const event = (
      await api.post<{ id: string }>("/api/events", {
        name: "Live demo",
        type: "demo",
        start_time: new Date(Date.now() + 86_400_000).toISOString(),
        end_time: new Date(Date.now() + 90_000_000).toISOString(),
      })
    ).body;
    // One of the two has an invitation already: the run invites only the other.
    await api.post(`/api/events/${event.id}/invite`, { contact_ids: [people[0]?.id] });
    const campaign = (
      await api.post<Campaign>("/api/campaigns", {
        name: "All channels",
        objective: "event",
        channels: ["email", "social", "landing_page", "event"],
        prompt: "A live demo of offline sync",
        segment_tree: { field: "tags", op: "contains", value: `${TAG}9` },
        event: event.id,
      })
    ).body;
    expect((await api.post(`/api/campaigns/${campaign.id}/assets`, {})).status).toBe(201);
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    await queue.drain(api);

    const [run] = await runOf(campaign.id);
    expect(run?.status).toBe("completed");
    expect(run?.results).toEqual({
      email: { recipients: 2, queued: 0, sent: 2, failed: 0, skipped: 0 },
      social: { recipients: 4, queued: 4, sent: 0, failed: 0, skipped: 0 },
      landing_page: { recipients: 1, queued: 0, sent: 1, failed: 0, skipped: 0 },
      event: { recipients: 2, queued: 0, sent: 1, failed: 0, skipped: 1 },
    });
    const assets = (
      await api.get<{ data: Array<{ id: string; type: string; url: string | null }> }>(
        `/api/campaigns/${campaign.id}/assets`,
      )
    ).body.data;
    const page = assets.find((asset) => asset.type === "landing_page");
    // The asset is now a published landing page with the same key, served by its slug and its id.
    const landing = await api.get<{ slug: string; status: string; campaign: string; url: string }>(
      `/api/landing-pages/${page?.id}`,
    );
    expect(landing.body).toMatchObject({ status: "published", campaign: campaign.id });
    expect(page?.url).toBe(`https://crm.test/lp/${landing.body.slug}`);
    expect(landing.body.url).toBe(page?.url);
    expect(run?.published.landing_page?.url).toBe(page?.url);
    for (const ref of [landing.body.slug, page?.id]) {
      const served = await api.as(undefined).get(`/lp/${ref}`);
      expect(served.status).toBe(200);
      expect(served.text).toContain(`action="/lp/${page?.id}/submit"`);
    }
    expect(run?.published.event).toEqual({
      event: event.id,
      note: "1 invited, 1 had an invitation already; 2 invitation emails queued",
    });
    // Both got their personal RSVP link by email (the one invited earlier had not been emailed).
    for (const person of people) {
      const invitations = (
        await api.get<{ data: OutboxMessage[] }>(`/api/outbox?to=${encodeURIComponent(person.email)}`)
      ).body.data.filter((message) => message.kind === "invitation");
      expect(invitations.map((message) => message.subject)).toEqual(["You're invited: Live demo"]);
    }
    const rsvps = (
      await api.get<{ data: Array<{ contact: string; status: string }>; counts: { invited: number } }>(
        `/api/events/${event.id}/attendees`,
      )
    ).body;
    expect(rsvps.counts.invited).toBe(2);
    expect(rsvps.data.map((row) => row.contact).sort()).toEqual(people.map((p) => p.id).sort());
    const posts = await withDatabase(api, (db) =>
      db.query<[Array<{ platform: string; status: string }>]>(
        "SELECT platform, status FROM social_post WHERE campaign = type::record('campaign', $key) ORDER BY platform",
        { key: campaign.id },
      ),
    );
    expect(posts[0]).toEqual([
      { platform: "facebook", status: "scheduled" },
      { platform: "instagram", status: "scheduled" },
      { platform: "linkedin", status: "scheduled" },
      { platform: "x", status: "scheduled" },
    ]);
    expect((await outbox(campaign.id)).map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
  });
});

describe("unsubscribe", () => {
  it("GET asks, one-click POST unsubscribes at once (once), and the next campaign skips the address", async () => {
    const people = await contacts(2, `${TAG}4`);
    const first = await emailCampaign(`${TAG}4`);
    await api.post(`/api/campaigns/${first.id}/execute`);
    await queue.drain(api);
    const leaving = people[0];
    const message = (await outbox(first.id)).find((m) => m.to === leaving?.email);
    if (!message || !leaving) throw new Error("no message");
    const path = unsubscribePath(message);

    const page = await api.as(undefined).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(leaving.email);
    expect(page.text).toContain('<form method="post">');
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self'");
    expect((await timeline(leaving.id)).some((e) => e.type === "unsubscribed")).toBe(false);

    const oneClick = await api.as(undefined).call("POST", path, "List-Unsubscribe=One-Click", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(oneClick.status).toBe(200);
    expect(oneClick.text).toContain("You are unsubscribed");
    await api.as(undefined).call("POST", path, "List-Unsubscribe=One-Click", {
      "content-type": "application/x-www-form-urlencoded",
    });
    const after = await api.as(undefined).get(path);
    expect(after.text).toContain("already gets no emails");
    expect(after.text).not.toContain("<form");
    const entries = (await timeline(leaving.id)).filter((e) => e.type === "unsubscribed");
    expect(entries).toHaveLength(1);
    expect(entries[0]?.metadata).toMatchObject({ campaign: first.id, source: "one_click" });
    const consent = await withDatabase(api, (db) =>
      db.query<[Array<{ action: string; source: string }>]>(
        "SELECT action, source FROM consent_event WHERE email = $email",
        {
          email: leaving.email,
        },
      ),
    );
    expect(consent[0]).toEqual([{ action: "unsubscribed", source: "one_click" }]);

    const second = await emailCampaign(`${TAG}4`);
    await api.post(`/api/campaigns/${second.id}/execute`);
    await queue.drain(api);
    expect((await outbox(second.id)).map((m) => m.to)).toEqual([people[1]?.email]);
    const [run] = await runOf(second.id);
    expect(run?.results.email).toMatchObject({ recipients: 2, sent: 1, skipped: 1 });

    expect((await api.as(undefined).get("/u/not.a-token")).status).toBe(404);
  });
});

describe("exactly once", () => {
  it("cron fired twice at once, racing a manual execute: one run, every recipient once", async () => {
    const people = await contacts(4, `${TAG}5`);
    const campaign = await emailCampaign(`${TAG}5`);
    const scheduled = await api.patch<Campaign>(`/api/campaigns/${campaign.id}`, {
      status: "scheduled",
      scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(scheduled.status).toBe(200);
    // Its time comes.
    await withDatabase(api, (db) =>
      db.query("UPDATE type::record('campaign', $key) SET scheduled_at = time::now() - 1s", {
        key: campaign.id,
      }),
    );
    const results = await Promise.allSettled([
      runCampaigns(Date.now(), api.env),
      runCampaigns(Date.now(), api.env),
      api.post(`/api/campaigns/${campaign.id}/execute`),
    ]);
    const starts = results.filter(
      (result) =>
        result.status === "fulfilled" &&
        (Array.isArray(result.value) ? result.value.includes(campaign.id) : result.value.status === 202),
    );
    expect(starts).toHaveLength(1);
    const prepares = queue.pending.filter((m) => m.body.type === "prepare");
    expect(prepares).toHaveLength(1);
    await queue.drain(api);
    const messages = await outbox(campaign.id);
    expect(messages.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect(await runOf(campaign.id)).toHaveLength(1);
  });

  it("a queue message delivered twice (or concurrently) sends no second email", async () => {
    await contacts(3, `${TAG}6`);
    const campaign = await emailCampaign(`${TAG}6`);
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    await queue.drain(api, { maxBatches: 1 }); // only the prepare
    const sends = queue.pending.splice(0);
    expect(sends.map((m) => m.body.type)).toEqual(["send"]);
    // The same message twice in one batch, and twice more concurrently.
    await queue.deliver(api, [...sends, ...sends]);
    await Promise.all([queue.deliver(api, sends), queue.deliver(api, sends)]);
    expect(await outbox(campaign.id)).toHaveLength(3);
    const [run] = await runOf(campaign.id);
    expect(run?.results.email).toMatchObject({ recipients: 3, sent: 3 });
    expect(run?.status).toBe("completed");
  });

  it("the database drops mid-run: the message is retried, then the run resumes with no one lost or doubled", async () => {
    const people = await contacts(3, `${TAG}7`);
    const campaign = await emailCampaign(`${TAG}7`);
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    const [prepare] = queue.pending.splice(0);
    if (!prepare) throw new Error("no prepare message");
    // The database is unreachable while the consumer runs: the message is retried, nothing is written.
    const down = await freshApi("execution_down", {
      DELIVERY_QUEUE: queue,
      SURREAL_URL: "ws://127.0.0.1:1/rpc",
      SURREAL_CONNECT_TIMEOUT_MS: "500",
    });
    const retried = await queue.deliver(down, [prepare]);
    expect(retried).toHaveLength(1);
    expect(queue.pending).toHaveLength(1);
    expect(queue.pending[0]?.attempts).toBe(2);

    // A consumer claimed a batch and died before recording it (its lease runs out)…
    await queue.drain(api, { maxBatches: 1 }); // the prepare, now the database is back
    const [send] = queue.pending.splice(0);
    if (send?.body.type !== "send") throw new Error("no send message");
    await withDatabase(api, async (db) => {
      const repos = createRepositories(db);
      const claimed = await repos.deliveries.claimDeliveries(
        send.body.type === "send" ? send.body.deliveries : [],
      );
      expect(claimed).toHaveLength(3);
      await db.query(
        "UPDATE delivery SET lease_until = time::now() - 1s WHERE run = type::record('campaign_run', $key)",
        {
          key: campaign.id,
        },
      );
      // … and its queue message was lost. The cron's sweep finds the run and re-enqueues the work.
      await db.query(
        "UPDATE delivery SET updated_at = time::now() - 10m WHERE run = type::record('campaign_run', $key)",
        {
          key: campaign.id,
        },
      );
      await db.query("UPDATE type::record('campaign_run', $key) SET updated_at = time::now() - 10m", {
        key: campaign.id,
      });
    });
    await runCampaigns(Date.now(), api.env);
    expect(queue.pending.map((m) => m.body.type)).toEqual(["send"]);
    await queue.drain(api);
    const messages = await outbox(campaign.id);
    expect(messages.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect((await runOf(campaign.id))[0]?.status).toBe("completed");
  });

  it("a queue that refuses the run's first message loses nothing: the sweep queues it again", async () => {
    const refusing = {
      send: async () => Promise.reject(new Error("queue unavailable")),
      sendBatch: async () => Promise.reject(new Error("queue unavailable")),
    };
    const down = await freshApi("execution_queue_down", { DELIVERY_QUEUE: refusing });
    await down.patch("/api/settings", { default_sender_email: "ada@northwind.example" });
    await down.post("/api/contacts", {
      first_name: "Q",
      last_name: "D",
      email: "q@queue.example",
      tags: ["q"],
    });
    const campaign = (
      await down.post<Campaign>("/api/campaigns", {
        name: "Queue down",
        objective: "awareness",
        channels: ["email"],
        segment_tree: { field: "tags", op: "contains", value: "q" },
      })
    ).body;
    await down.post(`/api/campaigns/${campaign.id}/assets`, {});
    const started = await down.post<{ run: CampaignRun }>(`/api/campaigns/${campaign.id}/execute`);
    expect(started.status).toBe(202);
    expect(started.body.run.status).toBe("preparing");

    // Minutes later the queue is back; the cron's sweep finds the run still preparing.
    await withDatabase(down, (db) => db.query("UPDATE campaign_run SET updated_at = time::now() - 10m", {}));
    const healed = { ...down, env: { ...down.env, DELIVERY_QUEUE: queue } };
    await runCampaigns(Date.now(), healed.env);
    await queue.drain(healed);
    const [run] = (await down.get<{ data: CampaignRun[] }>(`/api/campaigns/${campaign.id}/runs`)).body.data;
    expect(run?.status).toBe("completed");
    expect(run?.results.email).toMatchObject({ recipients: 1, sent: 1 });
  });

  it("a cancelled campaign's waiting deliveries are skipped and its run ends cancelled", async () => {
    await contacts(2, `${TAG}8`);
    const campaign = await emailCampaign(`${TAG}8`);
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    await queue.drain(api, { maxBatches: 1 });
    expect((await api.patch<Campaign>(`/api/campaigns/${campaign.id}`, { status: "cancelled" })).status).toBe(
      200,
    );
    await queue.drain(api);
    expect(await outbox(campaign.id)).toHaveLength(0);
    const [run] = await runOf(campaign.id);
    expect(run?.status).toBe("cancelled");
    expect(run?.results.email).toMatchObject({ recipients: 2, skipped: 2, sent: 0 });
  });
});

describe("delivery steps driven directly", () => {
  it("startDueCampaigns ignores campaigns that are not due; sendDeliveries of unknown deliveries does nothing", async () => {
    await withDatabase(api, async (db) => {
      const repos = createRepositories(db);
      expect(await startDueCampaigns(repos, queue, new Date(0))).toEqual([]);
      const verdict = await sendDeliveries(
        repos,
        queue,
        { name: "none", send: async () => [] },
        loadConfig(api.env).delivery,
        {
          run: "nope",
          deliveries: ["nope"],
        },
      );
      expect(verdict).toEqual({ retry: false });
    });
  });
});
