import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../errors/index.ts";
import { CompanyCreateSchema, CompanyListQuerySchema, CompanyPatchSchema } from "../../schemas/company.ts";
import { ContactCreateSchema } from "../../schemas/contact.ts";
import { freshDatabase } from "../../testing/node/database.ts";
import type { DbClient } from "../client.ts";
import { createRepositories, type Repositories } from "./index.ts";

let db: DbClient;
let repos: Repositories;

beforeAll(async () => {
  ({ db } = await freshDatabase("company_repo"));
  repos = createRepositories(db);
});
afterAll(async () => {
  await db.close();
});

const company = (fields: Record<string, unknown>) =>
  repos.companies.create(CompanyCreateSchema.parse(fields));
const contactOf = (companyId: string | undefined, email: string) =>
  repos.contacts.create(
    ContactCreateSchema.parse({
      first_name: "C",
      last_name: "D",
      email,
      ...(companyId ? { company: companyId } : {}),
    }),
  );

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("CompanyRepository", () => {
  it("stores the normalised domain and refuses the same domain again in another spelling", async () => {
    const acme = await company({ name: "Acme", domain: "https://www.Acme.com/", size: "11-50" });
    expect(acme.domain).toBe("acme.com");
    expect(acme.size).toBe("11-50");
    expect(acme.industry).toBeNull();
    const duplicate = await errorOf(company({ name: "Acme 2", domain: "ACME.com" }));
    expect(duplicate.code).toBe("duplicate");
    expect(duplicate.details).toEqual([{ field: "domain", message: "is already in use" }]);
  });

  it("allows any number of companies without a domain", async () => {
    await company({ name: "No Domain 1" });
    await company({ name: "No Domain 2" });
    const page = await repos.companies.list(CompanyListQuerySchema.parse({ search: "no domain" }));
    expect(page.data.map((c) => c.name).sort()).toEqual(["No Domain 1", "No Domain 2"]);
  });

  it("updates and clears fields; unknown ids are not_found", async () => {
    const initech = await company({ name: "Initech", domain: "initech.com", industry: "Software" });
    const updated = await repos.companies.update(
      initech.id,
      CompanyPatchSchema.parse({ industry: null, size: "201-500" }),
    );
    expect(updated.industry).toBeNull();
    expect(updated.size).toBe("201-500");
    expect(updated.domain).toBe("initech.com");
    expect(
      (await errorOf(repos.companies.update("nope", CompanyPatchSchema.parse({ name: "X" })))).code,
    ).toBe("not_found");
  });

  it("filters by search on name or domain, industry (any case), size and tags, sorted by name", async () => {
    await company({
      name: "Zeta Fintech",
      domain: "zeta.io",
      industry: "Fintech",
      size: "1-10",
      tags: ["portfolio"],
    });
    await company({
      name: "Alpha Fintech",
      domain: "alpha.io",
      industry: "fintech",
      size: "1-10",
      tags: ["portfolio", "lead"],
    });
    const fintech = await repos.companies.list(CompanyListQuerySchema.parse({ industry: "FINTECH" }));
    expect(fintech.data.map((c) => c.name)).toEqual(["Alpha Fintech", "Zeta Fintech"]);
    const byDomain = await repos.companies.list(CompanyListQuerySchema.parse({ search: "zeta.io" }));
    expect(byDomain.data.map((c) => c.name)).toEqual(["Zeta Fintech"]);
    const tagged = await repos.companies.list(CompanyListQuerySchema.parse({ tag: ["portfolio", "lead"] }));
    expect(tagged.data.map((c) => c.name)).toEqual(["Alpha Fintech"]);
    const small = await repos.companies.list(CompanyListQuerySchema.parse({ size: "1-10", sort: "-name" }));
    expect(small.data.map((c) => c.name)).toEqual(["Zeta Fintech", "Alpha Fintech"]);
  });

  it("deleting a company unlinks its contacts and timeline entries in the same transaction", async () => {
    const globex = await company({ name: "Globex" });
    const hank = await contactOf(globex.id, "hank@globex.example");
    const entry = await repos.timeline.add({ contact: hank.id, type: "note", content: "Met at the expo" });
    expect(entry.company).toBe(globex.id);

    expect(await repos.companies.remove(globex.id)).toBe(true);
    expect(await repos.companies.get(globex.id)).toBeUndefined();
    const unlinked = await repos.contacts.require(hank.id);
    expect(unlinked.company).toBeNull();
    expect((await repos.timeline.require(entry.id)).company).toBeNull();
    expect(await repos.companies.remove(globex.id)).toBe(false);
  });
});

describe("TimelineRepository", () => {
  it("records the contact's current company with each entry and defaults the timestamp to now", async () => {
    const umbrella = await company({ name: "Umbrella" });
    const alice = await contactOf(umbrella.id, "alice@umbrella.example");
    const before = Date.now();
    const entry = await repos.timeline.add({
      contact: alice.id,
      type: "call",
      content: "Discovery call",
      metadata: { minutes: 30 },
    });
    expect(entry.contact).toBe(alice.id);
    expect(entry.company).toBe(umbrella.id);
    expect(entry.metadata).toEqual({ minutes: 30 });
    expect(Date.parse(entry.timestamp)).toBeGreaterThanOrEqual(before - 5);
  });

  it("refuses an entry for a contact that does not exist, writing nothing", async () => {
    const error = await errorOf(repos.timeline.add({ contact: "ghost", type: "note", content: "Boo" }));
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual([{ field: "contact", message: "no contact with this id exists" }]);
    const [rows] = await db.query<[unknown[]]>("SELECT id FROM timeline_entry WHERE contact = contact:ghost");
    expect(rows).toEqual([]);
  });

  it("lists newest first with a type filter and cursor pagination", async () => {
    const bob = await contactOf(undefined, "bob@timeline.example");
    for (let day = 0; day < 7; day++) {
      await repos.timeline.add({
        contact: bob.id,
        type: day % 2 === 0 ? "note" : "call",
        content: `Day ${day}`,
        timestamp: new Date(Date.UTC(2026, 0, 1 + day)),
      });
    }
    const first = await repos.timeline.listForContact(bob.id, { limit: 3 });
    expect(first.data.map((e) => e.content)).toEqual(["Day 6", "Day 5", "Day 4"]);
    const second = await repos.timeline.listForContact(bob.id, { limit: 3, cursor: first.nextCursor ?? "" });
    expect(second.data.map((e) => e.content)).toEqual(["Day 3", "Day 2", "Day 1"]);
    const third = await repos.timeline.listForContact(bob.id, { limit: 3, cursor: second.nextCursor ?? "" });
    expect(third.data.map((e) => e.content)).toEqual(["Day 0"]);
    expect(third.nextCursor).toBeNull();
    const calls = await repos.timeline.listForContact(bob.id, { limit: 50, type: "call" });
    expect(calls.data.map((e) => e.content)).toEqual(["Day 5", "Day 3", "Day 1"]);
  });

  it("deletes hand-logged entries but keeps system entries (the audit trail)", async () => {
    const carol = await contactOf(undefined, "carol@timeline.example");
    await repos.contacts.update(carol.id, { status: "customer" });
    const [statusEntry] = (await repos.timeline.listForContact(carol.id, { limit: 5, type: "status_change" }))
      .data;
    expect(statusEntry).toBeDefined();
    const refused = await errorOf(repos.timeline.removeManual(statusEntry?.id ?? ""));
    expect(refused.code).toBe("conflict");
    expect(await repos.timeline.get(statusEntry?.id ?? "")).toBeDefined();

    const note = await repos.timeline.add({ contact: carol.id, type: "note", content: "Typo" });
    expect(await repos.timeline.removeManual(note.id)).toBe(true);
    expect(await repos.timeline.get(note.id)).toBeUndefined();
    expect(await repos.timeline.removeManual(note.id)).toBe(false);
  });
});
