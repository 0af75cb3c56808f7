import fc from "fast-check";
import { RecordId } from "surrealdb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTACT_STATUSES } from "../domain/contact-status.ts";
import { ENGAGEMENT_LEVELS, engagementLevel } from "../domain/engagement.ts";
import { evaluateSegment, type SegmentCompany, type SegmentSubject } from "../domain/segment-eval.ts";
import { COMPANY_SIZES } from "../schemas/company.ts";
import { RSVP_STATUSES } from "../schemas/event.ts";
import { type SegmentLeaf, type SegmentTree, SegmentTreeSchema } from "../schemas/segment-tree.ts";
import { freshDatabase } from "../testing/node/database.ts";
import type { DbClient } from "./client.ts";
import { compileSegment, ENGAGEMENT_LEVEL_RANGES, segmentQuery } from "./segment-compiler.ts";

/**
 * The compiler against a real SurrealDB: examples for every field and operator, injection attempts,
 * and property tests that compare the compiled query with the in-memory evaluator on generated
 * contacts. Both sides get the same fixed `now`; nothing depends on the wall clock.
 */

const NOW = new Date("2026-03-01T12:00:00.000Z");
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

let db: DbClient;

beforeAll(async () => {
  ({ db } = await freshDatabase("segment_compiler"));
});
afterAll(async () => {
  await db.close();
});

// ---------------------------------------------------------------------------------------------------
// Data: people as the evaluator sees them, written to the tables the compiler reads.

interface Person {
  key: string;
  /** A company key; it may name a company that does not exist (a dangling link). */
  companyKey?: string;
  subject: SegmentSubject;
}

interface Dataset {
  companies: Record<string, SegmentCompany>;
  people: Person[];
}

const EVENTS = ["ev1", "ev2"];

async function clear() {
  await db.query("DELETE rsvp; DELETE event; DELETE timeline_entry; DELETE contact; DELETE company;");
}

/** Replaces everything with the dataset, through bound CONTENT only (created_at is set explicitly). */
async function seed(dataset: Dataset) {
  await clear();
  const companies = Object.entries(dataset.companies).map(([key, company]) => ({
    id: new RecordId("company", key),
    name: company.name,
    ...(company.domain ? { domain: company.domain } : {}),
    ...(company.industry ? { industry: company.industry } : {}),
    ...(company.size ? { size: company.size } : {}),
  }));
  const contacts = dataset.people.map(({ key, companyKey, subject }) => ({
    id: new RecordId("contact", key),
    first_name: subject.first_name,
    last_name: subject.last_name,
    email: subject.email,
    ...(subject.phone ? { phone: subject.phone } : {}),
    ...(subject.linkedin_url ? { linkedin_url: subject.linkedin_url } : {}),
    tags: [...subject.tags],
    status: subject.status,
    engagement_score: subject.engagement_score,
    ...(companyKey ? { company: new RecordId("company", companyKey) } : {}),
    created_at: subject.created_at,
    updated_at: subject.updated_at,
  }));
  const entries = dataset.people.flatMap(({ key, subject }) =>
    subject.timeline.map((entry) => ({
      contact: new RecordId("contact", key),
      type: entry.type,
      content: "",
      metadata: entry.metadata,
      timestamp: entry.timestamp,
    })),
  );
  const events = EVENTS.map((key) => ({
    id: new RecordId("event", key),
    name: key,
    type: "webinar",
    start_time: daysAgo(10),
    end_time: daysAgo(9),
  }));
  const rsvps = dataset.people.flatMap(({ key, subject }) =>
    subject.rsvps.map((rsvp) => ({
      event: new RecordId("event", rsvp.event),
      contact: new RecordId("contact", key),
      status: rsvp.status,
    })),
  );
  await db.query(
    `FOR $row IN $companies { CREATE ONLY company CONTENT $row RETURN NONE };
     FOR $row IN $contacts { CREATE ONLY contact CONTENT $row RETURN NONE };
     FOR $row IN $entries { CREATE ONLY timeline_entry CONTENT $row RETURN NONE };
     FOR $row IN $events { CREATE ONLY event CONTENT $row RETURN NONE };
     FOR $row IN $rsvps { CREATE ONLY rsvp CONTENT $row RETURN NONE };`,
    { companies, contacts, entries, events, rsvps },
  );
}

/** The keys the compiled `where` (after its `lets`) selects. */
async function selectedByWhere(tree: SegmentTree): Promise<string[]> {
  const compiled = compileSegment(tree, NOW);
  const results = await db.query(
    [...compiled.lets, `SELECT VALUE id FROM contact WHERE ${compiled.where};`].join("\n"),
    compiled.vars,
  );
  return (results.at(-1) as RecordId[]).map((id) => String(id.id)).sort();
}

/** The preview query's count and sample keys, in the order returned. */
async function preview(tree: SegmentTree, limit: number): Promise<{ count: number; sample: string[] }> {
  const query = segmentQuery(tree, NOW, { limit });
  const results = await db.query(query.sql, query.vars);
  const rows = results[query.sampleIndex] as { id: RecordId }[];
  return { count: Number(results[query.countIndex]), sample: rows.map((row) => String(row.id.id)) };
}

/** Newest first, then the greater key first: the order SurrealDB gives `created_at DESC, id DESC`. */
function newestFirst(people: Person[]): string[] {
  return [...people]
    .sort((a, b) => {
      const byTime = b.subject.created_at.getTime() - a.subject.created_at.getTime();
      if (byTime !== 0) return byTime;
      return a.key < b.key ? 1 : a.key > b.key ? -1 : 0;
    })
    .map((person) => person.key);
}

// ---------------------------------------------------------------------------------------------------
// Examples: every field and operator on a small, hand-written dataset.

const EXAMPLE: Dataset = {
  companies: {
    acme: { name: "Acme Corp", domain: "acme.com", industry: "Fintech", size: "11-50" },
    globex: { name: "Globex" },
  },
  people: [
    {
      key: "ada",
      companyKey: "acme",
      subject: {
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada@example.com",
        phone: "+44 20 7946 0958",
        tags: ["founder", "vip"],
        status: "customer",
        engagement_score: 42.5,
        created_at: daysAgo(100),
        updated_at: daysAgo(3),
        company: null,
        timeline: [
          { type: "email_open", timestamp: daysAgo(2), metadata: { campaign: "spring" } },
          { type: "email_click", timestamp: daysAgo(40), metadata: { campaign: "winter" } },
          { type: "call", timestamp: daysAgo(10), metadata: {} },
        ],
        rsvps: [{ event: "ev1", status: "registered" }],
      },
    },
    {
      key: "bob",
      subject: {
        first_name: "Bob",
        last_name: "Byron",
        email: "bob@example.com",
        tags: [],
        status: "lead",
        engagement_score: 0,
        created_at: daysAgo(1),
        updated_at: daysAgo(1),
        company: null,
        timeline: [],
        rsvps: [],
      },
    },
    {
      key: "cy",
      companyKey: "globex",
      subject: {
        first_name: "Cy",
        last_name: "Lovelace",
        email: "cy@globex.example",
        linkedin_url: "https://www.linkedin.com/in/cy-l",
        tags: ["beta"],
        status: "partner",
        engagement_score: 85,
        created_at: daysAgo(7),
        updated_at: daysAgo(7),
        company: null,
        timeline: [{ type: "email_open", timestamp: daysAgo(30), metadata: { campaign: "winter" } }],
        rsvps: [{ event: "ev1", status: "attended" }],
      },
    },
    {
      key: "dee",
      companyKey: "ghost",
      subject: {
        first_name: "Dee",
        last_name: "Dangling",
        email: "dee@example.com",
        tags: ["vip"],
        status: "investor",
        engagement_score: 20,
        created_at: daysAgo(7),
        updated_at: daysAgo(0.5),
        company: null,
        timeline: [],
        rsvps: [{ event: "ev2", status: "no_show" }],
      },
    },
  ],
};

const leaf = (field: string, op: string, value?: unknown, event?: string): SegmentTree =>
  SegmentTreeSchema.parse({
    field,
    op,
    ...(value === undefined ? {} : { value }),
    ...(event === undefined ? {} : { event }),
  });

describe("compileSegment: every field and operator against SurrealDB", () => {
  beforeAll(async () => {
    await seed(EXAMPLE);
  });

  const at100 = daysAgo(100).toISOString();
  const cases: [string, SegmentTree, string[]][] = [
    ["string eq (case-insensitive)", leaf("first_name", "eq", "ADA"), ["ada"]],
    ["string neq", leaf("last_name", "neq", "lovelace"), ["bob", "dee"]],
    ["string in", leaf("first_name", "in", ["bob", "CY"]), ["bob", "cy"]],
    ["string nin", leaf("first_name", "nin", ["bob", "CY"]), ["ada", "dee"]],
    ["string contains", leaf("email", "contains", "EXAMPLE.COM"), ["ada", "bob", "dee"]],
    ["string not_contains", leaf("email", "not_contains", "example.com"), ["cy"]],
    ["string starts_with", leaf("last_name", "starts_with", "love"), ["ada", "cy"]],
    ["email eq (stored lowercase)", leaf("email", "eq", "Bob@Example.com"), ["bob"]],
    ["missing phone is_empty", leaf("phone", "is_empty"), ["bob", "cy", "dee"]],
    ["phone is_not_empty", leaf("phone", "is_not_empty"), ["ada"]],
    ["missing phone neq", leaf("phone", "neq", "+44 20 7946 0958"), ["bob", "cy", "dee"]],
    ["linkedin_url contains", leaf("linkedin_url", "contains", "CY-L"), ["cy"]],
    ["company.name eq", leaf("company.name", "eq", "acme corp"), ["ada"]],
    ["company.name is_empty (none or dangling)", leaf("company.name", "is_empty"), ["bob", "dee"]],
    ["company.domain in", leaf("company.domain", "in", ["ACME.com", "x.com"]), ["ada"]],
    ["company.domain nin", leaf("company.domain", "nin", ["acme.com"]), ["bob", "cy", "dee"]],
    ["company.industry starts_with", leaf("company.industry", "starts_with", "fin"), ["ada"]],
    ["company.industry is_empty", leaf("company.industry", "is_empty"), ["bob", "cy", "dee"]],
    ["status eq", leaf("status", "eq", "customer"), ["ada"]],
    ["status neq", leaf("status", "neq", "customer"), ["bob", "cy", "dee"]],
    ["status in", leaf("status", "in", ["lead", "partner"]), ["bob", "cy"]],
    ["status nin", leaf("status", "nin", ["lead", "partner"]), ["ada", "dee"]],
    ["company.size eq", leaf("company.size", "eq", "11-50"), ["ada"]],
    ["company.size neq", leaf("company.size", "neq", "11-50"), ["bob", "cy", "dee"]],
    ["company.size in", leaf("company.size", "in", ["11-50", "51-200"]), ["ada"]],
    ["company.size nin", leaf("company.size", "nin", ["11-50"]), ["bob", "cy", "dee"]],
    ["company.size is_empty", leaf("company.size", "is_empty"), ["bob", "cy", "dee"]],
    ["company.size is_not_empty", leaf("company.size", "is_not_empty"), ["ada"]],
    ["engagement_level eq (20 is cold)", leaf("engagement_level", "eq", "cold"), ["bob", "dee"]],
    ["engagement_level in", leaf("engagement_level", "in", ["engaged", "champion"]), ["ada", "cy"]],
    ["engagement_level neq", leaf("engagement_level", "neq", "cold"), ["ada", "cy"]],
    ["engagement_level nin", leaf("engagement_level", "nin", ["cold", "champion"]), ["ada"]],
    ["engagement_score eq", leaf("engagement_score", "eq", 42.5), ["ada"]],
    ["engagement_score neq", leaf("engagement_score", "neq", 0), ["ada", "cy", "dee"]],
    ["engagement_score gt", leaf("engagement_score", "gt", 20), ["ada", "cy"]],
    ["engagement_score gte", leaf("engagement_score", "gte", 20), ["ada", "cy", "dee"]],
    ["engagement_score lt", leaf("engagement_score", "lt", 20), ["bob"]],
    ["engagement_score lte", leaf("engagement_score", "lte", 20), ["bob", "dee"]],
    ["tags contains", leaf("tags", "contains", "VIP"), ["ada", "dee"]],
    ["tags not_contains", leaf("tags", "not_contains", "vip"), ["bob", "cy"]],
    ["tags in", leaf("tags", "in", ["beta", "founder"]), ["ada", "cy"]],
    ["tags nin", leaf("tags", "nin", ["beta", "founder"]), ["bob", "dee"]],
    ["tags is_empty", leaf("tags", "is_empty"), ["bob"]],
    ["tags is_not_empty", leaf("tags", "is_not_empty"), ["ada", "cy", "dee"]],
    ["created_at gt", leaf("created_at", "gt", at100), ["bob", "cy", "dee"]],
    ["created_at gte (same instant)", leaf("created_at", "gte", at100), ["ada", "bob", "cy", "dee"]],
    ["created_at lt", leaf("created_at", "lt", daysAgo(7).toISOString()), ["ada"]],
    ["created_at lte", leaf("created_at", "lte", daysAgo(7).toISOString()), ["ada", "cy", "dee"]],
    [
      "created_at within_last (boundary included)",
      leaf("created_at", "within_last", 7),
      ["bob", "cy", "dee"],
    ],
    ["created_at older_than (boundary excluded)", leaf("created_at", "older_than", 7), ["ada"]],
    ["updated_at within_last", leaf("updated_at", "within_last", 1), ["bob", "dee"]],
    ["activity is_not_empty", leaf("activity.email_open", "is_not_empty"), ["ada", "cy"]],
    ["activity is_empty", leaf("activity.email_open", "is_empty"), ["bob", "dee"]],
    ["activity within_last", leaf("activity.email_open", "within_last", 7), ["ada"]],
    ["activity older_than", leaf("activity.email_open", "older_than", 7), ["cy"]],
    ["activity of a type nobody has", leaf("activity.meeting", "is_not_empty"), []],
    ["campaign.opened eq", leaf("campaign.opened", "eq", "winter"), ["cy"]],
    ["campaign.opened neq", leaf("campaign.opened", "neq", "winter"), ["ada", "bob", "dee"]],
    ["campaign.clicked eq", leaf("campaign.clicked", "eq", "winter"), ["ada"]],
    ["campaign.opened in", leaf("campaign.opened", "in", ["spring", "winter"]), ["ada", "cy"]],
    ["campaign.clicked nin", leaf("campaign.clicked", "nin", ["winter"]), ["bob", "cy", "dee"]],
    ["rsvp eq", leaf("event.rsvp_status", "eq", "attended", "ev1"), ["cy"]],
    ["rsvp neq (no RSVP counts)", leaf("event.rsvp_status", "neq", "attended", "ev1"), ["ada", "bob", "dee"]],
    ["rsvp in", leaf("event.rsvp_status", "in", ["registered", "attended"], "ev1"), ["ada", "cy"]],
    ["rsvp nin", leaf("event.rsvp_status", "nin", ["no_show"], "ev2"), ["ada", "bob", "cy"]],
    ["rsvp is_empty", leaf("event.rsvp_status", "is_empty", undefined, "ev1"), ["bob", "dee"]],
    ["rsvp is_not_empty", leaf("event.rsvp_status", "is_not_empty", undefined, "ev2"), ["dee"]],
    [
      "and of rows and sets",
      SegmentTreeSchema.parse({
        and: [
          { field: "tags", op: "is_not_empty" },
          { field: "activity.email_open", op: "is_not_empty" },
          { not: { field: "event.rsvp_status", op: "eq", value: "attended", event: "ev1" } },
        ],
      }),
      ["ada"],
    ],
    [
      "or of a row and a negated set",
      SegmentTreeSchema.parse({
        or: [
          { field: "status", op: "eq", value: "lead" },
          { field: "activity.call", op: "is_empty" },
        ],
      }),
      ["bob", "cy", "dee"],
    ],
    [
      "not of an or of sets",
      SegmentTreeSchema.parse({
        not: {
          or: [
            { field: "campaign.opened", op: "eq", value: "spring" },
            { field: "tags", op: "contains", value: "beta" },
          ],
        },
      }),
      ["bob", "dee"],
    ],
  ];

  it.each(cases)("%s", async (_, tree, expected) => {
    expect(await selectedByWhere(tree)).toEqual(expected);
    const all = await preview(tree, 100);
    expect(all.count).toBe(expected.length);
    expect([...all.sample].sort()).toEqual(expected);
    // The evaluator agrees (its company is the one the contact links to, if it exists).
    const people = withCompanies(EXAMPLE);
    expect(people.filter((person) => evaluateSegment(tree, person.subject, NOW)).map((p) => p.key)).toEqual(
      expected,
    );
  });

  it("returns the sample newest first, then by id, limited, with the full count", async () => {
    const rowTree = leaf("tags", "is_not_empty"); // compiled to a WHERE
    const setTree = SegmentTreeSchema.parse({ not: { field: "activity.meeting", op: "is_not_empty" } }); // to a set
    for (const tree of [rowTree, setTree]) {
      const expected = newestFirst(
        withCompanies(EXAMPLE).filter((p) => evaluateSegment(tree, p.subject, NOW)),
      );
      expect(await preview(tree, 2)).toEqual({ count: expected.length, sample: expected.slice(0, 2) });
    }
  });

  it("compiles trees over contact rows alone to a plain WHERE, and the rest to a set", () => {
    const rows = compileSegment(leaf("status", "eq", "lead"), NOW);
    expect(rows).toEqual({ lets: [], where: "status = $sg0", vars: { sg0: "lead" } });
    const sets = compileSegment(leaf("campaign.opened", "eq", "spring"), NOW);
    expect(sets.ids).toBe("$sg_ids");
    expect(sets.where).toBe("id IN $sg_ids");
    expect(sets.lets).toEqual([
      "LET $sgs0 = <set>(SELECT VALUE contact FROM timeline_entry WHERE type = $sg0 AND metadata.campaign = $sg1);",
      "LET $sg_ids = <set>(SELECT VALUE id FROM <array>($sgs0));",
    ]);
    expect(sets.vars).toEqual({ sg0: "email_open", sg1: "spring" });
  });

  it("does not count an RSVP whose contact no longer exists", async () => {
    await db.query("CREATE rsvp CONTENT { event: event:ev2, contact: contact:gone, status: 'attended' }");
    try {
      expect(await preview(leaf("event.rsvp_status", "eq", "attended", "ev2"), 10)).toEqual({
        count: 0,
        sample: [],
      });
    } finally {
      await db.query("DELETE rsvp WHERE contact = contact:gone");
    }
  });

  it("binds every value: injection payloads never reach the SQL text and change nothing", async () => {
    const payloads = [
      "'; DELETE contact; --",
      '"; DELETE contact; --',
      "ada') OR true OR ('",
      "$auth",
      "contact:ada",
      "} ; REMOVE TABLE contact; {",
    ];
    for (const payload of payloads) {
      const unvalidated = (field: string, op: string, value: unknown): SegmentTree =>
        ({ field, op, value }) as SegmentLeaf;
      const trees: SegmentTree[] = [
        unvalidated("first_name", "eq", payload),
        unvalidated("company.name", "contains", payload),
        unvalidated("email", "in", [payload]),
        unvalidated("tags", "contains", payload),
        unvalidated("status", "nin", [payload]),
        unvalidated("campaign.clicked", "eq", payload),
        unvalidated("campaign.opened", "in", [payload, "spring"]),
        {
          or: [
            unvalidated("last_name", "starts_with", payload),
            unvalidated("activity.call", "is_empty", undefined),
          ],
        },
      ];
      for (const tree of trees) {
        const query = segmentQuery(tree, NOW, { limit: 10 });
        expect(query.sql).not.toContain(payload);
        // The payload travels as a bound value instead (lowercased for case-insensitive fields).
        expect(JSON.stringify(query.vars).toLowerCase()).toContain(
          JSON.stringify(payload.toLowerCase()).slice(1, -1),
        );
        const results = await db.query(query.sql, query.vars);
        const people = withCompanies(EXAMPLE);
        const expected = people.filter((person) => evaluateSegment(tree, person.subject, NOW)).length;
        expect(results[query.countIndex]).toBe(expected);
      }
      // An event key that is not a record key never becomes a record id.
      expect(() =>
        compileSegment({ field: "event.rsvp_status", op: "eq", value: "attended", event: payload }, NOW),
      ).toThrow(TypeError);
    }
    const [count] = await db.query<[number]>("RETURN count(SELECT VALUE id FROM contact)");
    expect(count).toBe(EXAMPLE.people.length);
  });

  it("refuses trees that skipped validation instead of guessing", () => {
    expect(() =>
      compileSegment({ field: "nope", op: "eq", value: "x" } as unknown as SegmentLeaf, NOW),
    ).toThrow(TypeError);
    expect(() => compileSegment({ field: "tags", op: "gt", value: 1 } as SegmentLeaf, NOW)).toThrow(
      TypeError,
    );
    expect(() => compileSegment({ field: "status", op: "eq", value: 1 } as SegmentLeaf, NOW)).toThrow(
      TypeError,
    );
  });
});

describe("ENGAGEMENT_LEVEL_RANGES", () => {
  it("agrees with engagementLevel() on both sides of every boundary", () => {
    for (const level of ENGAGEMENT_LEVELS) {
      const { above, upTo } = ENGAGEMENT_LEVEL_RANGES[level];
      if (upTo !== undefined) {
        expect(engagementLevel(upTo)).toBe(level);
        expect(engagementLevel(upTo + 0.01)).not.toBe(level);
      }
      if (above !== undefined) {
        expect(engagementLevel(above)).not.toBe(level);
        expect(engagementLevel(above + 0.01)).toBe(level);
      }
    }
  });
});

/** The evaluator's view: each person with the company their link points at (null when dangling). */
function withCompanies(dataset: Dataset): Person[] {
  return dataset.people.map((person) => ({
    ...person,
    subject: {
      ...person.subject,
      company: (person.companyKey && dataset.companies[person.companyKey]) || null,
    },
  }));
}

// ---------------------------------------------------------------------------------------------------
// Properties: random contacts, random trees; the database and the evaluator must agree exactly.

const COMPANIES: Record<string, SegmentCompany> = {
  acme: { name: "Acme Corp", domain: "acme.com", industry: "Fintech", size: "11-50" },
  globex: { name: "Globex" },
  initech: { name: "Initech", domain: "initech.io", industry: "fintech", size: "201-500" },
  emile: { name: "Émile & Fils", industry: "Wine", size: "1-10" },
};
const COMPANY_KEYS = [...Object.keys(COMPANIES), "ghost"];
const FIRST_NAMES = ["Ada", "ada", "ADA", "Bob", "Émile", "Zoë", "Al"];
const LAST_NAMES = ["Lovelace", "Byron", "Hopper", "de la Cruz"];
const PHONES = ["+1 555 0100", "020 7946 0958"];
const LINKEDIN = ["https://www.linkedin.com/in/ada-l", "https://linkedin.com/in/bob_b"];
const TAG_POOL = ["vip", "beta", "founder", "investor-x"];
const SCORES = [0, 10, 20, 20.5, 40, 41, 60, 60.01, 80, 80.5, 100];
const DAY_OFFSETS = [0.25, 1, 2, 7, 8, 30, 31, 90, 400];
const WINDOWS = [1, 2, 7, 8, 30, 90];
const ENTRY_TYPES = ["email_open", "email_click", "call", "note", "meeting", "task"];
const CAMPAIGNS = ["spring", "summer", "fall"];
const TEXT_VALUES = [
  "ada",
  "ADA",
  "bob",
  "émile",
  "zoë",
  "a",
  "love",
  "acme",
  "acme corp",
  "acme.com",
  "fintech",
  "555",
  "linkedin.com/in",
  "x",
];

/** A time N days (plus a few minutes either way, sometimes) before NOW. */
const pastTime = fc
  .tuple(fc.constantFrom(...DAY_OFFSETS), fc.constantFrom(0, 0, 0, -5, 5))
  .map(([days, minutes]) => new Date(NOW.getTime() - days * DAY + minutes * 60_000));

const entryArb = fc
  .tuple(fc.constantFrom(...ENTRY_TYPES), pastTime, fc.constantFrom(...CAMPAIGNS), fc.boolean())
  .map(([type, timestamp, campaign, future]) => ({
    type,
    // A task may be due later: a future timestamp that still counts as "recent".
    timestamp: type === "task" && future ? new Date(NOW.getTime() + DAY) : timestamp,
    metadata: type === "email_open" || type === "email_click" ? { campaign } : {},
  }));

const personArb = (index: number) =>
  fc
    .record({
      first_name: fc.constantFrom(...FIRST_NAMES),
      last_name: fc.constantFrom(...LAST_NAMES),
      phone: fc.option(fc.constantFrom(...PHONES), { nil: undefined }),
      linkedin_url: fc.option(fc.constantFrom(...LINKEDIN), { nil: undefined }),
      tags: fc.subarray(TAG_POOL),
      status: fc.constantFrom(...CONTACT_STATUSES),
      engagement_score: fc.constantFrom(...SCORES),
      created_at: pastTime,
      updated_at: pastTime,
      companyKey: fc.option(fc.constantFrom(...COMPANY_KEYS), { nil: undefined }),
      timeline: fc.array(entryArb, { maxLength: 5 }),
      rsvps: fc.tuple(
        fc.option(fc.constantFrom(...RSVP_STATUSES), { nil: undefined }),
        fc.option(fc.constantFrom(...RSVP_STATUSES), { nil: undefined }),
      ),
    })
    .map(
      ({ companyKey, rsvps, ...fields }): Person => ({
        key: `p${index}`,
        ...(companyKey ? { companyKey } : {}),
        subject: {
          ...fields,
          email: `p${index}.${fields.last_name.replaceAll(" ", "").toLowerCase()}@example.com`,
          company: null,
          rsvps: rsvps.flatMap((status, at) => (status ? [{ event: EVENTS[at] ?? "ev1", status }] : [])),
        },
      }),
    );

const PEOPLE = 30;
const datasetArb: fc.Arbitrary<Dataset> = fc
  .tuple(...Array.from({ length: PEOPLE }, (_, index) => personArb(index)))
  .map((people) => ({ companies: COMPANIES, people }));

const list = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1, maxLength: 3 });

/** Raw leaves, parsed by the schema before use (so they are exactly what the API would accept). */
const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    field: fc.constantFrom(
      "first_name",
      "last_name",
      "email",
      "phone",
      "linkedin_url",
      "company.name",
      "company.domain",
      "company.industry",
    ),
    op: fc.constantFrom("eq", "neq", "contains", "not_contains", "starts_with"),
    value: fc.constantFrom(
      ...TEXT_VALUES,
      ...FIRST_NAMES,
      ...LAST_NAMES,
      "Acme Corp",
      "initech.io",
      "Globex",
    ),
  }),
  fc.record({
    field: fc.constantFrom("first_name", "last_name", "company.name", "company.industry", "company.domain"),
    op: fc.constantFrom("in", "nin"),
    value: list([...FIRST_NAMES, "Lovelace", "acme corp", "FINTECH", "acme.com"]),
  }),
  fc.record({
    field: fc.constantFrom("phone", "linkedin_url", "company.name", "company.domain", "company.industry"),
    op: fc.constantFrom("is_empty", "is_not_empty"),
  }),
  fc.record({
    field: fc.constant("status"),
    op: fc.constantFrom("eq", "neq"),
    value: fc.constantFrom(...CONTACT_STATUSES),
  }),
  fc.record({
    field: fc.constant("status"),
    op: fc.constantFrom("in", "nin"),
    value: list(CONTACT_STATUSES),
  }),
  fc.record({
    field: fc.constant("company.size"),
    op: fc.constantFrom("eq", "neq"),
    value: fc.constantFrom(...COMPANY_SIZES.slice(0, 5)),
  }),
  fc.record({
    field: fc.constant("company.size"),
    op: fc.constantFrom("in", "nin"),
    value: list(COMPANY_SIZES.slice(0, 5)),
  }),
  fc.record({ field: fc.constant("company.size"), op: fc.constantFrom("is_empty", "is_not_empty") }),
  fc.record({
    field: fc.constant("engagement_level"),
    op: fc.constantFrom("eq", "neq"),
    value: fc.constantFrom(...ENGAGEMENT_LEVELS),
  }),
  fc.record({
    field: fc.constant("engagement_level"),
    op: fc.constantFrom("in", "nin"),
    value: list(ENGAGEMENT_LEVELS),
  }),
  fc.record({
    field: fc.constant("engagement_score"),
    op: fc.constantFrom("eq", "neq", "gt", "gte", "lt", "lte"),
    value: fc.oneof(fc.constantFrom(...SCORES), fc.integer({ min: 0, max: 100 })),
  }),
  fc.record({
    field: fc.constant("tags"),
    op: fc.constantFrom("contains", "not_contains"),
    value: fc.constantFrom(...TAG_POOL, "nope"),
  }),
  fc.record({
    field: fc.constant("tags"),
    op: fc.constantFrom("in", "nin"),
    value: list([...TAG_POOL, "nope"]),
  }),
  fc.record({ field: fc.constant("tags"), op: fc.constantFrom("is_empty", "is_not_empty") }),
  fc.record({
    field: fc.constantFrom("created_at", "updated_at"),
    op: fc.constantFrom("gt", "gte", "lt", "lte"),
    value: pastTime.map((date) => date.toISOString()),
  }),
  fc.record({
    field: fc.constantFrom("created_at", "updated_at"),
    op: fc.constantFrom("within_last", "older_than"),
    value: fc.constantFrom(...WINDOWS),
  }),
  fc.record({
    field: fc.constantFrom(...ENTRY_TYPES, "form_submission").map((type) => `activity.${type}`),
    op: fc.constantFrom("is_empty", "is_not_empty"),
  }),
  fc.record({
    field: fc.constantFrom(...ENTRY_TYPES).map((type) => `activity.${type}`),
    op: fc.constantFrom("within_last", "older_than"),
    value: fc.constantFrom(...WINDOWS),
  }),
  fc.record({
    field: fc.constantFrom("campaign.opened", "campaign.clicked"),
    op: fc.constantFrom("eq", "neq"),
    value: fc.constantFrom(...CAMPAIGNS, "never"),
  }),
  fc.record({
    field: fc.constantFrom("campaign.opened", "campaign.clicked"),
    op: fc.constantFrom("in", "nin"),
    value: list([...CAMPAIGNS, "never"]),
  }),
  fc.record({
    field: fc.constant("event.rsvp_status"),
    op: fc.constantFrom("eq", "neq"),
    value: fc.constantFrom(...RSVP_STATUSES),
    event: fc.constantFrom(...EVENTS, "ev3"),
  }),
  fc.record({
    field: fc.constant("event.rsvp_status"),
    op: fc.constantFrom("in", "nin"),
    value: list(RSVP_STATUSES),
    event: fc.constantFrom(...EVENTS),
  }),
  fc.record({
    field: fc.constant("event.rsvp_status"),
    op: fc.constantFrom("is_empty", "is_not_empty"),
    event: fc.constantFrom(...EVENTS, "ev3"),
  }),
);

/** Trees up to 4 levels deep. */
const treeArb: fc.Arbitrary<SegmentTree> = fc
  .letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 3, depthIdentifier: "segment" },
      leafArb,
      fc.record({ and: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ or: fc.array(tie("node"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie("node") }),
    ),
  }))
  .node.map((raw) => SegmentTreeSchema.parse(raw));

describe("compileSegment ≡ evaluateSegment (property)", () => {
  const TREES_PER_DATASET = 25;
  const DATASETS = 4;

  it(`selects exactly the contacts the evaluator accepts (${DATASETS} datasets × ${TREES_PER_DATASET} trees)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        datasetArb,
        fc.array(treeArb, { minLength: TREES_PER_DATASET, maxLength: TREES_PER_DATASET }),
        async (dataset, trees) => {
          await seed(dataset);
          const people = withCompanies(dataset);
          for (const tree of trees) {
            const accepted = people.filter((person) => evaluateSegment(tree, person.subject, NOW));
            const expected = accepted.map((person) => person.key).sort();
            const where = await selectedByWhere(tree);
            const { count, sample } = await preview(tree, 7);
            const context = JSON.stringify(tree);
            expect(where, `where of ${context}`).toEqual(expected);
            expect(count, `count of ${context}`).toBe(expected.length);
            expect(sample, `sample of ${context}`).toEqual(newestFirst(accepted).slice(0, 7));
          }
        },
      ),
      { numRuns: DATASETS, endOnFailure: true },
    );
  }, 120_000);
});
