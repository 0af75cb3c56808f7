import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompanyCreateSchema } from "../../schemas/company.ts";
import { ContactCreateSchema } from "../../schemas/contact.ts";
import { freshDatabase } from "../../testing/node/database.ts";
import type { DbClient } from "../client.ts";
import { createRepositories, type Repositories } from "./index.ts";

/**
 * Races that used to leave the data inconsistent: links to a record deleted at the same moment, and
 * score recomputes overwriting each other. Each is run many times; every outcome must be consistent.
 */
let db: DbClient;
let repos: Repositories;

beforeAll(async () => {
  ({ db } = await freshDatabase("concurrency"));
  repos = createRepositories(db);
});
afterAll(async () => {
  await db.close();
});

const contactInput = (fields: Record<string, unknown> = {}) =>
  ContactCreateSchema.parse({
    first_name: "R",
    last_name: "C",
    email: `${crypto.randomUUID()}@race.example`,
    ...fields,
  });

describe("no dangling links", () => {
  it("a contact created for a company being deleted either fails or is unlinked, never points at nothing", async () => {
    for (let round = 0; round < 15; round++) {
      const company = await repos.companies.create(CompanyCreateSchema.parse({ name: `Race ${round}` }));
      const [created] = await Promise.allSettled([
        repos.contacts.create(contactInput({ company: company.id })),
        repos.companies.remove(company.id),
      ]);
      if (created.status === "fulfilled") {
        expect((await repos.contacts.require(created.value.id)).company).toBeNull();
      }
    }
    const [dangling] = await db.query<[unknown[]]>(
      "SELECT id FROM contact WHERE company != NONE AND !record::exists(company)",
    );
    expect(dangling).toEqual([]);
  });

  it("a timeline entry written while its contact is deleted never outlives the contact", async () => {
    for (let round = 0; round < 15; round++) {
      const contact = await repos.contacts.create(contactInput());
      await Promise.allSettled([
        repos.timeline.add({ contact: contact.id, type: "note", content: "Late note" }),
        repos.contacts.remove(contact.id),
      ]);
    }
    const [orphans] = await db.query<[unknown[]]>(
      "SELECT id FROM timeline_entry WHERE !record::exists(contact)",
    );
    expect(orphans).toEqual([]);
  });
});

describe("no lost score updates", () => {
  it("twelve simultaneous meetings leave the score every one of them adds up to", async () => {
    for (let round = 0; round < 3; round++) {
      const contact = await repos.contacts.create(contactInput());
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          repos.timeline.add({ contact: contact.id, type: "meeting", content: `Meeting ${i}` }),
        ),
      );
      // 12 meetings now: raw 240, consistency bonus 1 + 0.5 × 1/13, clamped at 100.
      expect((await repos.contacts.require(contact.id)).engagement_score).toBe(100);
    }
  });
});

describe("company contact_count", () => {
  it("follows contacts being linked, moved, unlinked and deleted", async () => {
    const a = await repos.companies.create(CompanyCreateSchema.parse({ name: "Count A" }));
    const b = await repos.companies.create(CompanyCreateSchema.parse({ name: "Count B" }));
    const count = async (key: string) => (await repos.companies.require(key)).contact_count;
    expect(await count(a.id)).toBe(0);

    const one = await repos.contacts.create(contactInput({ company: a.id }));
    const two = await repos.contacts.create(contactInput({ company: a.id }));
    expect(await count(a.id)).toBe(2);

    await repos.contacts.update(one.id, { company: b.id });
    expect([await count(a.id), await count(b.id)]).toEqual([1, 1]);

    await repos.contacts.update(one.id, { first_name: "Still B" });
    expect(await count(b.id)).toBe(1);

    await repos.contacts.update(two.id, { company: null });
    expect(await count(a.id)).toBe(0);

    await repos.contacts.remove(one.id);
    expect(await count(b.id)).toBe(0);

    await Promise.all(
      Array.from({ length: 8 }, () => repos.contacts.create(contactInput({ company: a.id }))),
    );
    expect(await count(a.id)).toBe(8);
  });
});
