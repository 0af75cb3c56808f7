import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { CONTACT_STATUSES } from "../domain/contact-status.ts";
import { MANUAL_TIMELINE_TYPES, TIMELINE_TYPES } from "../domain/timeline-types.ts";
import {
  EMAIL_EXAMPLES,
  LINKEDIN_EXAMPLES,
  NAME_EXAMPLES,
  PHONE_EXAMPLES,
  TAG_EXAMPLES,
} from "../domain/validation.examples.ts";
import {
  CONTACT_SORT_FIELDS,
  ContactCreateSchema,
  ContactListQuerySchema,
  ContactPatchSchema,
  TimelineEntryCreateSchema,
} from "./index.ts";

/** A short rendering of a test input for failure messages. */
function preview(input: unknown): string {
  const json = JSON.stringify(input) ?? String(input);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

/** Parses and returns the data, failing the test with the issues when the input is refused. */
function accepted<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new Error(`expected ${preview(input)} to be accepted: ${JSON.stringify(result.error.issues)}`);
  }
  return result.data;
}

/** Parses and returns the issues, failing the test when the input is accepted. */
function refused(schema: z.ZodType, input: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${preview(input)} to be refused`);
  return result.error.issues;
}

/** The first path segment of every issue: the fields the error names. */
function fields(issues: readonly z.core.$ZodIssue[]): PropertyKey[] {
  return issues.map((issue) => issue.path[0] ?? "(root)");
}

function unrecognizedKeys(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => (issue.code === "unrecognized_keys" ? issue.keys : []));
}

const ADA = { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" } as const;

describe("ContactCreateSchema", () => {
  it("accepts the required fields and fills the defaults (status lead, no tags)", () => {
    expect(accepted(ContactCreateSchema, ADA)).toEqual({ ...ADA, status: "lead", tags: [] });
  });

  it("accepts every optional field", () => {
    const input = {
      ...ADA,
      phone: "+44 20 7946 0958",
      linkedin_url: "https://www.linkedin.com/in/ada-lovelace",
      tags: ["founder"],
      status: "customer",
      company: "k3x9q2m7w1z8c4v6b5n0",
    };
    expect(accepted(ContactCreateSchema, input)).toEqual(input);
  });

  it("normalises the email: trimmed and lowercased", () => {
    expect(accepted(ContactCreateSchema, { ...ADA, email: " Ada@Example.COM " }).email).toBe(
      "ada@example.com",
    );
  });

  it("trims names", () => {
    const data = accepted(ContactCreateSchema, { ...ADA, first_name: "  Ada ", last_name: "\tLovelace\n" });
    expect(data.first_name).toBe("Ada");
    expect(data.last_name).toBe("Lovelace");
  });

  it("trims phone and LinkedIn URL", () => {
    const data = accepted(ContactCreateSchema, {
      ...ADA,
      phone: " 555-0100 ",
      linkedin_url: " https://linkedin.com/in/ada ",
    });
    expect(data.phone).toBe("555-0100");
    expect(data.linkedin_url).toBe("https://linkedin.com/in/ada");
  });

  it("normalises tags and drops duplicates, keeping the first position", () => {
    const data = accepted(ContactCreateSchema, {
      ...ADA,
      tags: ["VIP", " Founder", " vip ", "founder", "AI"],
    });
    expect(data.tags).toEqual(["vip", "founder", "ai"]);
  });

  it("accepts 50 distinct tags, and more items when duplicates bring them down to 50", () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    expect(accepted(ContactCreateSchema, { ...ADA, tags: fifty }).tags).toEqual(fifty);
    const withDuplicates = [...fifty, ...fifty.map((tag) => tag.toUpperCase())];
    expect(accepted(ContactCreateSchema, { ...ADA, tags: withDuplicates }).tags).toEqual(fifty);
  });

  it("refuses 51 distinct tags", () => {
    const tags = Array.from({ length: 51 }, (_, i) => `t${i}`);
    expect(fields(refused(ContactCreateSchema, { ...ADA, tags }))).toEqual(["tags"]);
  });

  it.each(CONTACT_STATUSES)("accepts status %s", (status) => {
    expect(accepted(ContactCreateSchema, { ...ADA, status }).status).toBe(status);
  });

  it("accepts the valid example tables unchanged", () => {
    for (const email of EMAIL_EXAMPLES.valid)
      expect(accepted(ContactCreateSchema, { ...ADA, email }).email).toBe(email);
    for (const phone of PHONE_EXAMPLES.valid)
      expect(accepted(ContactCreateSchema, { ...ADA, phone }).phone).toBe(phone);
    for (const url of LINKEDIN_EXAMPLES.valid) {
      expect(accepted(ContactCreateSchema, { ...ADA, linkedin_url: url }).linkedin_url).toBe(url);
    }
    for (const name of NAME_EXAMPLES.valid) {
      expect(accepted(ContactCreateSchema, { ...ADA, first_name: name }).first_name).toBe(name);
    }
    expect(accepted(ContactCreateSchema, { ...ADA, tags: TAG_EXAMPLES.valid }).tags).toEqual(
      TAG_EXAMPLES.valid,
    );
  });

  it.each(["id", "engagement_score", "engagement_level", "created_at", "updated_at", "nickname"])(
    "rejects the unknown or server-owned key %s",
    (key) => {
      const issues = refused(ContactCreateSchema, { ...ADA, [key]: key === "engagement_score" ? 99 : "x" });
      expect(unrecognizedKeys(issues)).toEqual([key]);
    },
  );

  it("lists every unknown key at once", () => {
    const issues = refused(ContactCreateSchema, { ...ADA, id: "abc", engagement_score: 100 });
    expect(unrecognizedKeys(issues).sort()).toEqual(["engagement_score", "id"]);
  });

  it.each([
    ["first_name", ""],
    ["first_name", "   "],
    ["first_name", "x".repeat(101)],
    ["first_name", "Ada\nLovelace"],
    ["first_name", 42],
    ["last_name", ""],
    ["last_name", "Love\u0085lace"],
    ["email", "not-an-email"],
    ["email", "ada@example"],
    ["email", "ada..l@example.com"],
    ["email", "josé@example.com"],
    ["phone", "123"],
    ["phone", "555-CALL-NOW"],
    ["linkedin_url", "https://twitter.com/ada"],
    ["linkedin_url", "linkedin.com/in/ada"],
    ["tags", "vip"],
    ["status", "prospect"],
    ["status", "Lead"],
    ["company", "company:abc"],
    ["company", ""],
  ])("rejects %s = %j with an issue on that field", (field, value) => {
    expect(fields(refused(ContactCreateSchema, { ...ADA, [field]: value }))).toEqual([field]);
  });

  it("names the offending tag by its position", () => {
    const issues = refused(ContactCreateSchema, { ...ADA, tags: ["ok", "big deal"] });
    expect(issues.map((issue) => issue.path)).toEqual([["tags", 1]]);
  });

  it.each(["first_name", "last_name", "email"])("requires %s", (field) => {
    const input: Record<string, unknown> = { ...ADA };
    delete input[field];
    expect(fields(refused(ContactCreateSchema, input))).toEqual([field]);
  });

  it("refuses null for optional fields on create", () => {
    expect(fields(refused(ContactCreateSchema, { ...ADA, phone: null }))).toEqual(["phone"]);
    expect(fields(refused(ContactCreateSchema, { ...ADA, company: null }))).toEqual(["company"]);
  });
});

describe("ContactPatchSchema", () => {
  it("refuses an empty object", () => {
    const issues = refused(ContactPatchSchema, {});
    expect(issues.map((issue) => issue.message)).toEqual(["send at least one field to change"]);
  });

  it("refuses a body with only confirm_downgrade", () => {
    const issues = refused(ContactPatchSchema, { confirm_downgrade: true });
    expect(issues.map((issue) => issue.message)).toEqual(["send at least one field to change"]);
  });

  it("accepts confirm_downgrade with a status", () => {
    expect(accepted(ContactPatchSchema, { status: "lead", confirm_downgrade: true })).toEqual({
      status: "lead",
      confirm_downgrade: true,
    });
  });

  it.each([
    ["first_name", "Ada"],
    ["last_name", "Byron"],
    ["email", "ada@example.org"],
    ["phone", "555-0100"],
    ["linkedin_url", "https://linkedin.com/in/ada"],
    ["tags", ["vip"]],
    ["tags", []],
    ["status", "partner"],
    ["company", "acme"],
  ])("accepts a patch of only %s", (field, value) => {
    expect(accepted(ContactPatchSchema, { [field]: value })).toEqual({ [field]: value });
  });

  it("accepts null for phone, linkedin_url and company (clears them)", () => {
    const patch = { phone: null, linkedin_url: null, company: null };
    expect(accepted(ContactPatchSchema, patch)).toEqual(patch);
  });

  it.each(["first_name", "last_name", "email", "tags", "status", "confirm_downgrade"])(
    "refuses null for %s",
    (field) => {
      expect(fields(refused(ContactPatchSchema, { first_name: "Ada", [field]: null }))).toContain(field);
    },
  );

  it("normalises like create does", () => {
    expect(
      accepted(ContactPatchSchema, { email: " ADA@EXAMPLE.COM", first_name: " Ada ", tags: ["A", "a"] }),
    ).toEqual({ email: "ada@example.com", first_name: "Ada", tags: ["a"] });
  });

  it("refuses invalid values, naming the field", () => {
    expect(fields(refused(ContactPatchSchema, { email: "nope" }))).toEqual(["email"]);
    expect(fields(refused(ContactPatchSchema, { confirm_downgrade: "true", status: "lead" }))).toEqual([
      "confirm_downgrade",
    ]);
  });

  it.each(["id", "engagement_score", "created_at", "updated_at"])(
    "rejects the server-owned key %s",
    (key) => {
      expect(unrecognizedKeys(refused(ContactPatchSchema, { first_name: "Ada", [key]: "x" }))).toEqual([key]);
    },
  );
});

describe("ContactListQuerySchema", () => {
  it("defaults limit to 50 and sort to -created_at", () => {
    expect(accepted(ContactListQuerySchema, {})).toEqual({ limit: 50, sort: "-created_at" });
  });

  it.each([
    ["1", 1],
    ["25", 25],
    ["200", 200],
    [75, 75],
  ])("coerces limit %j to %d", (limit, expected) => {
    expect(accepted(ContactListQuerySchema, { limit }).limit).toBe(expected);
  });

  it.each(["201", "0", "-1", "1.5", "abc", ""])("refuses limit %j", (limit) => {
    expect(fields(refused(ContactListQuerySchema, { limit }))).toEqual(["limit"]);
  });

  it("accepts tag as a single string or an array (repeatable), normalising each", () => {
    expect(accepted(ContactListQuerySchema, { tag: " VIP " }).tag).toEqual(["vip"]);
    expect(accepted(ContactListQuerySchema, { tag: ["vip", "Founder"] }).tag).toEqual(["vip", "founder"]);
    expect(accepted(ContactListQuerySchema, {}).tag).toBeUndefined();
  });

  it("refuses an invalid tag, naming its position, and more than 20 tags", () => {
    expect(refused(ContactListQuerySchema, { tag: ["ok", "big deal"] }).map((issue) => issue.path)).toEqual([
      ["tag", 1],
    ]);
    const tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(fields(refused(ContactListQuerySchema, { tag: tags }))).toEqual(["tag"]);
  });

  it("accepts every sort field, ascending and descending", () => {
    expect(CONTACT_SORT_FIELDS).toContain("created_at");
    for (const field of CONTACT_SORT_FIELDS) {
      expect(accepted(ContactListQuerySchema, { sort: field }).sort).toBe(field);
      expect(accepted(ContactListQuerySchema, { sort: `-${field}` }).sort).toBe(`-${field}`);
    }
  });

  it.each(["phone", "-phone", "id", "+created_at", "--created_at", "CREATED_AT", "created_at,-email", ""])(
    "refuses sort %j",
    (sort) => {
      expect(fields(refused(ContactListQuerySchema, { sort }))).toEqual(["sort"]);
    },
  );

  it("filters by status, company, engagement range and creation date", () => {
    expect(
      accepted(ContactListQuerySchema, {
        status: "customer",
        company: "acme",
        min_engagement: "40",
        max_engagement: "80.5",
        created_after: "2026-01-31T09:30:00Z",
        search: "  ada ",
      }),
    ).toEqual({
      limit: 50,
      sort: "-created_at",
      status: "customer",
      company: "acme",
      min_engagement: 40,
      max_engagement: 80.5,
      created_after: "2026-01-31T09:30:00Z",
      search: "ada",
    });
  });

  it.each([
    ["status", "prospect"],
    ["min_engagement", "101"],
    ["max_engagement", "-1"],
    ["created_after", "2026-01-31"],
    ["company", "company:acme"],
    ["search", "   "],
    ["cursor", "c".repeat(1001)],
  ])("refuses %s = %j", (field, value) => {
    expect(fields(refused(ContactListQuerySchema, { [field]: value }))).toEqual([field]);
  });
});

describe("TimelineEntryCreateSchema", () => {
  const NOTE = { contact: "abc", type: "note", content: "Intro call: interested in the Q3 pilot." } as const;

  it("accepts a note and defaults metadata to {}", () => {
    expect(accepted(TimelineEntryCreateSchema, NOTE)).toEqual({ ...NOTE, metadata: {} });
  });

  it.each(MANUAL_TIMELINE_TYPES)("accepts the manual type %s", (type) => {
    expect(accepted(TimelineEntryCreateSchema, { ...NOTE, type }).type).toBe(type);
  });

  const automatic = TIMELINE_TYPES.filter(
    (type) => !(MANUAL_TIMELINE_TYPES as readonly string[]).includes(type),
  );

  it("leaves 15 automatic types that cannot be logged by hand", () => {
    expect(automatic).toHaveLength(15);
    // Custom events come through POST /api/analytics/track, not the timeline's create.
    expect(automatic).toContain("custom_event");
    expect(automatic).toContain("status_change");
    expect(automatic).toContain("email_open");
  });

  it.each([...automatic, "Note", "unknown"])("refuses type %s", (type) => {
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, type }))).toEqual(["type"]);
  });

  it("trims content and requires some", () => {
    expect(accepted(TimelineEntryCreateSchema, { ...NOTE, content: "  Called.\n" }).content).toBe("Called.");
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, content: " \n\t " }))).toEqual(["content"]);
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, content: "" }))).toEqual(["content"]);
    const { content: _content, ...withoutContent } = NOTE;
    expect(fields(refused(TimelineEntryCreateSchema, withoutContent))).toEqual(["content"]);
  });

  it("accepts content up to 10000 characters", () => {
    expect(
      accepted(TimelineEntryCreateSchema, { ...NOTE, content: "x".repeat(10_000) }).content,
    ).toHaveLength(10_000);
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, content: "x".repeat(10_001) }))).toEqual([
      "content",
    ]);
  });

  it("keeps JSON metadata", () => {
    const metadata = { duration_min: 25, link: "https://meet.example/abc", attendees: ["ada"], done: false };
    expect(accepted(TimelineEntryCreateSchema, { ...NOTE, metadata }).metadata).toEqual(metadata);
  });

  it.each([
    ["an array", ["a"]],
    ["a string", "note"],
    ["null", null],
    ["a non-JSON value", { when: new Date(0) }],
  ])("refuses metadata that is %s", (_label, metadata) => {
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, metadata }))).toEqual(["metadata"]);
  });

  it("refuses metadata with more than 50 keys", () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(accepted(TimelineEntryCreateSchema, { ...NOTE, metadata: fifty }).metadata).toEqual(fifty);
    const metadata = { ...fifty, k50: 50 };
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, metadata }))).toEqual(["metadata"]);
  });

  it("accepts 8192 bytes of metadata JSON and refuses 8193", () => {
    // {"k":"…"} is 8 bytes plus the value.
    const exact = { k: "x".repeat(8192 - 8) };
    expect(new TextEncoder().encode(JSON.stringify(exact)).length).toBe(8192);
    expect(accepted(TimelineEntryCreateSchema, { ...NOTE, metadata: exact }).metadata).toEqual(exact);
    const over = { k: "x".repeat(8192 - 7) };
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, metadata: over }))).toEqual(["metadata"]);
  });

  it("counts metadata size in UTF-8 bytes, not characters", () => {
    // 5000 × "é" is 5000 characters but 10000 bytes: 10008 bytes of JSON, over the 8192-byte limit.
    const metadata = { k: "é".repeat(5000) };
    expect(JSON.stringify(metadata).length).toBe(5008);
    expect(new TextEncoder().encode(JSON.stringify(metadata)).length).toBe(10_008);
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, metadata }))).toEqual(["metadata"]);
  });

  it.each([
    "2026-01-31T09:30:00Z",
    "2026-01-31T09:30:00.123Z",
    "2026-01-31T09:30:00+02:00",
    "2026-01-31T09:30:00.5-05:30",
  ])("accepts the timestamp %s", (timestamp) => {
    expect(accepted(TimelineEntryCreateSchema, { ...NOTE, timestamp }).timestamp).toBe(timestamp);
  });

  it.each([
    "2026-01-31T09:30:00", // no timezone
    "2026-01-31",
    "2026-01-31 09:30:00Z",
    "2026-02-30T09:30:00Z",
    "31/01/2026 09:30",
    "yesterday",
    "",
  ])("refuses the timestamp %j", (timestamp) => {
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, timestamp }))).toEqual(["timestamp"]);
  });

  it("refuses an invalid contact id and unknown keys", () => {
    expect(fields(refused(TimelineEntryCreateSchema, { ...NOTE, contact: "contact:abc" }))).toEqual([
      "contact",
    ]);
    expect(
      unrecognizedKeys(refused(TimelineEntryCreateSchema, { ...NOTE, id: "x", created_at: "x" })).sort(),
    ).toEqual(["created_at", "id"]);
  });
});
