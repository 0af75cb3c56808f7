import type { Contact, TimelineEntry } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, type TestApi } from "../app/test-client.ts";

let api: TestApi;
let contact: Contact;

beforeAll(async () => {
  api = await freshApi("timeline_api");
  contact = (
    await api.post<Contact>("/api/contacts", {
      first_name: "Tim",
      last_name: "Line",
      email: "tim@line.example",
    })
  ).body;
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe("POST /api/timeline", () => {
  it("logs a call (201) and the contact's engagement score changes", async () => {
    const before = await api.get<Contact>(`/api/contacts/${contact.id}`);
    expect(before.body.engagement_score).toBe(0);
    const response = await api.post<TimelineEntry>("/api/timeline", {
      contact: contact.id,
      type: "call",
      content: "  Discovery call, wants a demo  ",
      metadata: { duration_min: 25 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      contact: contact.id,
      type: "call",
      content: "Discovery call, wants a demo",
      metadata: { duration_min: 25 },
      company: null,
    });
    const after = await api.get<Contact>(`/api/contacts/${contact.id}`);
    expect(after.body.engagement_score).toBe(7.5); // one call now: 15 / 200 * 100
    expect(after.body.engagement_level).toBe("cold");
  });

  it("scores the PRODUCT.md worked example: open today, click 15 days ago, meeting 30 days ago → 9.22", async () => {
    const person = (
      await api.post<Contact>("/api/contacts", {
        first_name: "W",
        last_name: "E",
        email: "worked@example.com",
      })
    ).body;
    // Only manual types can be logged through the API; the email events are the system's, so this
    // example checks the meeting part end to end and the full example in the domain unit tests.
    await api.post("/api/timeline", {
      contact: person.id,
      type: "meeting",
      content: "Met",
      timestamp: daysAgo(0),
    });
    expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(10);
    await api.post("/api/timeline", {
      contact: person.id,
      type: "meeting",
      content: "Met again",
      timestamp: daysAgo(30),
    });
    expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(15);
  });

  it("does not count a task dated in the future until it happens", async () => {
    const person = (
      await api.post<Contact>("/api/contacts", {
        first_name: "F",
        last_name: "T",
        email: "future@example.com",
      })
    ).body;
    const task = await api.post<TimelineEntry>("/api/timeline", {
      contact: person.id,
      type: "task",
      content: "Follow up next week",
      timestamp: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    });
    expect(task.status).toBe(201);
    expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(0);
  });

  it("422: unknown contact, system types, empty content, bad timestamp, oversized metadata, unknown fields", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ contact: "ghost", type: "note", content: "x" }, "contact"],
      [{ contact: contact.id, type: "email_open", content: "x" }, "type"],
      [{ contact: contact.id, type: "note", content: "   " }, "content"],
      [{ contact: contact.id, type: "note", content: "x", timestamp: "last tuesday" }, "timestamp"],
      [{ contact: contact.id, type: "note", content: "x", metadata: { blob: "é".repeat(5000) } }, "metadata"],
      [{ contact: contact.id, type: "note", content: "x", company: "acme" }, "company"],
      [{ contact: contact.id, type: "note", content: "x", id: "mine" }, "id"],
      // Integers the database cannot hold exactly, prototype keys, and years outside what a datetime holds.
      [{ contact: contact.id, type: "note", content: "x", metadata: { n: 1e19 } }, "metadata"],
      [{ contact: contact.id, type: "note", content: "x", metadata: { a: { b: [2 ** 60] } } }, "metadata"],
      [
        { contact: contact.id, type: "note", content: "x", metadata: JSON.parse('{"__proto__": {"x": 1}}') },
        "metadata.__proto__",
      ],
      [
        { contact: contact.id, type: "note", content: "x", metadata: JSON.parse('{"a": {"__proto__": {}}}') },
        "metadata.a.__proto__",
      ],
      [
        { contact: contact.id, type: "note", content: "x", timestamp: "9999-12-31T23:30:00-01:00" },
        "timestamp",
      ],
      [
        { contact: contact.id, type: "note", content: "x", timestamp: "0000-01-01T00:00:00+01:00" },
        "timestamp",
      ],
    ];
    for (const [body, field] of cases) {
      const response = await api.post<ErrorBody>("/api/timeline", body);
      expect(response.status, field).toBe(422);
      expect(
        (response.body.error.details ?? []).map((d) => d.field),
        field,
      ).toContain(field);
    }
  });
});

describe("GET and DELETE /api/timeline/{id}", () => {
  it("gets an entry; deletes a hand-logged one (204) and the score is recomputed", async () => {
    const person = (
      await api.post<Contact>("/api/contacts", {
        first_name: "D",
        last_name: "E",
        email: "delete@example.com",
      })
    ).body;
    const meeting = await api.post<TimelineEntry>("/api/timeline", {
      contact: person.id,
      type: "meeting",
      content: "Oops",
    });
    expect((await api.get<TimelineEntry>(`/api/timeline/${meeting.body.id}`)).body).toEqual(meeting.body);
    expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(10);

    expect((await api.delete(`/api/timeline/${meeting.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/timeline/${meeting.body.id}`)).status).toBe(404);
    expect((await api.get<Contact>(`/api/contacts/${person.id}`)).body.engagement_score).toBe(0);
    expect((await api.delete(`/api/timeline/${meeting.body.id}`)).status).toBe(404);
  });

  it("409 when deleting a system entry (status_change)", async () => {
    const person = (
      await api.post<Contact>("/api/contacts", {
        first_name: "S",
        last_name: "C",
        email: "system@example.com",
      })
    ).body;
    await api.patch(`/api/contacts/${person.id}`, { status: "customer" });
    const timeline = await api.get<{ data: TimelineEntry[] }>(`/api/contacts/${person.id}/timeline`);
    const statusEntry = timeline.body.data.find((entry) => entry.type === "status_change");
    expect(statusEntry).toBeDefined();
    const response = await api.delete<ErrorBody>(`/api/timeline/${statusEntry?.id}`);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("conflict");
  });
});
