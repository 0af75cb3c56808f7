import type { Contact, ContactPage, TimelineEntry, TimelinePage } from "@crm/shared/schemas";
import { beforeAll, describe, expect, it } from "vitest";
import { type ErrorBody, freshApi, type TestApi } from "../app/test-client.ts";

let api: TestApi;
beforeAll(async () => {
  api = await freshApi("contacts_api");
});

const ada = (fields: Record<string, unknown> = {}) => ({
  first_name: "Ada",
  last_name: "Lovelace",
  email: `${crypto.randomUUID()}@example.com`,
  ...fields,
});

function fieldsOf(body: ErrorBody) {
  return (body.error.details ?? []).map((issue) => issue.field);
}

describe("POST /api/contacts", () => {
  it("creates a contact: 201 with the record, its id as a plain key, derived fields filled in", async () => {
    const response = await api.post<Contact>("/api/contacts", {
      first_name: "  Ada ",
      last_name: "Lovelace",
      email: " ADA@Example.com ",
      phone: "+44 20 7946 0958",
      tags: ["Math", "math", "pioneer"],
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      first_name: "Ada",
      email: "ada@example.com",
      phone: "+44 20 7946 0958",
      linkedin_url: null,
      tags: ["math", "pioneer"],
      status: "lead",
      engagement_score: 0,
      engagement_level: "cold",
      company: null,
    });
    expect(response.body.id).toMatch(/^[A-Za-z0-9_]+$/);
    expect(response.headers.get("content-type")).toContain("application/json");
  });

  it("409 duplicate for the same email in any case or padding, naming the field", async () => {
    await api.post("/api/contacts", ada({ email: "dup@example.com" }));
    const response = await api.post<ErrorBody>("/api/contacts", ada({ email: "  DUP@example.COM" }));
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe("duplicate");
    expect(fieldsOf(response.body)).toEqual(["email"]);
  });

  it("422 naming each invalid field", async () => {
    const response = await api.post<ErrorBody>("/api/contacts", {
      first_name: "",
      last_name: "L",
      email: "not-an-email",
      phone: "abc",
      linkedin_url: "https://example.com/ada",
      tags: ["has space"],
      status: "vip",
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation_failed");
    expect(fieldsOf(response.body).sort()).toEqual(
      ["email", "first_name", "linkedin_url", "phone", "status", "tags.0"].sort(),
    );
  });

  it("422 for a missing required field, saying it is required; a wrong type says so instead", async () => {
    const response = await api.post<ErrorBody>("/api/contacts", { first_name: "Ada", last_name: "L" });
    expect(response.status).toBe(422);
    expect(response.body.error.details).toContainEqual({ field: "email", message: "is required" });

    const wrongType = await api.post<ErrorBody>("/api/contacts", ada({ first_name: 123 }));
    expect(wrongType.status).toBe(422);
    const issue = wrongType.body.error.details?.find((d) => d.field === "first_name");
    expect(issue?.message).toMatch(/expected string/);
  });

  it("422 for unknown fields and for server-owned fields (no mass assignment)", async () => {
    for (const field of ["id", "engagement_score", "created_at", "updated_at", "engagement_level"]) {
      const response = await api.post<ErrorBody>(
        "/api/contacts",
        ada({ [field]: field === "engagement_score" ? 99 : "x" }),
      );
      expect(response.status).toBe(422);
      expect(response.body.error.details).toContainEqual({
        field,
        message: "is set by the server and cannot be written",
      });
    }
    const unknown = await api.post<ErrorBody>("/api/contacts", ada({ favourite_colour: "teal" }));
    expect(unknown.status).toBe(422);
    expect(fieldsOf(unknown.body)).toEqual(["favourite_colour"]);
  });

  it("422 when the company does not exist; nothing is written", async () => {
    const email = "no-company@example.com";
    const response = await api.post<ErrorBody>("/api/contacts", ada({ email, company: "doesnotexist" }));
    expect(response.status).toBe(422);
    expect(fieldsOf(response.body)).toEqual(["company"]);
    const list = await api.get<ContactPage>(`/api/contacts?search=${encodeURIComponent(email)}`);
    expect(list.body.data).toEqual([]);
  });

  it("400 for malformed JSON, 415 for a non-JSON body, 422 for a JSON non-object", async () => {
    const malformed = await api.post<ErrorBody>("/api/contacts", "{ not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("bad_json");

    const form = await api.post<ErrorBody>("/api/contacts", "first_name=Ada", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe("unsupported_media_type");

    for (const body of ["[]", "null", "42", '"text"']) {
      const response = await api.post<ErrorBody>("/api/contacts", body);
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe("validation_failed");
    }
  });
});

describe("GET /api/contacts/{id}", () => {
  it("returns the contact", async () => {
    const created = await api.post<Contact>("/api/contacts", ada());
    const response = await api.get<Contact>(`/api/contacts/${created.body.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(created.body);
  });

  it("404 for unknown and for malformed ids, in the envelope", async () => {
    for (const id of ["doesnotexist", "contact:abc", "%E2%9F%A8x%E2%9F%A9", "a".repeat(300)]) {
      const response = await api.get<ErrorBody>(`/api/contacts/${id}`);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe("not_found");
      expect(response.body.error.requestId).toBeTruthy();
    }
  });
});

describe("PATCH /api/contacts/{id}", () => {
  it("changes only what is sent; null clears an optional field", async () => {
    const created = await api.post<Contact>("/api/contacts", ada({ phone: "555-0100", tags: ["a"] }));
    const response = await api.patch<Contact>(`/api/contacts/${created.body.id}`, {
      last_name: "Byron",
      phone: null,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ first_name: "Ada", last_name: "Byron", phone: null, tags: ["a"] });
    expect(response.body.updated_at >= created.body.updated_at).toBe(true);
  });

  it("normalises a changed email and refuses one that is taken (409)", async () => {
    await api.post("/api/contacts", ada({ email: "taken@example.com" }));
    const created = await api.post<Contact>("/api/contacts", ada());
    const renamed = await api.patch<Contact>(`/api/contacts/${created.body.id}`, {
      email: " New.Address@Example.com",
    });
    expect(renamed.body.email).toBe("new.address@example.com");
    const taken = await api.patch<ErrorBody>(`/api/contacts/${created.body.id}`, {
      email: "TAKEN@example.com",
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("duplicate");
  });

  it("follows the status machine: downgrade refused with the reason (409) unless deliberate", async () => {
    const created = await api.post<Contact>("/api/contacts", ada({ status: "investor" }));
    const refused = await api.patch<ErrorBody>(`/api/contacts/${created.body.id}`, { status: "lead" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("conflict");
    expect(refused.body.error.message).toContain("confirm_downgrade");

    const deliberate = await api.patch<Contact>(`/api/contacts/${created.body.id}`, {
      status: "lead",
      confirm_downgrade: true,
    });
    expect(deliberate.status).toBe(200);
    expect(deliberate.body.status).toBe("lead");

    const timeline = await api.get<TimelinePage>(
      `/api/contacts/${created.body.id}/timeline?type=status_change`,
    );
    expect(timeline.body.data).toHaveLength(1);
    expect(timeline.body.data[0]?.metadata).toEqual({ from: "investor", to: "lead" });
  });

  it("links and unlinks a company", async () => {
    const company = await api.post<{ id: string }>("/api/companies", { name: "Linkco" });
    const created = await api.post<Contact>("/api/contacts", ada());
    const linked = await api.patch<Contact>(`/api/contacts/${created.body.id}`, { company: company.body.id });
    expect(linked.body.company).toBe(company.body.id);
    const unlinked = await api.patch<Contact>(`/api/contacts/${created.body.id}`, { company: null });
    expect(unlinked.body.company).toBeNull();
    const missing = await api.patch<ErrorBody>(`/api/contacts/${created.body.id}`, { company: "nope" });
    expect(missing.status).toBe(422);
    expect(fieldsOf(missing.body)).toEqual(["company"]);
  });

  it("422 for an empty patch, unknown or server-owned fields; 404 for an unknown id", async () => {
    const created = await api.post<Contact>("/api/contacts", ada());
    const empty = await api.patch<ErrorBody>(`/api/contacts/${created.body.id}`, {});
    expect(empty.status).toBe(422);
    const owned = await api.patch<ErrorBody>(`/api/contacts/${created.body.id}`, { engagement_score: 100 });
    expect(owned.status).toBe(422);
    expect(owned.body.error.details).toContainEqual({
      field: "engagement_score",
      message: "is set by the server and cannot be written",
    });
    const unknown = await api.patch<ErrorBody>("/api/contacts/nosuchcontact", { first_name: "X" });
    expect(unknown.status).toBe(404);
    const stored = await api.get<Contact>(`/api/contacts/${created.body.id}`);
    expect(stored.body.engagement_score).toBe(0);
  });
});

describe("DELETE /api/contacts/{id}", () => {
  it("204, then the contact and its timeline are gone (404)", async () => {
    const created = await api.post<Contact>("/api/contacts", ada());
    const entry = await api.post<TimelineEntry>("/api/timeline", {
      contact: created.body.id,
      type: "note",
      content: "x",
    });
    const response = await api.delete(`/api/contacts/${created.body.id}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect((await api.get(`/api/contacts/${created.body.id}`)).status).toBe(404);
    expect((await api.get(`/api/timeline/${entry.body.id}`)).status).toBe(404);
    expect((await api.delete(`/api/contacts/${created.body.id}`)).status).toBe(404);
  });
});

describe("GET /api/contacts", () => {
  let tag: string;
  beforeAll(async () => {
    tag = `batch${Date.now()}`;
    for (let i = 0; i < 7; i++) {
      await api.post(
        "/api/contacts",
        ada({
          last_name: `Batch${i}`,
          tags: [tag, i % 2 ? "odd" : "even"],
          status: i < 2 ? "customer" : "lead",
        }),
      );
    }
  });

  it("paginates with limit and an opaque cursor until nextCursor is null", async () => {
    const seen: string[] = [];
    let path = `/api/contacts?tag=${tag}&limit=3&sort=last_name`;
    for (;;) {
      const page = await api.get<ContactPage>(path);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((c) => c.last_name));
      if (!page.body.nextCursor) break;
      path = `/api/contacts?tag=${tag}&limit=3&sort=last_name&cursor=${encodeURIComponent(page.body.nextCursor)}`;
    }
    expect(seen).toEqual(["Batch0", "Batch1", "Batch2", "Batch3", "Batch4", "Batch5", "Batch6"]);
  });

  it("filters by repeated tags, status and search; sorts descending", async () => {
    const odd = await api.get<ContactPage>(`/api/contacts?tag=${tag}&tag=odd&sort=-last_name`);
    expect(odd.body.data.map((c) => c.last_name)).toEqual(["Batch5", "Batch3", "Batch1"]);
    const customers = await api.get<ContactPage>(`/api/contacts?tag=${tag}&status=customer`);
    expect(customers.body.data).toHaveLength(2);
    const search = await api.get<ContactPage>(`/api/contacts?tag=${tag}&search=BATCH4`);
    expect(search.body.data.map((c) => c.last_name)).toEqual(["Batch4"]);
  });

  it("422 for bad query parameters, naming them", async () => {
    const cases: Array<[string, string]> = [
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=ten", "limit"],
      ["sort=password", "sort"],
      ["status=vip", "status"],
      ["min_engagement=101", "min_engagement"],
      ["created_after=yesterday", "created_after"],
      ["cursor=not-a-cursor", "cursor"],
      ["company=bad:id", "company"],
      ["limit=1&limit=2", "limit"],
      ["min_engagement=1e400", "min_engagement"],
      // Hand-made cursors: a date sort with a non-date value, a number beyond what can be bound.
      [`sort=-created_at&cursor=${btoa(JSON.stringify(["-created_at", "garbage", "abc"]))}`, "cursor"],
      [`sort=engagement_score&cursor=${btoa(JSON.stringify(["engagement_score", 1e300, "abc"]))}`, "cursor"],
    ];
    for (const [query, field] of cases) {
      const response = await api.get<ErrorBody>(`/api/contacts?${query}`);
      expect(response.status, query).toBe(422);
      expect(fieldsOf(response.body), query).toContain(field);
    }
  });

  it("defaults to 50 per page", async () => {
    for (let i = 0; i < 50; i++) await api.post("/api/contacts", ada({ tags: ["bulk"] }));
    const page = await api.get<ContactPage>("/api/contacts?tag=bulk");
    expect(page.body.data).toHaveLength(50);
    expect(page.body.nextCursor).toBeNull();
    const more = await api.post("/api/contacts", ada({ tags: ["bulk"] }));
    expect(more.status).toBe(201);
    const again = await api.get<ContactPage>("/api/contacts?tag=bulk");
    expect(again.body.data).toHaveLength(50);
    expect(again.body.nextCursor).toEqual(expect.any(String));
  });
});

describe("GET /api/contacts/{id}/timeline", () => {
  it("newest first, filtered by type, paginated; 404 for an unknown contact", async () => {
    const created = await api.post<Contact>("/api/contacts", ada());
    const id = created.body.id;
    for (const [type, day] of [
      ["note", 1],
      ["call", 2],
      ["meeting", 3],
      ["call", 4],
    ] as const) {
      await api.post("/api/timeline", {
        contact: id,
        type,
        content: `${type} ${day}`,
        timestamp: `2026-03-0${day}T10:00:00Z`,
      });
    }
    const all = await api.get<TimelinePage>(`/api/contacts/${id}/timeline`);
    expect(all.body.data.map((e) => e.content)).toEqual(["call 4", "meeting 3", "call 2", "note 1"]);
    const calls = await api.get<TimelinePage>(`/api/contacts/${id}/timeline?type=call&limit=1`);
    expect(calls.body.data.map((e) => e.content)).toEqual(["call 4"]);
    const next = await api.get<TimelinePage>(
      `/api/contacts/${id}/timeline?type=call&limit=1&cursor=${encodeURIComponent(calls.body.nextCursor ?? "")}`,
    );
    expect(next.body.data.map((e) => e.content)).toEqual(["call 2"]);
    expect((await api.get(`/api/contacts/nosuch/timeline`)).status).toBe(404);
    expect((await api.get(`/api/contacts/${id}/timeline?type=bogus`)).status).toBe(422);
  });
});
