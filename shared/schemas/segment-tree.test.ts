import { describe, expect, it } from "vitest";
import { TIMELINE_TYPES } from "../domain/timeline-types.ts";
import {
  SEGMENT_FIELD_NAMES,
  SEGMENT_FIELDS,
  SEGMENT_LIMITS,
  type SegmentTree,
  SegmentTreeSchema,
} from "./segment-tree.ts";

function accepted(input: unknown): SegmentTree {
  const result = SegmentTreeSchema.safeParse(input);
  if (!result.success) {
    throw new Error(
      `expected ${JSON.stringify(input)} to be accepted: ${JSON.stringify(result.error.issues)}`,
    );
  }
  return result.data;
}

/** The issues as `path: message` lines, e.g. `and.1.op: unknown operator "foo"`. */
function problems(input: unknown): string[] {
  const result = SegmentTreeSchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

const leaf = (field: string, op: string, value?: unknown, extra: Record<string, unknown> = {}) => ({
  field,
  op,
  ...(value === undefined ? {} : { value }),
  ...extra,
});

/** A chain of `not` around a leaf, `levels` deep in total. */
function nested(levels: number): unknown {
  let node: unknown = leaf("tags", "is_empty");
  for (let level = 1; level < levels; level++) node = { not: node };
  return node;
}

describe("SegmentTreeSchema: valid trees", () => {
  const valid: [string, unknown][] = [
    ["string eq", leaf("first_name", "eq", "Ada")],
    ["string in", leaf("company.industry", "in", ["Fintech", "SaaS"])],
    ["string is_empty", leaf("phone", "is_empty")],
    ["string starts_with", leaf("email", "starts_with", "ada@")],
    ["enum eq", leaf("status", "eq", "customer")],
    ["enum nin", leaf("company.size", "nin", ["1-10", "10001+"])],
    ["optional enum is_empty", leaf("company.size", "is_empty")],
    ["engagement level", leaf("engagement_level", "in", ["hot", "champion"])],
    ["number gte", leaf("engagement_score", "gte", 40.5)],
    ["tags contains", leaf("tags", "contains", "founder")],
    ["tags in", leaf("tags", "in", ["vip", "beta"])],
    ["date gt", leaf("created_at", "gt", "2026-01-31T09:30:00Z")],
    ["date within_last", leaf("updated_at", "within_last", 30)],
    ["activity is_not_empty", leaf("activity.meeting", "is_not_empty")],
    ["activity older_than", leaf("activity.email_open", "older_than", 90)],
    ["campaign eq", leaf("campaign.opened", "eq", "spring_launch")],
    ["campaign nin", leaf("campaign.clicked", "nin", ["a1", "b2"])],
    ["rsvp eq", leaf("event.rsvp_status", "eq", "attended", { event: "webinar_1" })],
    ["rsvp is_empty", leaf("event.rsvp_status", "is_empty", undefined, { event: "webinar_1" })],
    [
      "nested groups",
      {
        and: [
          leaf("status", "eq", "lead"),
          { or: [leaf("tags", "contains", "vip"), { not: leaf("activity.call", "within_last", 7) }] },
        ],
      },
    ],
  ];
  it.each(valid)("accepts %s", (_, tree) => {
    expect(accepted(tree)).toBeTruthy();
  });

  it("has an activity field for every timeline type", () => {
    for (const type of TIMELINE_TYPES) expect(SEGMENT_FIELDS[`activity.${type}`].type).toBe("activity");
    expect(SEGMENT_FIELD_NAMES).toContain("activity.status_change");
  });

  it("normalises values: text trimmed, tags lowercased, lists deduplicated", () => {
    expect(
      accepted({ and: [leaf("first_name", "eq", "  Ada "), leaf("tags", "in", ["VIP", " vip", "Beta"])] }),
    ).toEqual({ and: [leaf("first_name", "eq", "Ada"), leaf("tags", "in", ["vip", "beta"])] });
  });

  it("accepts the limits themselves: depth 8, 20 children, 50 conditions", () => {
    accepted(nested(SEGMENT_LIMITS.depth));
    accepted({ or: Array.from({ length: SEGMENT_LIMITS.children }, () => leaf("tags", "is_empty")) });
    const fifty = Array.from({ length: 5 }, () => ({
      and: Array.from({ length: 10 }, () => leaf("tags", "is_empty")),
    }));
    accepted({ or: fifty });
  });
});

describe("SegmentTreeSchema: refusals point into the tree", () => {
  it("an unknown field", () => {
    expect(problems({ and: [leaf("status", "eq", "lead"), leaf("foo", "eq", "x")] })).toEqual([
      'and.1.field: unknown field "foo"',
    ]);
  });

  it("a field name that is an Object.prototype member is unknown too", () => {
    expect(problems(leaf("toString", "eq", "x"))).toEqual(['field: unknown field "toString"']);
  });

  it("an operator that does not fit the field's type", () => {
    expect(problems({ or: [leaf("tags", "contains", "vip"), leaf("tags", "gt", 3)] })).toEqual([
      'or.1.op: operator "gt" does not apply to a tags field; use one of: contains, not_contains, in, nin, is_empty, is_not_empty',
    ]);
    expect(problems(leaf("created_at", "contains", "x"))[0]).toMatch(
      /^op: operator "contains" does not apply to a date field/,
    );
    expect(problems(leaf("activity.note", "eq", "x"))[0]).toMatch(/does not apply to an activity field/);
  });

  it("an operator of the type that this field does not have", () => {
    expect(problems(leaf("status", "is_empty"))).toEqual([
      'op: operator "is_empty" does not apply to the field "status"; use one of: eq, neq, in, nin',
    ]);
  });

  it("an unknown or missing operator", () => {
    expect(problems({ not: leaf("status", "like", "x") })).toEqual(['not.op: unknown operator "like"']);
    expect(problems({ field: "status" })).toEqual(["op: is required"]);
  });

  it.each([
    ["number as text", leaf("engagement_score", "gt", "50"), "value: must be a number from 0 to 100"],
    ["number out of range", leaf("engagement_score", "lt", 101), "value: must be a number from 0 to 100"],
    ["string as number", leaf("first_name", "eq", 5), "value: must be a string of 1 to 200 characters"],
    ["blank string", leaf("first_name", "eq", "   "), "value: must be a string of 1 to 200 characters"],
    [
      "long string",
      leaf("last_name", "contains", "x".repeat(201)),
      "value: must be a string of 1 to 200 characters",
    ],
    ["list for eq", leaf("first_name", "eq", ["a"]), "value: must be a string of 1 to 200 characters"],
    ["scalar for in", leaf("first_name", "in", "a"), "value: must be a list of 1 to 100 values"],
    ["empty list", leaf("status", "in", []), "value: must be a list of 1 to 100 values"],
    [
      "long list",
      leaf(
        "tags",
        "nin",
        Array.from({ length: 101 }, (_, i) => `t${i}`),
      ),
      "value: must be a list of 1 to 100 values",
    ],
    [
      "bad list item",
      leaf("status", "in", ["lead", "boss"]),
      "value.1: must be one of: lead, customer, partner, investor, other",
    ],
    [
      "enum member",
      leaf("engagement_level", "eq", "warm"),
      "value: must be one of: cold, warming, engaged, hot, champion",
    ],
    ["bad tag", leaf("tags", "contains", "no spaces"), "value: must be a tag: 1-50 letters, digits, - or _"],
    [
      "date without zone",
      leaf("created_at", "gt", "2026-01-31"),
      "value: must be an ISO 8601 date-time with a timezone, e.g. 2026-01-31T09:30:00Z",
    ],
    [
      "zero days",
      leaf("created_at", "within_last", 0),
      "value: must be a whole number of days from 1 to 3650",
    ],
    [
      "fractional days",
      leaf("activity.call", "older_than", 1.5),
      "value: must be a whole number of days from 1 to 3650",
    ],
    [
      "too many days",
      leaf("activity.call", "within_last", 3651),
      "value: must be a whole number of days from 1 to 3650",
    ],
    [
      "bad campaign id",
      leaf("campaign.opened", "eq", "x:y"),
      "value: must be a campaign id (1-64 letters, digits or underscores)",
    ],
    ["value for is_empty", leaf("tags", "is_empty", "x"), 'value: must be left out for operator "is_empty"'],
    ["no value for eq", leaf("status", "eq"), 'value: is required for operator "eq"'],
  ])("a bad value: %s", (_, tree, expected) => {
    expect(problems({ and: [leaf("tags", "is_empty"), tree] })).toEqual([`and.1.${expected}`]);
  });

  it("an RSVP condition without its event, or an event on another field", () => {
    expect(problems({ or: [leaf("event.rsvp_status", "eq", "attended")] })).toEqual([
      "or.0.event: is required for event.rsvp_status: the id of the event",
    ]);
    expect(problems(leaf("event.rsvp_status", "eq", "attended", { event: "a:b" }))).toEqual([
      "event: must be an event id (1-64 letters, digits or underscores)",
    ]);
    expect(problems(leaf("status", "eq", "lead", { event: "e1" }))).toEqual([
      "event: only applies to event.rsvp_status",
    ]);
  });

  it("unknown keys, one issue per key at its own path", () => {
    expect(problems({ and: [leaf("status", "eq", "lead", { extra: 1 })], or: [] })).toEqual([
      "or: is not a known field",
      "and.0.extra: is not a known field",
    ]);
    expect(problems({ not: leaf("tags", "is_empty"), field: "x" })).toEqual(["field: is not a known field"]);
  });

  it("a node that is not a group or a condition", () => {
    expect(problems(null)[0]).toMatch(/^: must be a condition \{field, op, value\} or a group/);
    expect(problems({ and: [leaf("tags", "is_empty"), "status = lead"] })[0]).toMatch(
      /^and\.1: must be a condition/,
    );
    expect(problems({ and: [[]] })[0]).toMatch(/^and\.0: must be a condition/);
  });

  it("a group with no children, too many, or not a list", () => {
    expect(problems({ and: [] })).toEqual(["and: must be a list of 1 to 20 conditions"]);
    expect(problems({ or: Array.from({ length: 21 }, () => leaf("tags", "is_empty")) })).toEqual([
      "or: must be a list of 1 to 20 conditions",
    ]);
    expect(problems({ not: { and: leaf("tags", "is_empty") } })).toEqual([
      "not.and: must be a list of 1 to 20 conditions",
    ]);
  });

  it("nesting deeper than 8 levels, at the node that is too deep", () => {
    expect(problems(nested(SEGMENT_LIMITS.depth + 1))).toEqual([
      `${Array.from({ length: SEGMENT_LIMITS.depth }, () => "not").join(".")}: is nested too deeply: at most 8 levels`,
    ]);
  });

  it("refuses absurd nesting quickly, without recursing through it", () => {
    expect(problems(nested(100_000))).toHaveLength(1);
  });

  it("more than 50 conditions, at the 51st", () => {
    const groups = Array.from({ length: 6 }, () => ({
      and: Array.from({ length: 10 }, () => leaf("tags", "is_empty")),
    }));
    expect(problems({ or: groups })).toEqual([
      "or.5.and.0: is one condition too many: a segment has at most 50",
    ]);
  });

  it("reports every problem in one pass", () => {
    expect(
      problems({
        and: [leaf("foo", "eq", "x"), { or: [leaf("tags", "gt", 1), leaf("status", "eq", "boss")] }],
      }),
    ).toHaveLength(3);
  });
});
