import { describe, expect, it } from "vitest";
import type { SegmentLeaf, SegmentTree } from "../schemas/segment-tree.ts";
import { evaluateSegment, type SegmentSubject } from "./segment-eval.ts";

const NOW = new Date("2026-06-15T12:00:00.000Z");
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

const ada: SegmentSubject = {
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@example.com",
  phone: "+44 20 7946 0958",
  linkedin_url: null,
  tags: ["founder", "vip"],
  status: "customer",
  engagement_score: 42.5,
  created_at: daysAgo(100),
  updated_at: daysAgo(3),
  company: { name: "Analytical Engines", domain: "engines.example", industry: null, size: "11-50" },
  timeline: [
    { type: "email_open", timestamp: daysAgo(2), metadata: { campaign: "spring" } },
    { type: "email_click", timestamp: daysAgo(40), metadata: { campaign: "winter" } },
    { type: "call", timestamp: daysAgo(10), metadata: {} },
    { type: "email_open", timestamp: daysAgo(60), metadata: { campaign: "winter" } },
  ],
  rsvps: [{ event: "webinar", status: "registered" }],
};

/** A contact with nothing optional: no phone, no company, no tags, no timeline, no RSVPs. */
const bare: SegmentSubject = {
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
};

const leaf = (field: string, op: string, value?: SegmentLeaf["value"], event?: string): SegmentLeaf =>
  ({
    field,
    op,
    ...(value === undefined ? {} : { value }),
    ...(event === undefined ? {} : { event }),
  }) as SegmentLeaf;

/** [tree, does Ada match, does Bob match] */
type Case = [string, SegmentTree, boolean, boolean];

function check(cases: Case[]) {
  it.each(cases)("%s", (_, tree, adaMatches, bareMatches) => {
    expect(evaluateSegment(tree, ada, NOW)).toBe(adaMatches);
    expect(evaluateSegment(tree, bare, NOW)).toBe(bareMatches);
  });
}

describe("string fields (case-insensitive; missing counts as empty)", () => {
  check([
    ["eq", leaf("first_name", "eq", "ADA"), true, false],
    ["neq", leaf("first_name", "neq", "ada"), false, true],
    ["in", leaf("last_name", "in", ["byron", "LOVELACE"]), true, true],
    ["nin", leaf("last_name", "nin", ["byron"]), true, false],
    ["contains", leaf("email", "contains", "ADA@"), true, false],
    ["not_contains", leaf("email", "not_contains", "ada@"), false, true],
    ["starts_with", leaf("email", "starts_with", "Bob"), false, true],
    ["is_empty on a missing phone", leaf("phone", "is_empty"), false, true],
    ["is_not_empty", leaf("phone", "is_not_empty"), true, false],
    ["neq on a missing phone is true", leaf("phone", "neq", "123"), true, true],
    ["eq on a missing phone is false", leaf("linkedin_url", "eq", "x"), false, false],
    ["company.name without a company", leaf("company.name", "contains", "engine"), true, false],
    ["company.name is_empty without a company", leaf("company.name", "is_empty"), false, true],
    ["company.industry null is empty", leaf("company.industry", "is_empty"), true, true],
    ["company.domain eq", leaf("company.domain", "eq", "Engines.Example"), true, false],
    ["company.domain nin without a company", leaf("company.domain", "nin", ["x.com"]), true, true],
  ]);
});

describe("enum fields", () => {
  check([
    ["status eq", leaf("status", "eq", "customer"), true, false],
    ["status neq", leaf("status", "neq", "customer"), false, true],
    ["status in", leaf("status", "in", ["lead", "partner"]), false, true],
    ["status nin", leaf("status", "nin", ["lead", "partner"]), true, false],
    ["company.size eq", leaf("company.size", "eq", "11-50"), true, false],
    ["company.size neq without a company", leaf("company.size", "neq", "11-50"), false, true],
    ["company.size in", leaf("company.size", "in", ["11-50", "51-200"]), true, false],
    ["company.size nin without a company", leaf("company.size", "nin", ["11-50"]), false, true],
    ["company.size is_empty", leaf("company.size", "is_empty"), false, true],
    ["company.size is_not_empty", leaf("company.size", "is_not_empty"), true, false],
    ["engagement_level eq (42.5 is engaged)", leaf("engagement_level", "eq", "engaged"), true, false],
    ["engagement_level in", leaf("engagement_level", "in", ["cold", "hot"]), false, true],
    ["engagement_level neq", leaf("engagement_level", "neq", "cold"), true, false],
    ["engagement_level nin", leaf("engagement_level", "nin", ["engaged"]), false, true],
  ]);

  it("engagement levels follow the bands at their boundaries", () => {
    const level = (score: number) =>
      ["cold", "warming", "engaged", "hot", "champion"].find((name) =>
        evaluateSegment(leaf("engagement_level", "eq", name), { ...bare, engagement_score: score }, NOW),
      );
    expect([0, 20, 20.01, 40, 40.5, 60, 61, 80, 80.01, 100].map(level)).toEqual([
      "cold",
      "cold",
      "warming",
      "warming",
      "engaged",
      "engaged",
      "hot",
      "hot",
      "champion",
      "champion",
    ]);
  });
});

describe("engagement_score", () => {
  check([
    ["eq", leaf("engagement_score", "eq", 42.5), true, false],
    ["neq", leaf("engagement_score", "neq", 0), true, false],
    ["gt", leaf("engagement_score", "gt", 42.5), false, false],
    ["gte", leaf("engagement_score", "gte", 42.5), true, false],
    ["lt", leaf("engagement_score", "lt", 42.5), false, true],
    ["lte", leaf("engagement_score", "lte", 0), false, true],
  ]);
});

describe("tags (empty tags match no tag)", () => {
  check([
    ["contains", leaf("tags", "contains", "vip"), true, false],
    ["not_contains", leaf("tags", "not_contains", "vip"), false, true],
    ["in (any of)", leaf("tags", "in", ["beta", "founder"]), true, false],
    ["nin (none of)", leaf("tags", "nin", ["beta", "founder"]), false, true],
    ["is_empty", leaf("tags", "is_empty"), false, true],
    ["is_not_empty", leaf("tags", "is_not_empty"), true, false],
  ]);
});

describe("dates, with a fixed now", () => {
  const at = daysAgo(100).toISOString();
  check([
    ["gt", leaf("created_at", "gt", at), false, true],
    ["gte (equal instant)", leaf("created_at", "gte", at), true, true],
    ["lt", leaf("created_at", "lt", at), false, false],
    ["lte (equal instant)", leaf("created_at", "lte", at), true, false],
    ["within_last", leaf("updated_at", "within_last", 2), false, true],
    ["older_than", leaf("updated_at", "older_than", 2), true, false],
  ]);

  it("treats exactly N days ago as within the last N days, not older than N", () => {
    const subject = { ...bare, created_at: daysAgo(7) };
    expect(evaluateSegment(leaf("created_at", "within_last", 7), subject, NOW)).toBe(true);
    expect(evaluateSegment(leaf("created_at", "older_than", 7), subject, NOW)).toBe(false);
    const justBefore = { ...bare, created_at: new Date(daysAgo(7).getTime() - 1) };
    expect(evaluateSegment(leaf("created_at", "within_last", 7), justBefore, NOW)).toBe(false);
    expect(evaluateSegment(leaf("created_at", "older_than", 7), justBefore, NOW)).toBe(true);
  });
});

describe("activity", () => {
  check([
    ["has a call", leaf("activity.call", "is_not_empty"), true, false],
    ["has no meeting", leaf("activity.meeting", "is_empty"), true, true],
    ["an open within 2 days (boundary)", leaf("activity.email_open", "within_last", 2), true, false],
    ["an open within 1 day", leaf("activity.email_open", "within_last", 1), false, false],
    ["calls, none in the last 5 days", leaf("activity.call", "older_than", 5), true, false],
    ["calls, none in the last 30 days", leaf("activity.call", "older_than", 30), false, false],
  ]);

  it("counts a future-dated entry (a task due later) as recent", () => {
    const subject = {
      ...bare,
      timeline: [{ type: "task", timestamp: new Date(NOW.getTime() + DAY), metadata: {} }],
    };
    expect(evaluateSegment(leaf("activity.task", "within_last", 1), subject, NOW)).toBe(true);
    expect(evaluateSegment(leaf("activity.task", "older_than", 1), subject, NOW)).toBe(false);
  });
});

describe("campaign behaviour", () => {
  check([
    ["opened spring", leaf("campaign.opened", "eq", "spring"), true, false],
    ["did not open spring", leaf("campaign.opened", "neq", "spring"), false, true],
    ["clicked spring (only opened it)", leaf("campaign.clicked", "eq", "spring"), false, false],
    ["clicked any of", leaf("campaign.clicked", "in", ["spring", "winter"]), true, false],
    ["clicked none of", leaf("campaign.clicked", "nin", ["winter"]), false, true],
    ["opened none of", leaf("campaign.opened", "nin", ["autumn"]), true, true],
  ]);

  it("matches the campaign id exactly, not a substring or another type's metadata", () => {
    const subject = {
      ...bare,
      timeline: [
        { type: "email_sent", timestamp: daysAgo(1), metadata: { campaign: "spring" } },
        { type: "email_open", timestamp: daysAgo(1), metadata: { campaign: "spring2" } },
      ],
    };
    expect(evaluateSegment(leaf("campaign.opened", "eq", "spring"), subject, NOW)).toBe(false);
  });
});

describe("RSVP status for an event", () => {
  check([
    ["eq", leaf("event.rsvp_status", "eq", "registered", "webinar"), true, false],
    ["eq for another event", leaf("event.rsvp_status", "eq", "registered", "meetup"), false, false],
    [
      "neq (no RSVP counts as not equal)",
      leaf("event.rsvp_status", "neq", "registered", "webinar"),
      false,
      true,
    ],
    ["in", leaf("event.rsvp_status", "in", ["attended", "registered"], "webinar"), true, false],
    ["nin", leaf("event.rsvp_status", "nin", ["attended"], "webinar"), true, true],
    ["is_empty", leaf("event.rsvp_status", "is_empty", undefined, "webinar"), false, true],
    ["is_not_empty", leaf("event.rsvp_status", "is_not_empty", undefined, "webinar"), true, false],
  ]);
});

describe("and / or / not", () => {
  const isCustomer = leaf("status", "eq", "customer");
  const hasNoTags = leaf("tags", "is_empty");
  check([
    ["and: all", { and: [isCustomer, leaf("tags", "contains", "vip")] }, true, false],
    ["and: one fails", { and: [isCustomer, hasNoTags] }, false, false],
    ["or: any", { or: [isCustomer, hasNoTags] }, true, true],
    ["not", { not: isCustomer }, false, true],
    ["double not", { not: { not: isCustomer } }, true, false],
    [
      "nested",
      { or: [{ and: [{ not: hasNoTags }, isCustomer] }, { not: { or: [isCustomer, hasNoTags] } }] },
      true,
      false,
    ],
    ["single-child groups", { and: [{ or: [hasNoTags] }] }, false, true],
  ]);
});

describe("trees that skipped validation", () => {
  it("throw instead of silently matching nobody", () => {
    expect(() => evaluateSegment(leaf("status", "eq", 5), ada, NOW)).toThrow(TypeError);
    expect(() => evaluateSegment(leaf("status", "gt", "a"), ada, NOW)).toThrow(TypeError);
  });
});
