import type {
  Attendee,
  AttendeePage,
  Contact,
  Event,
  InviteResult,
  OutboxMessage,
  RsvpChange,
  TimelineEntry,
} from "@crm/shared/schemas";
import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { runCampaigns } from "../app/scheduled.ts";
import { type ErrorBody, freshApi, TEST_BRAND, type TestApi, withDatabase } from "../app/test-client.ts";
import { CapturedQueue } from "../app/test-queue.ts";

let api: TestApi;
const queue = new CapturedQueue();

beforeAll(async () => {
  api = await freshApi("events", { DELIVERY_QUEUE: queue });
  await api.patch("/api/settings", TEST_BRAND);
});

const unique = () => crypto.randomUUID().slice(0, 8);
const HOUR = 3_600_000;
const at = (offsetHours: number) => new Date(Date.now() + offsetHours * HOUR).toISOString();

async function contacts(count: number, tag = `t${unique()}`): Promise<Contact[]> {
  const made: Contact[] = [];
  for (let i = 0; i < count; i++) {
    const response = await api.post<Contact>("/api/contacts", {
      first_name: `Guest${i}`,
      last_name: "Test",
      email: `guest${i}.${unique()}@mail.example`,
      tags: [tag],
    });
    expect(response.status).toBe(201);
    made.push(response.body);
  }
  return made;
}

/** An event; by default next week, one hour long. */
async function event(fields: Record<string, unknown> = {}): Promise<Event> {
  const response = await api.post<Event>("/api/events", {
    name: `Demo day ${unique()}`,
    type: "demo",
    start_time: at(24 * 7),
    end_time: at(24 * 7 + 1),
    ...fields,
  });
  expect(response.status).toBe(201);
  return response.body;
}
/** An event that started ten minutes ago and ends in fifty. */
const runningEvent = (fields: Record<string, unknown> = {}) =>
  event({ start_time: at(-1 / 6), end_time: at(5 / 6), ...fields });

const rsvp = (eventId: string, contactId: string, status: string) =>
  api.post<RsvpChange & ErrorBody>(`/api/events/${eventId}/rsvp`, { contact_id: contactId, status });
const attendees = async (eventId: string, query = "") =>
  (await api.get<AttendeePage>(`/api/events/${eventId}/attendees${query}`)).body;
const timeline = async (contact: string) =>
  (await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${contact}/timeline`)).body.data;
const score = async (contact: string) =>
  (await api.get<Contact>(`/api/contacts/${contact}`)).body.engagement_score;

describe("events CRUD", () => {
  it("creates, reads, changes, lists and deletes events", async () => {
    const created = await event({
      name: "Founders AMA",
      type: "ama",
      description: "Ask anything",
      location: "https://meet.example/ama",
      capacity: 40,
      start_time: "2030-06-10T17:00:00+02:00",
      end_time: "2030-06-10T18:30:00+02:00",
    });
    expect(created).toMatchObject({
      name: "Founders AMA",
      type: "ama",
      capacity: 40,
      seats_taken: 0,
      campaign: null,
      start_time: "2030-06-10T15:00:00.000Z",
      end_time: "2030-06-10T16:30:00.000Z",
    });
    expect((await api.get<Event>(`/api/events/${created.id}`)).body.name).toBe("Founders AMA");

    const patched = await api.patch<Event>(`/api/events/${created.id}`, { location: "Room 4, 1 Market St" });
    expect(patched.status).toBe(200);
    expect(patched.body.location).toBe("Room 4, 1 Market St");

    const past = await event({ type: "meetup", start_time: at(-48), end_time: at(-47) });
    const upcoming = (await api.get<{ data: Event[] }>("/api/events?when=upcoming&limit=200")).body.data;
    const ended = (await api.get<{ data: Event[] }>("/api/events?when=past&limit=200")).body.data;
    expect(upcoming.map((e) => e.id)).toContain(created.id);
    expect(upcoming.map((e) => e.id)).not.toContain(past.id);
    expect(ended.map((e) => e.id)).toEqual([past.id]);
    const amas = (await api.get<{ data: Event[] }>("/api/events?type=ama&limit=200")).body.data;
    expect(amas.every((e) => e.type === "ama")).toBe(true);
    expect(amas.map((e) => e.id)).toContain(created.id);

    const [guest] = await contacts(1);
    expect((await api.post(`/api/events/${past.id}/invite`, { contact_ids: [guest?.id] })).status).toBe(200);
    expect((await api.delete(`/api/events/${past.id}`)).status).toBe(204);
    expect((await api.get<ErrorBody>(`/api/events/${past.id}`)).status).toBe(404);
    expect((await api.delete(`/api/events/${past.id}`)).status).toBe(404);
  });

  it("lists the events of a campaign", async () => {
    const campaign = (
      await api.post<{ id: string }>("/api/campaigns", {
        name: "Launch",
        objective: "event",
        channels: ["event"],
      })
    ).body;
    const linked = await event({ campaign: campaign.id });
    await event();
    const listed = (await api.get<{ data: Event[] }>(`/api/events?campaign=${campaign.id}`)).body.data;
    expect(listed.map((e) => e.id)).toEqual([linked.id]);
  });

  it.each([
    [{ end_time: at(1), start_time: at(2) }, "end_time", /after start_time/],
    [{ start_time: "2030-06-10T17:00:00" }, "start_time", /timezone/],
    [{ location: "javascript:alert(1)" }, "location", /http\(s\) URL/],
    [{ capacity: 0 }, "capacity", /.+/],
    [{ type: "party" }, "type", /.+/],
    [{ name: "" }, "name", /.+/],
    [{ campaign: "nope" }, "campaign", /no campaign/],
  ])("refuses %j with 422 naming the field", async (fields, field, message) => {
    const response = await api.post<ErrorBody>("/api/events", {
      name: "Bad",
      type: "demo",
      start_time: at(1),
      end_time: at(2),
      ...fields,
    });
    expect(response.status).toBe(422);
    const issue = response.body.error.details?.find((detail) => detail.field === field);
    expect(issue?.message).toMatch(message);
  });

  it("checks a changed time against the stored one, and capacity against the seats taken", async () => {
    const created = await event({ capacity: 2 });
    const early = await api.patch<ErrorBody>(`/api/events/${created.id}`, { end_time: at(1) });
    expect(early.status).toBe(422);
    expect(early.body.error.details?.[0]?.field).toBe("end_time");

    const guests = await contacts(2);
    for (const guest of guests) expect((await rsvp(created.id, guest.id, "registered")).status).toBe(200);
    const shrink = await api.patch<ErrorBody>(`/api/events/${created.id}`, { capacity: 1 });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.message).toContain("2 seats are taken");
    expect((await api.get<Event>(`/api/events/${created.id}`)).body.capacity).toBe(2);
  });
});

describe("inviting", () => {
  it("is idempotent: a second invitation of the same segment finds everyone already invited", async () => {
    const tag = `seg${unique()}`;
    const guests = await contacts(4, tag);
    const segment = (
      await api.post<{ id: string }>("/api/segments", {
        name: `Guests ${tag}`,
        tree: { field: "tags", op: "contains", value: tag },
      })
    ).body;
    const created = await event();

    const first = await api.post<InviteResult>(`/api/events/${created.id}/invite`, { segment: segment.id });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      invited: 4,
      already_invited: 0,
      not_found: 0,
      not_found_ids: [],
      emails_queued: 0,
    });
    const second = await api.post<InviteResult>(`/api/events/${created.id}/invite`, { segment: segment.id });
    expect(second.body).toEqual({
      invited: 0,
      already_invited: 4,
      not_found: 0,
      not_found_ids: [],
      emails_queued: 0,
    });

    const page = await attendees(created.id);
    expect(page.counts.invited).toBe(4);
    expect(page.data.map((a) => a.contact).sort()).toEqual(guests.map((g) => g.id).sort());
    const entries = await timeline(guests[0]?.id ?? "");
    expect(entries.filter((e) => e.type === "event_invite")).toHaveLength(1);
    expect(entries.find((e) => e.type === "event_invite")?.metadata).toMatchObject({ event: created.id });
  });

  it("reports unknown contact ids without failing the others; a tree works too", async () => {
    const tag = `ids${unique()}`;
    const guests = await contacts(2, tag);
    const created = await event();
    const ids = [guests[0]?.id ?? "", "ghost1", guests[1]?.id ?? "", "ghost1"];
    const result = await api.post<InviteResult>(`/api/events/${created.id}/invite`, { contact_ids: ids });
    expect(result.body).toEqual({
      invited: 2,
      already_invited: 0,
      not_found: 1,
      not_found_ids: ["ghost1"],
      emails_queued: 0,
    });
    const byTree = await api.post<InviteResult>(`/api/events/${created.id}/invite`, {
      segment_tree: { field: "tags", op: "contains", value: tag },
    });
    expect(byTree.body).toMatchObject({ invited: 0, already_invited: 2 });
  });

  it("two simultaneous invitations of one segment invite everyone exactly once", async () => {
    const tag = `race${unique()}`;
    await contacts(6, tag);
    const created = await event();
    const body = { segment_tree: { field: "tags", op: "contains", value: tag } };
    const [a, b] = await Promise.all([
      api.post<InviteResult>(`/api/events/${created.id}/invite`, body),
      api.post<InviteResult>(`/api/events/${created.id}/invite`, body),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((a.body.invited ?? 0) + (b.body.invited ?? 0)).toBe(6);
    expect((a.body.already_invited ?? 0) + (b.body.already_invited ?? 0)).toBe(6);
    const page = await attendees(created.id, "?limit=200");
    expect(page.data).toHaveLength(6);
    expect(new Set(page.data.map((a) => a.contact)).size).toBe(6);
  });

  it("refuses send: true without a sender address, before inviting anyone", async () => {
    const bare = await freshApi("events_nosender", { DELIVERY_QUEUE: new CapturedQueue() });
    const guest = (
      await bare.post<Contact>("/api/contacts", {
        first_name: "N",
        last_name: "S",
        email: `${unique()}@ns.example`,
      })
    ).body;
    const created = (
      await bare.post<Event>("/api/events", {
        name: "No sender",
        type: "demo",
        start_time: at(24),
        end_time: at(25),
      })
    ).body;
    const refused = await bare.post<ErrorBody>(`/api/events/${created.id}/invite`, {
      contact_ids: [guest.id],
      send: true,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("default_sender_email");
    expect((await bare.get<AttendeePage>(`/api/events/${created.id}/attendees`)).body.data).toEqual([]);
  });

  it("404 for an unknown event; 422 for no audience, two audiences or an unknown segment", async () => {
    expect((await api.post("/api/events/nope/invite", { contact_ids: ["a"] })).status).toBe(404);
    const created = await event();
    const none = await api.post<ErrorBody>(`/api/events/${created.id}/invite`, {});
    expect(none.status).toBe(422);
    expect(none.body.error.details?.[0]?.field).toBe("contact_ids");
    const both = await api.post<ErrorBody>(`/api/events/${created.id}/invite`, {
      contact_ids: ["a"],
      segment: "b",
    });
    expect(both.status).toBe(422);
    const missing = await api.post<ErrorBody>(`/api/events/${created.id}/invite`, { segment: "missing" });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details?.[0]?.field).toBe("segment");
  });
});

describe("invitation emails (send: true)", () => {
  const outboxTo = async (email: string) =>
    (await api.get<{ data: OutboxMessage[] }>(`/api/outbox?to=${encodeURIComponent(email)}`)).body.data;

  it("emails each invitee once, through the queue, with their RSVP link and the calendar link", async () => {
    const [early, fresh, blocked] = await contacts(3);
    const created = await event({ name: "Roadmap AMA", location: "https://meet.example/ama" });
    // One invited earlier without an email, one new, one whose address is suppressed.
    await api.post(`/api/events/${created.id}/invite`, { contact_ids: [early?.id] });
    await withDatabase(api, (db) =>
      db.query("CREATE suppression CONTENT { email: $email, reason: 'unsubscribed', source: 'test' }", {
        email: blocked?.email,
      }),
    );
    const ids = [early?.id, fresh?.id, blocked?.id];
    const first = await api.post<InviteResult>(`/api/events/${created.id}/invite`, {
      contact_ids: ids,
      send: true,
    });
    expect(first.body).toMatchObject({ invited: 2, already_invited: 1, emails_queued: 3 });
    await queue.drain(api);

    for (const guest of [early, fresh]) {
      const [message, ...more] = await outboxTo(guest?.email ?? "");
      expect(more).toEqual([]);
      expect(message).toMatchObject({
        kind: "invitation",
        campaign: null,
        contact: guest?.id,
        from: '"Ada at Northwind" <ada@northwind.example>',
        subject: "You're invited: Roadmap AMA",
      });
      expect(message?.text).toContain(`Hi ${guest?.first_name},`);
      expect(message?.text).toContain(`https://crm.test/e/${created.id}.ics`);
      const link = message?.links.find((url) => url.includes("?t="));
      expect(link).toMatch(new RegExp(`^https://crm\\.test/e/${created.id}\\?t=`));
      // The link in the email is the invitee's own page.
      const page = await api.call("GET", new URL(link ?? "").pathname + new URL(link ?? "").search);
      expect(page.status).toBe(200);
      expect(page.text).toContain("You are invited.");
    }
    expect(await outboxTo(blocked?.email ?? "")).toEqual([]);
    const rows = (await attendees(created.id)).data;
    const byContact = new Map(rows.map((row) => [row.contact, row]));
    expect(byContact.get(early?.id ?? "")?.invite_email).toBe("sent");
    expect(byContact.get(fresh?.id ?? "")?.invite_email).toBe("sent");
    expect(byContact.get(blocked?.id ?? "")).toMatchObject({ invite_email: "skipped" });
    expect(byContact.get(blocked?.id ?? "")?.invite_email_reason).toContain("suppressed");

    // Each invitation can be unsubscribed from (RFC 8058), and that address is skipped from then on.
    const [invitation] = await outboxTo(fresh?.email ?? "");
    expect(invitation?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(invitation?.html).toContain("Unsubscribe</a>");
    const unsubscribePath = /<https:\/\/crm\.test(\/u\/[A-Za-z0-9_.-]+)>/.exec(
      invitation?.headers["List-Unsubscribe"] ?? "",
    )?.[1];
    const unsubscribed = await api
      .as(undefined)
      .call("POST", unsubscribePath ?? "", "List-Unsubscribe=One-Click", {
        "content-type": "application/x-www-form-urlencoded",
      });
    expect(unsubscribed.status).toBe(200);
    expect(unsubscribed.text).toContain(fresh?.email ?? "");
    const next = await event({ name: "Next one" });
    await api.post(`/api/events/${next.id}/invite`, { contact_ids: [fresh?.id], send: true });
    await queue.drain(api);
    expect((await attendees(next.id)).data[0]).toMatchObject({ invite_email: "skipped" });

    // Again, and the same queue message delivered twice: nobody gets a second email.
    const again = await api.post<InviteResult>(`/api/events/${created.id}/invite`, {
      contact_ids: ids,
      send: true,
    });
    expect(again.body).toMatchObject({ invited: 0, already_invited: 3, emails_queued: 0 });
    await queue.send({ type: "invite", event: created.id, contacts: ids.map(String) });
    await queue.send({ type: "invite", event: created.id, contacts: ids.map(String) });
    await queue.drain(api);
    expect(await outboxTo(early?.email ?? "")).toHaveLength(1);
    expect(await outboxTo(fresh?.email ?? "")).toHaveLength(1);
  });
});

describe("invitation emails whose queue message is lost", () => {
  it("are queued again by the cron's sweep and sent once", async () => {
    const [guest] = await contacts(1);
    const created = await event({ name: "Lost and found" });
    const invited = await api.post<InviteResult>(`/api/events/${created.id}/invite`, {
      contact_ids: [guest?.id],
      send: true,
    });
    expect(invited.body.emails_queued).toBe(1);
    const lost = queue.pending.splice(0);
    expect(lost.map((m) => m.body.type)).toEqual(["invite"]);

    // A minute later nothing is due yet; ten minutes later the sweep hands it to the queue again.
    await runCampaigns(Date.now() + 60_000, api.env);
    expect(queue.pending.filter((m) => m.body.type === "invite")).toEqual([]);
    await runCampaigns(Date.now() + 11 * 60_000, api.env);
    expect(queue.pending.map((m) => m.body)).toEqual([
      { type: "invite", event: created.id, contacts: [guest?.id] },
    ]);
    await queue.drain(api);
    const sent = (
      await api.get<{ data: OutboxMessage[] }>(`/api/outbox?to=${encodeURIComponent(guest?.email ?? "")}`)
    ).body.data;
    expect(sent).toHaveLength(1);
    // Emailed: later sweeps find nothing.
    await runCampaigns(Date.now() + 30 * 60_000, api.env);
    expect(queue.pending.filter((m) => m.body.type === "invite")).toEqual([]);
  });
});

describe("RSVPs", () => {
  it("registers, writes the timeline, raises the score, and a repeat changes nothing", async () => {
    const [guest] = await contacts(1);
    const id = guest?.id ?? "";
    const created = await event();
    await api.post(`/api/events/${created.id}/invite`, { contact_ids: [id] });
    const before = await score(id);
    const registered = await rsvp(created.id, id, "registered");
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({
      changed: true,
      promoted: [],
      rsvp: { status: "registered", contact: id },
    });
    expect(await score(id)).toBeCloseTo(before + 4, 1); // event_registered weighs 8: 8/200×100
    const again = await rsvp(created.id, id, "registered");
    expect(again.body.changed).toBe(false);
    const entries = await timeline(id);
    expect(entries.filter((e) => e.type === "event_registered")).toHaveLength(1);
    expect((await api.get<Event>(`/api/events/${created.id}`)).body.seats_taken).toBe(1);
  });

  it("puts registrations beyond capacity on the waitlist and promotes the first when a seat frees", async () => {
    const [first, second, third] = await contacts(3);
    const created = await event({ capacity: 1 });
    expect((await rsvp(created.id, first?.id ?? "", "registered")).body.rsvp.status).toBe("registered");
    expect((await rsvp(created.id, second?.id ?? "", "registered")).body.rsvp.status).toBe("waitlisted");
    expect((await rsvp(created.id, third?.id ?? "", "registered")).body.rsvp.status).toBe("waitlisted");
    const full = await attendees(created.id);
    expect(full.counts).toMatchObject({ registered: 1, waitlisted: 2 });
    expect(full.seats_taken).toBe(1);

    const cancelled = await rsvp(created.id, first?.id ?? "", "cancelled");
    expect(cancelled.body.promoted).toEqual([second?.id]);
    const after = await attendees(created.id);
    expect(after.counts).toMatchObject({ registered: 1, waitlisted: 1, cancelled: 1 });
    expect(after.seats_taken).toBe(1);
    const promotedEntries = await timeline(second?.id ?? "");
    expect(promotedEntries.find((e) => e.type === "event_registered")?.content).toContain("waitlist");

    // More seats: the rest of the waitlist moves up at once.
    await api.patch(`/api/events/${created.id}`, { capacity: 5 });
    expect((await attendees(created.id, "?status=registered")).data.map((a) => a.contact).sort()).toEqual(
      [second?.id, third?.id].sort(),
    );
  });

  it("no-shows keep their seat, and nobody is promoted or registered once the event is over", async () => {
    const [absent, waiting] = await contacts(2);
    const created = await event({ capacity: 1 });
    await rsvp(created.id, absent?.id ?? "", "registered");
    expect((await rsvp(created.id, waiting?.id ?? "", "registered")).body.rsvp.status).toBe("waitlisted");
    // The event took place (moved into the past) and the registered contact did not come.
    expect(
      (await api.patch(`/api/events/${created.id}`, { start_time: at(-3), end_time: at(-2) })).status,
    ).toBe(200);
    const noShow = await rsvp(created.id, absent?.id ?? "", "no_show");
    expect(noShow.body).toMatchObject({ changed: true, promoted: [] });
    expect((await rsvp(created.id, absent?.id ?? "", "attended")).body.rsvp.status).toBe("attended");
    await api.patch(`/api/events/${created.id}`, { capacity: 5 });
    const late = await rsvp(created.id, waiting?.id ?? "", "registered");
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain("registration is closed");
    const page = await attendees(created.id);
    expect(page.counts).toMatchObject({ attended: 1, waitlisted: 1, registered: 0 });
    expect(page.seats_taken).toBe(1);
  });

  it("a deleted contact's seat goes to the waitlist before anyone new", async () => {
    const [holder, waiting, newcomer] = await contacts(3);
    const created = await event({ capacity: 1 });
    await rsvp(created.id, holder?.id ?? "", "registered");
    await rsvp(created.id, waiting?.id ?? "", "registered");
    expect((await api.delete(`/api/contacts/${holder?.id}`)).status).toBe(204);
    const after = await attendees(created.id);
    expect(after.seats_taken).toBe(0);
    expect(after.data.map((a) => a.contact)).toEqual([waiting?.id]);

    const late = await rsvp(created.id, newcomer?.id ?? "", "registered");
    expect(late.body.promoted).toEqual([waiting?.id]);
    expect(late.body.rsvp.status).toBe("waitlisted");
    const final = await attendees(created.id);
    expect(final.counts).toMatchObject({ registered: 1, waitlisted: 1 });
    expect(final.seats_taken).toBe(1);
  });

  it("two simultaneous registrations for the last seat: one seat, one waitlist place", async () => {
    const created = await event({ capacity: 3 });
    const guests = await contacts(4);
    for (const guest of guests.slice(0, 2)) await rsvp(created.id, guest.id, "registered");
    const [a, b] = await Promise.all(
      guests.slice(2).map((guest) => rsvp(created.id, guest.id, "registered")),
    );
    expect([a?.status, b?.status]).toEqual([200, 200]);
    expect([a?.body.rsvp.status, b?.body.rsvp.status].sort()).toEqual(["registered", "waitlisted"]);
    const page = await attendees(created.id);
    expect(page.counts.registered).toBe(3);
    expect(page.seats_taken).toBe(3);
    expect((await api.get<Event>(`/api/events/${created.id}`)).body.seats_taken).toBe(3);
  });

  it("records attendance only once the event has started; illegal moves are 409 with the reason", async () => {
    const [guest] = await contacts(1);
    const id = guest?.id ?? "";
    const future = await event();
    await rsvp(future.id, id, "registered");
    const early = await rsvp(future.id, id, "attended");
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("once the event has started");
    expect(early.body.error.details).toEqual({ field: "status" });

    const running = await runningEvent();
    await rsvp(running.id, id, "registered");
    expect((await rsvp(running.id, id, "cancelled")).status).toBe(409);
    const noShow = await rsvp(running.id, id, "no_show");
    expect(noShow.body.rsvp.status).toBe("no_show");
    expect((await timeline(id)).some((e) => e.type === "event_no_show")).toBe(true);
    expect((await rsvp(running.id, id, "registered")).status).toBe(409);
  });

  it("404 for an unknown event, 422 for an unknown contact or status, 409 for the uninvited", async () => {
    const [guest] = await contacts(1);
    const created = await event();
    const uninvited = await rsvp(created.id, guest?.id ?? "", "cancelled");
    expect(uninvited.status).toBe(409);
    expect(uninvited.body.error.message).toContain("no invitation to this event");
    expect((await attendees(created.id)).data).toEqual([]);
    expect((await rsvp("nope", guest?.id ?? "", "registered")).status).toBe(404);
    const ghost = await rsvp(created.id, "ghost", "registered");
    expect(ghost.status).toBe(422);
    expect(ghost.body.error.details?.[0]?.field).toBe("contact_id");
    const bad = await rsvp(created.id, guest?.id ?? "", "maybe");
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.[0]?.field).toBe("status");
  });
});

describe("check-in and attendees", () => {
  it("checks a registered contact in once; a second scan is harmless; the unregistered are refused", async () => {
    const [guest, stranger] = await contacts(2);
    const running = await runningEvent({ capacity: 10 });
    await api.post(`/api/events/${running.id}/invite`, { contact_ids: [guest?.id, stranger?.id] });
    await rsvp(running.id, guest?.id ?? "", "registered");
    const before = await score(guest?.id ?? "");

    const first = await api.post<RsvpChange>(`/api/events/${running.id}/check-in`, { contact_id: guest?.id });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ changed: true, rsvp: { status: "attended" } });
    expect(await score(guest?.id ?? "")).toBeGreaterThan(before);
    const second = await api.post<RsvpChange>(`/api/events/${running.id}/check-in`, {
      contact_id: guest?.id,
    });
    expect(second.body.changed).toBe(false);
    expect((await timeline(guest?.id ?? "")).filter((e) => e.type === "event_attend")).toHaveLength(1);

    const refused = await api.post<ErrorBody>(`/api/events/${running.id}/check-in`, {
      contact_id: stranger?.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("only a registered contact");

    const page = await attendees(running.id);
    expect(page.counts).toEqual({
      invited: 1,
      waitlisted: 0,
      registered: 0,
      attended: 1,
      no_show: 0,
      cancelled: 0,
    });
    expect(page.seats_taken).toBe(1);
    const attended = await attendees(running.id, "?status=attended");
    expect(attended.data.map((a: Attendee) => [a.contact, a.first_name, a.email])).toEqual([
      [guest?.id, guest?.first_name, guest?.email],
    ]);
    expect(attended.data[0]?.rsvp_url).toMatch(new RegExp(`^https://crm\\.test/e/${running.id}\\?t=`));
    // A read-only key sees who comes, not the links that would let it answer for them.
    const key = await api.post<{ secret: string }>("/api/api-keys", { name: "Reader", scopes: ["read"] });
    const asReader = await api.as(key.body.secret).get<AttendeePage>(`/api/events/${running.id}/attendees`);
    expect(asReader.status).toBe(200);
    expect(asReader.body.data.map((a) => a.rsvp_url)).toEqual([null, null]);
  });
});

describe("the public RSVP page and calendar file", () => {
  async function invitee(fields: Record<string, unknown> = {}) {
    const [guest] = await contacts(1);
    const created = await event({ name: "Launch <party> & demo", capacity: 1, ...fields });
    await api.post(`/api/events/${created.id}/invite`, { contact_ids: [guest?.id] });
    const [row] = (await attendees(created.id)).data;
    const path = new URL(row?.rsvp_url ?? "").pathname + new URL(row?.rsvp_url ?? "").search;
    return { guest, created, path, token: new URL(row?.rsvp_url ?? "").searchParams.get("t") ?? "" };
  }
  const form = (path: string, fields: Record<string, string>) =>
    api.call("POST", path, new URLSearchParams(fields).toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });

  it("shows the event to the invitee, escaped, in their language, and registers them with a plain form", async () => {
    const { guest, created, path, token } = await invitee();
    const page = await api.call("GET", path, undefined, { "accept-language": "de-DE,de;q=0.9" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.text.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page.text).toContain("Launch &lt;party&gt; &amp; demo");
    expect(page.text).not.toContain("<party>");
    expect(page.text).toContain('lang="de-DE"');
    expect(page.text).toMatch(/Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag/);
    expect(page.text).toContain("1 of 1 seats left");
    expect(page.text).toContain('value="register"');

    const done = await form(`/e/${created.id}`, { t: token, action: "register" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(path.replace(/t=.*/, `t=${encodeURIComponent(token)}`));
    expect((await attendees(created.id)).data[0]).toMatchObject({ contact: guest?.id, status: "registered" });
    const after = await api.call("GET", path);
    expect(after.text).toContain("You are registered");
    expect(after.text).toContain("Full (1 seats)<");
  });

  it("refuses a forged token, and a genuine token used for another event", async () => {
    const { path, token } = await invitee();
    const other = await event();
    const forged = `${token.slice(0, -3)}AAA`;
    expect((await api.call("GET", path.replace(/t=.*/, `t=${forged}`))).status).toBe(404);
    const elsewhere = await api.call("GET", `/e/${other.id}?t=${token}`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.text).toContain("This link is not valid");
    expect((await form(`/e/${other.id}`, { t: token, action: "register" })).status).toBe(404);
    expect((await api.call("GET", "/e/unknown_event")).status).toBe(404);
    // A deleted contact's link is dead too.
    const gone = await invitee();
    expect((await api.delete(`/api/contacts/${gone.guest?.id}`)).status).toBe(204);
    expect((await api.call("GET", gone.path)).status).toBe(404);
    expect((await form(`/e/${gone.created.id}`, { t: gone.token, action: "register" })).status).toBe(404);
    const json = await api.post<ErrorBody>(`/e/${other.id}`, { t: token, action: "register" });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toBe("send the body as application/x-www-form-urlencoded");
  });

  it("says why when a press is not possible, with a 409 page", async () => {
    const { created, token } = await invitee({ start_time: at(-1 / 6), end_time: at(5 / 6) });
    expect((await form(`/e/${created.id}`, { t: token, action: "register" })).status).toBe(303);
    const late = await form(`/e/${created.id}`, { t: token, action: "cancel" });
    expect(late.status).toBe(409);
    expect(late.text).toContain("the event has started");
    expect(late.headers.get("content-type")).toContain("text/html");
  });

  it("serves an RFC 5545 calendar file that an iCalendar parser reads back", async () => {
    const created = await event({
      name: "Founders AMA, live",
      description: "Bring questions; we answer.",
      location: "Room 4, 1 Market St",
      start_time: "2030-06-10T17:00:00+02:00",
      end_time: "2030-06-10T18:30:00+02:00",
    });
    const file = await api.call("GET", `/e/${created.id}.ics`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const vevent = new ICAL.Component(ICAL.parse(file.text)).getFirstSubcomponent("vevent");
    if (!vevent) throw new Error("no VEVENT");
    const parsed = new ICAL.Event(vevent);
    expect(parsed.uid).toBe(`${created.id}@crm.test`);
    expect(parsed.summary).toBe("Founders AMA, live");
    expect(parsed.location).toBe("Room 4, 1 Market St");
    expect(parsed.description).toBe("Bring questions; we answer.");
    expect(parsed.startDate.toJSDate().toISOString()).toBe("2030-06-10T15:00:00.000Z");
    expect(parsed.endDate.toJSDate().toISOString()).toBe("2030-06-10T16:30:00.000Z");
    expect((await api.call("GET", "/e/unknown.ics")).status).toBe(404);
  });
});
