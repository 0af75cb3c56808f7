import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../errors/index.ts";
import { ContactCreateSchema, ContactListQuerySchema, ContactPatchSchema } from "../../schemas/contact.ts";
import { freshDatabase } from "../../testing/node/database.ts";
import type { DbClient } from "../client.ts";
import { createRepositories, type Repositories } from "./index.ts";

let db: DbClient;
let repos: Repositories;

beforeAll(async () => {
  ({ db } = await freshDatabase("contact_repo"));
  repos = createRepositories(db);
});
afterAll(async () => {
  await db.close();
});

const newContact = (fields: Record<string, unknown> = {}) =>
  ContactCreateSchema.parse({
    first_name: "Ada",
    last_name: "Lovelace",
    email: `${crypto.randomUUID()}@example.com`,
    ...fields,
  });
const listQuery = (query: Record<string, unknown> = {}) => ContactListQuerySchema.parse(query);
const patch = (fields: Record<string, unknown>) => ContactPatchSchema.parse(fields);

async function expectAppError(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (field) expect(JSON.stringify((error as AppError).details)).toContain(`"${field}"`);
}

describe("ContactRepository.create", () => {
  it("stores the contact with server-owned defaults and returns the API shape", async () => {
    const contact = await repos.contacts.create(newContact({ tags: ["VIP", "vip", " founder "] }));
    expect(contact.id).toMatch(/^[a-z0-9]+$/);
    expect(contact.tags).toEqual(["vip", "founder"]);
    expect(contact.status).toBe("lead");
    expect(contact.engagement_score).toBe(0);
    expect(contact.engagement_level).toBe("cold");
    expect(contact.phone).toBeNull();
    expect(contact.company).toBeNull();
    expect(Date.parse(contact.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(contact.updated_at).toBe(contact.created_at);
    expect(await repos.contacts.get(contact.id)).toEqual(contact);
  });

  it("refuses a duplicate email, whatever its case or padding, as `duplicate` on `email`", async () => {
    await repos.contacts.create(newContact({ email: "grace@example.com" }));
    await expectAppError(
      repos.contacts.create(newContact({ email: "  GRACE@Example.com " })),
      "duplicate",
      "email",
    );
  });

  it("creates exactly one of two concurrent contacts with the same email", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => repos.contacts.create(newContact({ email: "race@example.com" }))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [rows] = await db.query<[unknown[]]>("SELECT id FROM contact WHERE email = 'race@example.com'");
    expect(rows).toHaveLength(1);
  });

  it("links an existing company and refuses an unknown one without writing anything", async () => {
    const company = await repos.companies.create({ name: "Acme", tags: [] });
    const linked = await repos.contacts.create(newContact({ company: company.id }));
    expect(linked.company).toBe(company.id);

    const email = "orphan@example.com";
    await expectAppError(
      repos.contacts.create(newContact({ email, company: "nosuchcompany" })),
      "validation_failed",
      "company",
    );
    const [rows] = await db.query<[unknown[]]>("SELECT id FROM contact WHERE email = $email", { email });
    expect(rows).toEqual([]);
  });
});

describe("ContactRepository.update", () => {
  it("changes only the given fields, clears optional fields with null and bumps updated_at", async () => {
    const created = await repos.contacts.create(
      newContact({ phone: "+1 555 0100", linkedin_url: "https://linkedin.com/in/ada" }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await repos.contacts.update(created.id, patch({ first_name: "Augusta", phone: null }));
    expect(updated.first_name).toBe("Augusta");
    expect(updated.last_name).toBe(created.last_name);
    expect(updated.phone).toBeNull();
    expect(updated.linkedin_url).toBe(created.linkedin_url);
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));
    expect(updated.created_at).toBe(created.created_at);
  });

  it("re-checks a changed email for uniqueness", async () => {
    await repos.contacts.create(newContact({ email: "taken@example.com" }));
    const other = await repos.contacts.create(newContact());
    await expectAppError(
      repos.contacts.update(other.id, patch({ email: "Taken@Example.com" })),
      "duplicate",
      "email",
    );
  });

  it("answers not_found for an unknown or malformed id", async () => {
    await expectAppError(repos.contacts.update("missing", patch({ first_name: "X" })), "not_found");
    await expectAppError(repos.contacts.update("bad:id", patch({ first_name: "X" })), "not_found");
  });

  it("runs status changes through the state machine and logs each change on the timeline", async () => {
    const contact = await repos.contacts.create(newContact());
    const customer = await repos.contacts.update(contact.id, patch({ status: "customer" }));
    expect(customer.status).toBe("customer");

    await expectAppError(repos.contacts.update(contact.id, patch({ status: "lead" })), "conflict", "status");
    expect((await repos.contacts.require(contact.id)).status).toBe("customer");

    const lead = await repos.contacts.update(contact.id, patch({ status: "lead", confirm_downgrade: true }));
    expect(lead.status).toBe("lead");

    const page = await repos.timeline.listForContact(contact.id, { limit: 50, type: "status_change" });
    expect(page.data.map((entry) => entry.metadata)).toEqual([
      { from: "customer", to: "lead" },
      { from: "lead", to: "customer" },
    ]);
  });

  it("writes no status_change entry when the status does not change", async () => {
    const contact = await repos.contacts.create(newContact({ status: "partner" }));
    await repos.contacts.update(contact.id, patch({ status: "partner", last_name: "Byron" }));
    const page = await repos.timeline.listForContact(contact.id, { limit: 50 });
    expect(page.data).toEqual([]);
  });

  it("applies concurrent status changes one at a time (each logged from the state it really changed)", async () => {
    const contact = await repos.contacts.create(newContact());
    await Promise.all([
      repos.contacts.update(contact.id, patch({ status: "customer" })),
      repos.contacts.update(contact.id, patch({ status: "investor" })),
    ]);
    const page = await repos.timeline.listForContact(contact.id, { limit: 50, type: "status_change" });
    const changes = page.data.map((entry) => entry.metadata as { from: string; to: string }).reverse();
    expect(changes[0]?.from).toBe("lead");
    for (let i = 1; i < changes.length; i++) expect(changes[i]?.from).toBe(changes[i - 1]?.to);
    expect((await repos.contacts.require(contact.id)).status).toBe(changes.at(-1)?.to);
  });
});

describe("ContactRepository.remove", () => {
  it("deletes the contact and its timeline together", async () => {
    const contact = await repos.contacts.create(newContact());
    await repos.timeline.add({ contact: contact.id, type: "call", content: "Intro call" });
    expect(await repos.contacts.remove(contact.id)).toBe(true);
    expect(await repos.contacts.get(contact.id)).toBeUndefined();
    const [rows] = await db.query<[unknown[]]>(
      "SELECT id FROM timeline_entry WHERE contact = type::record('contact', $key)",
      {
        key: contact.id,
      },
    );
    expect(rows).toEqual([]);
    expect(await repos.contacts.remove(contact.id)).toBe(false);
  });
});

describe("ContactRepository.list", () => {
  let ids: string[];

  beforeAll(async () => {
    const company = await repos.companies.create({ name: "Listed Ltd", tags: [] });
    ids = [];
    for (let i = 0; i < 12; i++) {
      const contact = await repos.contacts.create(
        newContact({
          first_name: i % 2 === 0 ? "Even" : "Odd",
          last_name: `Lister${String(i).padStart(2, "0")}`,
          email: `lister${i}@list.example`,
          tags: i % 3 === 0 ? ["listed", "third"] : ["listed"],
          status: i < 4 ? "customer" : "lead",
          ...(i >= 10 ? { company: company.id } : {}),
        }),
      );
      ids.push(contact.id);
    }
  });

  it("walks every page of a sort without skipping or repeating a contact", async () => {
    for (const sort of [
      "-created_at",
      "created_at",
      "last_name",
      "-last_name",
      "first_name",
      "email",
      "-engagement_score",
    ]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await repos.contacts.list(
          listQuery({ tag: "listed", sort, limit: 5, ...(cursor ? { cursor } : {}) }),
        );
        seen.push(...page.data.map((contact) => contact.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(new Set(seen).size).toBe(12);
    }
  });

  it("orders by the sort field, then by id", async () => {
    const page = await repos.contacts.list(listQuery({ tag: "listed", sort: "last_name", limit: 200 }));
    const names = page.data.map((contact) => contact.last_name);
    expect(names).toEqual([...names].sort());
    const byFirst = await repos.contacts.list(listQuery({ tag: "listed", sort: "-first_name", limit: 200 }));
    expect(byFirst.data.slice(0, 6).every((contact) => contact.first_name === "Odd")).toBe(true);
  });

  it("filters by search (names and email, any case), status, tags, company and engagement", async () => {
    const search = await repos.contacts.list(listQuery({ search: "LISTER0", sort: "last_name" }));
    expect(search.data.map((contact) => contact.last_name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Lister${String(i).padStart(2, "0")}`),
    );
    const fullName = await repos.contacts.list(listQuery({ search: "even lister04" }));
    expect(fullName.data.map((contact) => contact.last_name)).toEqual(["Lister04"]);
    const byEmail = await repos.contacts.list(listQuery({ search: "lister11@list" }));
    expect(byEmail.data).toHaveLength(1);

    const customers = await repos.contacts.list(listQuery({ tag: "listed", status: "customer" }));
    expect(customers.data).toHaveLength(4);
    const thirds = await repos.contacts.list(listQuery({ tag: ["listed", "third"] }));
    expect(thirds.data).toHaveLength(4);

    const companyId = (await repos.contacts.require(ids[10] ?? "")).company ?? "";
    const ofCompany = await repos.contacts.list(listQuery({ company: companyId }));
    expect(ofCompany.data.map((contact) => contact.id).sort()).toEqual([ids[10], ids[11]].sort());

    await repos.timeline.add({ contact: ids[0] ?? "", type: "meeting", content: "Kick-off" });
    const engaged = await repos.contacts.list(listQuery({ tag: "listed", min_engagement: 5 }));
    expect(engaged.data.map((contact) => contact.id)).toEqual([ids[0]]);
    const quiet = await repos.contacts.list(listQuery({ tag: "listed", max_engagement: 0 }));
    expect(quiet.data).toHaveLength(11);
  });

  it("filters by creation time", async () => {
    const all = await repos.contacts.list(listQuery({ tag: "listed", sort: "created_at", limit: 200 }));
    const pivot = all.data[5]?.created_at ?? "";
    const after = await repos.contacts.list(listQuery({ tag: "listed", created_after: pivot, limit: 200 }));
    // Seen failing once under full-suite load and never alone: the message keeps the evidence.
    const early = after.data.filter((contact) => !(contact.created_at > pivot));
    expect(early, JSON.stringify({ pivot, all: all.data.map((c) => c.created_at) })).toEqual([]);
    expect(after.data.length).toBeLessThan(12);
  });

  it("refuses a cursor made for another sort", async () => {
    const page = await repos.contacts.list(listQuery({ tag: "listed", sort: "email", limit: 2 }));
    await expectAppError(
      repos.contacts.list(listQuery({ tag: "listed", sort: "last_name", cursor: page.nextCursor })),
      "validation_failed",
      "cursor",
    );
    await expectAppError(
      repos.contacts.list(listQuery({ cursor: "garbage" })),
      "validation_failed",
      "cursor",
    );
  });
});

describe("engagement score", () => {
  it("is recomputed from the timeline whenever an entry is written or removed", async () => {
    const contact = await repos.contacts.create(newContact());
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * 86_400_000);
    await repos.timeline.add({
      contact: contact.id,
      type: "email_open",
      content: "Opened",
      timestamp: daysAgo(0),
    });
    expect((await repos.contacts.require(contact.id)).engagement_score).toBe(1.5);
    await repos.timeline.add({
      contact: contact.id,
      type: "email_click",
      content: "Clicked",
      timestamp: daysAgo(15),
    });
    const meeting = await repos.timeline.add({
      contact: contact.id,
      type: "meeting",
      content: "Met",
      timestamp: daysAgo(30),
    });
    expect((await repos.contacts.require(contact.id)).engagement_score).toBeCloseTo(9.22, 1);

    expect(await repos.timeline.removeManual(meeting.id)).toBe(true);
    const after = await repos.contacts.require(contact.id);
    expect(after.engagement_score).toBeLessThan(9);
    expect(after.engagement_score).toBeGreaterThan(1.5);
  });
});
