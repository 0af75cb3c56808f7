import { env } from "cloudflare:test";
import { signWebhook } from "@crm/shared/delivery";
import type { Contact, WebhookDelivery, WebhookSubscription } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { runCampaigns } from "../app/scheduled.ts";
import { type ErrorBody, freshApi, type TestApi, withDatabase } from "../app/test-client.ts";
import { CapturedQueue } from "../app/test-queue.ts";

/** The receiver is the local provider server's `/hooks/…` (shared/testing/node/fake-email-provider.ts). */
const RECEIVER = env.TEST_FAKE_EMAIL_URL;
interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
const received = async (path: string) =>
  ((await (await fetch(`${RECEIVER}/__hooks`)).json()) as Received[]).filter((hook) => hook.path === path);

let api: TestApi;
const queue = new CapturedQueue();
beforeAll(async () => {
  api = await freshApi("webhooks", { DELIVERY_QUEUE: queue, WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" });
});

const subscribe = (path: string, events: string[], extra: Record<string, unknown> = {}) =>
  api.post<WebhookSubscription & { secret: string }>("/api/webhooks", {
    url: `${RECEIVER}${path}`,
    events,
    ...extra,
  });

describe("outgoing webhooks", () => {
  it("signs and delivers contact.created and contact.updated to the subscribers of each, and logs them", async () => {
    const path = `/hooks/${crypto.randomUUID()}`;
    const subscription = await subscribe(path, ["contact.created", "contact.updated"]);
    expect(subscription.status).toBe(201);
    expect(subscription.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const other = await subscribe(`/hooks/${crypto.randomUUID()}`, ["campaign.completed"]);
    expect(other.status).toBe(201);
    expect(
      (await api.get<WebhookSubscription>(`/api/webhooks/${subscription.body.id}`)).body,
    ).not.toHaveProperty("secret");

    const contact = (
      await api.post<Contact>("/api/contacts", {
        first_name: "Web",
        last_name: "Hook",
        email: `${crypto.randomUUID().slice(0, 8)}@hook.example`,
      })
    ).body;
    await api.patch(`/api/contacts/${contact.id}`, { first_name: "Changed" });
    expect(queue.pending.map((m) => m.body.type)).toEqual(["webhook", "webhook"]);
    await queue.drain(api);

    const hooks = await received(path);
    // Sent by concurrent consumers: receivers get no ordering promise (the payload's created_at tells).
    expect(hooks.map((hook) => hook.headers["x-crm-event"]).sort()).toEqual([
      "contact.created",
      "contact.updated",
    ]);
    for (const hook of hooks) {
      const timestamp = hook.headers["x-crm-timestamp"] ?? "";
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
      expect(hook.headers["x-crm-signature"]).toBe(
        await signWebhook(subscription.body.secret, timestamp, hook.body),
      );
      expect(hook.headers["content-type"]).toBe("application/json");
    }
    const created = hooks
      .map((hook) => JSON.parse(hook.body))
      .find((event) => event.type === "contact.created");
    expect(created).toMatchObject({
      type: "contact.created",
      id: `contact.created:${contact.id}`,
      data: { contact: { id: contact.id } },
    });

    const log = await api.get<{ data: WebhookDelivery[] }>(
      `/api/webhooks/${subscription.body.id}/deliveries`,
    );
    expect(log.body.data.map((d) => [d.event, d.status, d.attempts, d.last_status])).toEqual([
      ["contact.updated", "delivered", 1, 200],
      ["contact.created", "delivered", 1, 200],
    ]);
    expect(
      (await api.get<{ data: WebhookDelivery[] }>(`/api/webhooks/${other.body.id}/deliveries`)).body.data,
    ).toEqual([]);
  });

  it("retries a failing receiver with backoff, then gives up and keeps the failure visible", async () => {
    // The receiver's scripted answers are for this subscription alone: pause the others.
    for (const earlier of (await api.get<{ data: WebhookSubscription[] }>("/api/webhooks")).body.data) {
      await api.patch(`/api/webhooks/${earlier.id}`, { active: false });
    }
    const path = `/hooks/${crypto.randomUUID()}`;
    const subscription = await subscribe(path, ["contact.created"], {
      secret: "my own secret of twenty-four+",
    });
    await fetch(`${RECEIVER}/__hook_script`, {
      method: "POST",
      body: JSON.stringify({ statuses: [503, 500] }),
    });
    await api.post("/api/contacts", {
      first_name: "R",
      last_name: "T",
      email: `${crypto.randomUUID().slice(0, 8)}@hook.example`,
    });
    await queue.drain(api);
    expect((await received(path)).length).toBe(3);
    const [delivery] = (
      await api.get<{ data: WebhookDelivery[] }>(`/api/webhooks/${subscription.body.id}/deliveries`)
    ).body.data;
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, last_status: 200 });

    // A receiver that never recovers: retried up to the queue's limit, then dead-lettered as failed.
    await fetch(`${RECEIVER}/__hook_script`, {
      method: "POST",
      body: JSON.stringify({ statuses: Array(10).fill(500) }),
    });
    await api.post("/api/contacts", {
      first_name: "R",
      last_name: "U",
      email: `${crypto.randomUUID().slice(0, 8)}@hook.example`,
    });
    await queue.drain(api);
    await fetch(`${RECEIVER}/__hook_script`, { method: "POST", body: JSON.stringify({ statuses: [] }) });
    const failed = (
      await api.get<{ data: WebhookDelivery[] }>(
        `/api/webhooks/${subscription.body.id}/deliveries?status=failed`,
      )
    ).body.data;
    expect(failed).toHaveLength(1);
    expect(failed[0]?.last_error).toMatch(/^gave up after 6 attempts: the receiver answered HTTP 500/);

    // A 4xx other than 408/429 is the receiver saying no: not retried.
    await fetch(`${RECEIVER}/__hook_script`, { method: "POST", body: JSON.stringify({ statuses: [410] }) });
    await api.post("/api/contacts", {
      first_name: "R",
      last_name: "V",
      email: `${crypto.randomUUID().slice(0, 8)}@hook.example`,
    });
    await queue.drain(api);
    const gone = (
      await api.get<{ data: WebhookDelivery[] }>(`/api/webhooks/${subscription.body.id}/deliveries`)
    ).body.data[0];
    expect(gone).toMatchObject({ status: "failed", attempts: 1, last_status: 410 });
  });

  it("refuses loopback, private and plain-http targets unless development allows them", async () => {
    const strict = await freshApi("webhooks_strict", { DELIVERY_QUEUE: new CapturedQueue() });
    for (const url of [
      "http://hooks.example.com/x",
      "https://127.0.0.1/x",
      "https://localhost/x",
      "https://169.254.169.254/latest",
      "https://[::1]/x",
      "https://10.0.0.1/x",
    ]) {
      const response = await strict.post<ErrorBody>("/api/webhooks", { url, events: ["contact.created"] });
      expect(response.status, url).toBe(422);
      expect(response.body.error.details?.[0]?.field).toBe("url");
    }
    const ok = await strict.post<WebhookSubscription>("/api/webhooks", {
      url: "https://hooks.example.com/crm",
      events: ["contact.created"],
    });
    expect(ok.status).toBe(201);
    const moved = await strict.patch<ErrorBody>(`/api/webhooks/${ok.body.id}`, {
      url: "https://192.168.0.10/x",
    });
    expect(moved.status).toBe(422);
    expect(
      (await strict.post<ErrorBody>("/api/webhooks", { url: "https://hooks.example.com", events: ["nope"] }))
        .status,
    ).toBe(422);

    // Before each send the host's addresses are checked over DNS-over-HTTPS; when that check cannot
    // run (no network here), the delivery waits and retries rather than sending unchecked.
    const strictQueue = strict.env.DELIVERY_QUEUE as CapturedQueue;
    await strict.post("/api/contacts", { first_name: "D", last_name: "N", email: "dns@hook.example" });
    const [message] = strictQueue.pending.splice(0);
    if (!message) throw new Error("no webhook message");
    expect(await strictQueue.deliver(strict, [message])).toHaveLength(1);
    const [pending] = (
      await strict.get<{ data: WebhookDelivery[] }>(`/api/webhooks/${ok.body.id}/deliveries`)
    ).body.data;
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    expect(pending?.last_error).toBeTruthy();

    // A consumer that died holding a claimed delivery: the cron's sweep queues it again.
    strictQueue.pending.splice(0);
    await withDatabase(strict, (db) =>
      db.query("UPDATE webhook_delivery SET status = 'sending', lease_until = time::now() - 1s", {}),
    );
    await runCampaigns(Date.now(), strict.env);
    expect(strictQueue.pending.map((m) => m.body)).toEqual([{ type: "webhook", delivery: pending?.id }]);
    expect((await strict.delete(`/api/webhooks/${ok.body.id}`)).status).toBe(204);
  });

  it("campaign.completed reaches its subscribers once; social posts are handed to theirs", async () => {
    const path = `/hooks/${crypto.randomUUID()}`;
    await subscribe(path, ["campaign.completed"]);
    const socialPath = `/hooks/${crypto.randomUUID()}`;
    await subscribe(socialPath, ["social.post_scheduled"]);
    await api.patch("/api/settings", { default_sender_email: "ada@northwind.example" });
    const tag = `wh${crypto.randomUUID().slice(0, 6)}`;
    await api.post("/api/contacts", {
      first_name: "C",
      last_name: "D",
      email: `${tag}@hook.example`,
      tags: [tag],
    });
    const campaign = (
      await api.post<{ id: string }>("/api/campaigns", {
        name: "Hooked",
        objective: "awareness",
        channels: ["email", "social"],
        segment_tree: { field: "tags", op: "contains", value: tag },
      })
    ).body;
    await api.post(`/api/campaigns/${campaign.id}/assets`, {});
    await api.post(`/api/campaigns/${campaign.id}/execute`);
    await queue.drain(api);
    const social = (await received(socialPath)).map((hook) => JSON.parse(hook.body));
    expect(social.map((event) => event.data.post.platform).sort()).toEqual([
      "facebook",
      "instagram",
      "linkedin",
      "x",
    ]);
    const run = (
      await api.get<{ data: Array<{ results: Record<string, unknown> }> }>(
        `/api/campaigns/${campaign.id}/runs`,
      )
    ).body.data[0];
    expect(run?.results.social).toEqual({ recipients: 4, queued: 0, sent: 4, failed: 0, skipped: 0 });
    const hooks = await received(path);
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0]?.body ?? "{}")).toMatchObject({
      type: "campaign.completed",
      data: { campaign: campaign.id, results: { email: { recipients: 1, sent: 1 }, social: { sent: 4 } } },
    });
  });

  it("rsvp.changed tells subscribers of each RSVP move and of each promotion from the waitlist", async () => {
    const path = `/hooks/${crypto.randomUUID()}`;
    expect((await subscribe(path, ["rsvp.changed"])).status).toBe(201);
    const guests: Contact[] = [];
    for (const name of ["First", "Second", "Third"]) {
      guests.push(
        (
          await api.post<Contact>("/api/contacts", {
            first_name: name,
            last_name: "Guest",
            email: `${crypto.randomUUID().slice(0, 8)}@rsvp.example`,
          })
        ).body,
      );
    }
    const event = (
      await api.post<{ id: string }>("/api/events", {
        name: "Seat for one",
        type: "meetup",
        capacity: 1,
        start_time: new Date(Date.now() + 86_400_000).toISOString(),
        end_time: new Date(Date.now() + 90_000_000).toISOString(),
      })
    ).body;
    const move = (contact: Contact | undefined, status: string) =>
      api.post(`/api/events/${event.id}/rsvp`, { contact_id: contact?.id, status });
    await queue.drain(api);
    await move(guests[0], "registered");
    await move(guests[1], "registered"); // waitlisted
    await move(guests[1], "registered"); // no change: no event
    await move(guests[0], "cancelled"); // frees the seat: the second is promoted
    await move(guests[2], "registered"); // waitlisted
    await api.patch(`/api/events/${event.id}`, { capacity: 2 }); // a new seat: the third is promoted
    await queue.drain(api);

    const bodies = (await received(path)).map(
      (hook) =>
        JSON.parse(hook.body) as { type: string; data: { rsvp: { contact: string; status: string } } },
    );
    expect(bodies.every((body) => body.type === "rsvp.changed")).toBe(true);
    expect(bodies.map((body) => [body.data.rsvp.contact, body.data.rsvp.status]).sort()).toEqual(
      [
        [guests[0]?.id, "registered"],
        [guests[1]?.id, "waitlisted"],
        [guests[0]?.id, "cancelled"],
        [guests[1]?.id, "registered"],
        [guests[2]?.id, "waitlisted"],
        [guests[2]?.id, "registered"],
      ].sort(),
    );
  });
});
