import { z } from "zod";
import { CONTACT_STATUSES } from "../domain/contact-status.ts";
import { ENGAGEMENT_LEVELS } from "../domain/engagement.ts";
import { RSVP_STATUSES } from "../domain/rsvp.ts";
import { TIMELINE_TYPE_DESCRIPTIONS, TIMELINE_TYPES, type TimelineType } from "../domain/timeline-types.ts";
import { isValidTag, LIMITS, normalizeTag } from "../domain/validation.ts";
import { RECORD_KEY_PATTERN, RecordKeySchema, TimestampSchema } from "./common.ts";
import { COMPANY_SIZES } from "./company.ts";

/**
 * Segments (PRODUCT.md): a tree of `{and: [...]}`, `{or: [...]}`, `{not: ...}` and conditions
 * `{field, op, value?, event?}` over an allow-list of fields. This file is the one definition of that
 * tree: the API validates with it, the compiler (shared/db/segment-compiler.ts) and the in-memory
 * evaluator (shared/domain/segment-eval.ts) read its registry, and the dashboard's builder can render
 * its fields and operators.
 */

export const SEGMENT_OPS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "nin",
  "contains",
  "not_contains",
  "starts_with",
  "is_empty",
  "is_not_empty",
  "within_last",
  "older_than",
] as const;
export type SegmentOp = (typeof SEGMENT_OPS)[number];

export const SEGMENT_FIELD_TYPES = [
  "string",
  "enum",
  "number",
  "tags",
  "date",
  "activity",
  "campaign",
  "rsvp",
] as const;
export type SegmentFieldType = (typeof SEGMENT_FIELD_TYPES)[number];

/** Operators per field type. Comparisons of strings are case-insensitive. */
export const STRING_OPS = [
  "eq",
  "neq",
  "in",
  "nin",
  "contains",
  "not_contains",
  "starts_with",
  "is_empty",
  "is_not_empty",
] as const satisfies readonly SegmentOp[];
export const ENUM_OPS = ["eq", "neq", "in", "nin"] as const satisfies readonly SegmentOp[];
/** An enum that may be missing (company.size) can also be tested for presence. */
export const OPTIONAL_ENUM_OPS = [
  ...ENUM_OPS,
  "is_empty",
  "is_not_empty",
] as const satisfies readonly SegmentOp[];
export const NUMBER_OPS = ["eq", "neq", "gt", "gte", "lt", "lte"] as const satisfies readonly SegmentOp[];
/** contains: has the tag; in: has any of them; nin: has none of them. */
export const TAGS_OPS = [
  "contains",
  "not_contains",
  "in",
  "nin",
  "is_empty",
  "is_not_empty",
] as const satisfies readonly SegmentOp[];
export const DATE_OPS = [
  "gt",
  "gte",
  "lt",
  "lte",
  "within_last",
  "older_than",
] as const satisfies readonly SegmentOp[];
/** is_not_empty: has an entry of the type; within_last N: one dated in the last N days (or later). */
export const ACTIVITY_OPS = [
  "is_empty",
  "is_not_empty",
  "within_last",
  "older_than",
] as const satisfies readonly SegmentOp[];
/** eq: opened/clicked that campaign; in: any of them; neq/nin: the negations. */
export const CAMPAIGN_OPS = ["eq", "neq", "in", "nin"] as const satisfies readonly SegmentOp[];
export const RSVP_OPS = [
  "eq",
  "neq",
  "in",
  "nin",
  "is_empty",
  "is_not_empty",
] as const satisfies readonly SegmentOp[];

export interface SegmentFieldSpec {
  readonly type: SegmentFieldType;
  readonly ops: readonly SegmentOp[];
  /** The allowed values of an enum or RSVP field. */
  readonly values?: readonly string[];
  /** Stored trimmed and lowercased already, so a case-insensitive comparison needs no conversion. */
  readonly storedLowercase?: boolean;
  readonly description: string;
}

export const SEGMENT_LIMITS = {
  /** Children of one `and` / `or`. */
  children: 20,
  /** Levels of nesting, the root being level 1. */
  depth: 8,
  /** Conditions in the whole tree. */
  leaves: 50,
  valueLength: 200,
  listLength: 100,
  days: 3650,
} as const;

const text = (description: string, storedLowercase = false): SegmentFieldSpec => ({
  type: "string",
  ops: STRING_OPS,
  description,
  ...(storedLowercase ? { storedLowercase } : {}),
});

const BASE_FIELDS = {
  first_name: text("The contact's first name."),
  last_name: text("The contact's last name."),
  email: text("The contact's email address.", true),
  phone: text("The contact's phone number (empty when unknown)."),
  linkedin_url: text("The contact's LinkedIn profile URL (empty when unknown)."),
  "company.name": text("The name of the contact's company (empty without a company)."),
  "company.domain": text("The domain of the contact's company.", true),
  "company.industry": text("The industry of the contact's company."),
  status: {
    type: "enum",
    ops: ENUM_OPS,
    values: CONTACT_STATUSES,
    description: "The contact's lifecycle status.",
  },
  "company.size": {
    type: "enum",
    ops: OPTIONAL_ENUM_OPS,
    values: COMPANY_SIZES,
    description: "The headcount band of the contact's company (empty when unknown or without a company).",
  },
  engagement_level: {
    type: "enum",
    ops: ENUM_OPS,
    values: ENGAGEMENT_LEVELS,
    description:
      "Band of the engagement score: 0-20 cold, 21-40 warming, 41-60 engaged, 61-80 hot, 81-100 champion.",
  },
  engagement_score: {
    type: "number",
    ops: NUMBER_OPS,
    description: "Engagement score, 0 to 100, derived from the timeline.",
  },
  tags: { type: "tags", ops: TAGS_OPS, description: "The contact's tags." },
  created_at: { type: "date", ops: DATE_OPS, description: "When the contact was created." },
  updated_at: { type: "date", ops: DATE_OPS, description: "When the contact was last edited." },
  "campaign.opened": {
    type: "campaign",
    ops: CAMPAIGN_OPS,
    description: "Campaigns whose email the contact opened (value: campaign ids).",
  },
  "campaign.clicked": {
    type: "campaign",
    ops: CAMPAIGN_OPS,
    description: "Campaigns whose email the contact clicked (value: campaign ids).",
  },
  "event.rsvp_status": {
    type: "rsvp",
    ops: RSVP_OPS,
    values: RSVP_STATUSES,
    description: "The contact's RSVP status for the event given in `event` (is_empty: no RSVP).",
  },
} satisfies Record<string, SegmentFieldSpec>;

export type ActivityField = `activity.${TimelineType}`;
export type SegmentField = keyof typeof BASE_FIELDS | ActivityField;

/** `activity.<type>` for every timeline type, so a new type is segmentable as soon as it exists. */
function activityFields(): Record<ActivityField, SegmentFieldSpec> {
  const fields = {} as Record<ActivityField, SegmentFieldSpec>;
  for (const type of TIMELINE_TYPES) {
    fields[`activity.${type}`] = {
      type: "activity",
      ops: ACTIVITY_OPS,
      description: `Timeline entries of type ${type}: ${TIMELINE_TYPE_DESCRIPTIONS[type]}`,
    };
  }
  return fields;
}
const ACTIVITY_FIELDS = activityFields();

/** The allow-list: every field a segment may test, with its type and operators. */
export const SEGMENT_FIELDS: Readonly<Record<SegmentField, SegmentFieldSpec>> = {
  ...BASE_FIELDS,
  ...ACTIVITY_FIELDS,
};
export const SEGMENT_FIELD_NAMES = Object.keys(SEGMENT_FIELDS) as [SegmentField, ...SegmentField[]];

/** The field's spec, or undefined for a name that is not on the allow-list (own keys only). */
export function segmentFieldSpec(name: string): SegmentFieldSpec | undefined {
  return Object.hasOwn(SEGMENT_FIELDS, name) ? SEGMENT_FIELDS[name as SegmentField] : undefined;
}

/** The timeline type an `activity.<type>` field tests. */
export function activityType(field: SegmentField): TimelineType | undefined {
  const type = field.startsWith("activity.") ? field.slice("activity.".length) : undefined;
  return type !== undefined && (TIMELINE_TYPES as readonly string[]).includes(type)
    ? (type as TimelineType)
    : undefined;
}

export type SegmentValue = string | number | string[];

export interface SegmentLeaf {
  field: SegmentField;
  op: SegmentOp;
  value?: SegmentValue;
  /** The event an `event.rsvp_status` condition is about (its id). */
  event?: string;
}

export type SegmentTree = { and: SegmentTree[] } | { or: SegmentTree[] } | { not: SegmentTree } | SegmentLeaf;

// ---------------------------------------------------------------------------------------------------
// Validation. A zod union of the four node shapes would report "Invalid input" at the node for every
// mistake; walking the tree by hand gives each problem its own path (`and.1.op`) and a message that
// says what is wrong. The walk also bounds depth and size before anything recursive runs.

type Path = (string | number)[];

/** One problem with a candidate tree, at its path inside the tree. */
export interface SegmentTreeProblem {
  path: Path;
  message: string;
}

interface Walk {
  problems: SegmentTreeProblem[];
  leaves: number;
}

const NODE_MESSAGE =
  "must be a condition {field, op, value} or a group {and: [...]}, {or: [...]} or {not: {...}}";
const LEAF_KEYS = new Set(["field", "op", "value", "event"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reports keys the node may not have, one problem per key at its own path (as the API reports unknown
 * body fields). Not zod's `unrecognized_keys` code: that one does not stop a pipe, so the structural
 * parse would run anyway and add a vague "invalid input".
 */
function unknownKeys(
  node: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  path: Path,
  walk: Walk,
): string[] {
  const extra = Object.keys(node).filter((key) => !allowed.has(key));
  for (const key of extra) walk.problems.push({ path: [...path, key], message: "is not a known field" });
  return extra;
}

/** Checks one node and returns its normalised form, or undefined when it has problems. */
function walkNode(input: unknown, path: Path, depth: number, walk: Walk): SegmentTree | undefined {
  if (walk.leaves > SEGMENT_LIMITS.leaves) return undefined; // already refused; bound the work
  if (!isPlainObject(input)) {
    walk.problems.push({ path, message: NODE_MESSAGE });
    return undefined;
  }
  if (depth > SEGMENT_LIMITS.depth) {
    walk.problems.push({ path, message: `is nested too deeply: at most ${SEGMENT_LIMITS.depth} levels` });
    return undefined;
  }
  for (const group of ["and", "or"] as const) {
    if (group in input) return walkGroup(input, group, path, depth, walk);
  }
  if ("not" in input) {
    const extra = unknownKeys(input, new Set(["not"]), path, walk);
    const child = walkNode(input.not, [...path, "not"], depth + 1, walk);
    return child && extra.length === 0 ? { not: child } : undefined;
  }
  return walkLeaf(input, path, walk);
}

function walkGroup(
  input: Record<string, unknown>,
  group: "and" | "or",
  path: Path,
  depth: number,
  walk: Walk,
): SegmentTree | undefined {
  const extra = unknownKeys(input, new Set([group]), path, walk);
  const children = input[group];
  if (!Array.isArray(children) || children.length < 1 || children.length > SEGMENT_LIMITS.children) {
    walk.problems.push({
      path: [...path, group],
      message: `must be a list of 1 to ${SEGMENT_LIMITS.children} conditions`,
    });
    return undefined;
  }
  const nodes = children.map((child, index) => walkNode(child, [...path, group, index], depth + 1, walk));
  if (extra.length > 0 || nodes.some((node) => node === undefined)) return undefined;
  const valid = nodes as SegmentTree[];
  return group === "and" ? { and: valid } : { or: valid };
}

const ARTICLE: Record<SegmentFieldType, string> = {
  string: "a string",
  enum: "an enum",
  number: "a number",
  tags: "a tags",
  date: "a date",
  activity: "an activity",
  campaign: "a campaign",
  rsvp: "an RSVP",
};

function walkLeaf(input: Record<string, unknown>, path: Path, walk: Walk): SegmentLeaf | undefined {
  walk.leaves += 1;
  if (walk.leaves === SEGMENT_LIMITS.leaves + 1) {
    walk.problems.push({
      path,
      message: `is one condition too many: a segment has at most ${SEGMENT_LIMITS.leaves}`,
    });
    return undefined;
  }
  const before = walk.problems.length;
  const extra = unknownKeys(input, LEAF_KEYS, path, walk);

  const { field, op } = input;
  if (field === undefined) {
    walk.problems.push({
      path: [...path, "field"],
      message: extra.length > 0 ? NODE_MESSAGE : "is required",
    });
    return undefined;
  }
  const spec = typeof field === "string" ? segmentFieldSpec(field) : undefined;
  if (!spec) {
    const message = typeof field === "string" ? `unknown field "${field}"` : "must be a field name";
    walk.problems.push({ path: [...path, "field"], message });
    return undefined;
  }
  if (typeof op !== "string" || !(SEGMENT_OPS as readonly string[]).includes(op)) {
    const message =
      op === undefined
        ? "is required"
        : typeof op === "string"
          ? `unknown operator "${op}"`
          : "must be an operator";
    walk.problems.push({ path: [...path, "op"], message });
    return undefined;
  }
  if (!spec.ops.includes(op as SegmentOp)) {
    const sameType = Object.values(SEGMENT_FIELDS).some(
      (other) => other.type === spec.type && other.ops.includes(op as SegmentOp),
    );
    const subject = sameType ? `the field "${field}"` : `${ARTICLE[spec.type]} field`;
    walk.problems.push({
      path: [...path, "op"],
      message: `operator "${op}" does not apply to ${subject}; use one of: ${spec.ops.join(", ")}`,
    });
    return undefined;
  }
  const leaf: SegmentLeaf = { field: field as SegmentField, op: op as SegmentOp };
  const value = checkValue(spec, leaf.op, input.value, [...path, "value"], walk);
  if (value !== undefined) leaf.value = value;
  const event = checkEvent(spec, input.event, [...path, "event"], walk);
  if (event !== undefined) leaf.event = event;
  return walk.problems.length === before ? leaf : undefined;
}

function checkEvent(spec: SegmentFieldSpec, event: unknown, path: Path, walk: Walk): string | undefined {
  if (spec.type !== "rsvp") {
    if (event !== undefined) walk.problems.push({ path, message: "only applies to event.rsvp_status" });
    return undefined;
  }
  if (event === undefined) {
    walk.problems.push({ path, message: "is required for event.rsvp_status: the id of the event" });
    return undefined;
  }
  if (typeof event !== "string" || !RECORD_KEY_PATTERN.test(event)) {
    walk.problems.push({ path, message: "must be an event id (1-64 letters, digits or underscores)" });
    return undefined;
  }
  return event;
}

/** What a value must be, for one field type and operator. */
type ValueKind = "none" | "text" | "enum" | "number" | "tag" | "timestamp" | "days" | "key";

function valueKind(type: SegmentFieldType, op: SegmentOp): ValueKind {
  if (op === "is_empty" || op === "is_not_empty") return "none";
  if (op === "within_last" || op === "older_than") return "days";
  const scalar: Record<SegmentFieldType, ValueKind> = {
    string: "text",
    enum: "enum",
    rsvp: "enum",
    number: "number",
    tags: "tag",
    date: "timestamp",
    campaign: "key",
    activity: "none",
  };
  return scalar[type];
}

function checkValue(
  spec: SegmentFieldSpec,
  op: SegmentOp,
  value: unknown,
  path: Path,
  walk: Walk,
): SegmentValue | undefined {
  const kind = valueKind(spec.type, op);
  if (kind === "none") {
    if (value !== undefined) walk.problems.push({ path, message: `must be left out for operator "${op}"` });
    return undefined;
  }
  if (value === undefined) {
    walk.problems.push({ path, message: `is required for operator "${op}"` });
    return undefined;
  }
  if (op === "in" || op === "nin") return checkList(spec, kind, value, path, walk);
  const checked = checkScalar(spec, kind, value);
  if (typeof checked === "object") {
    walk.problems.push({ path, message: checked.problem });
    return undefined;
  }
  return checked;
}

function checkList(
  spec: SegmentFieldSpec,
  kind: ValueKind,
  value: unknown,
  path: Path,
  walk: Walk,
): string[] | undefined {
  if (!Array.isArray(value) || value.length < 1 || value.length > SEGMENT_LIMITS.listLength) {
    walk.problems.push({ path, message: `must be a list of 1 to ${SEGMENT_LIMITS.listLength} values` });
    return undefined;
  }
  const items: string[] = [];
  value.forEach((item: unknown, index) => {
    const checked = checkScalar(spec, kind, item);
    if (typeof checked === "object") walk.problems.push({ path: [...path, index], message: checked.problem });
    else items.push(String(checked));
  });
  return items.length === value.length ? [...new Set(items)] : undefined;
}

/** The normalised value, or the problem with it. */
function checkScalar(
  spec: SegmentFieldSpec,
  kind: ValueKind,
  value: unknown,
): string | number | { problem: string } {
  switch (kind) {
    case "text": {
      const trimmed = typeof value === "string" ? value.trim() : "";
      return trimmed.length >= 1 && trimmed.length <= SEGMENT_LIMITS.valueLength
        ? trimmed
        : { problem: `must be a string of 1 to ${SEGMENT_LIMITS.valueLength} characters` };
    }
    case "enum":
      return typeof value === "string" && spec.values?.includes(value)
        ? value
        : { problem: `must be one of: ${spec.values?.join(", ")}` };
    case "number":
      return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 100
        ? value
        : { problem: "must be a number from 0 to 100" };
    case "tag": {
      const tag = typeof value === "string" ? normalizeTag(value) : "";
      return isValidTag(tag)
        ? tag
        : { problem: `must be a tag: 1-${LIMITS.tagLength} letters, digits, - or _` };
    }
    case "timestamp": {
      const parsed = TimestampSchema.safeParse(value);
      return parsed.success
        ? parsed.data
        : { problem: parsed.error.issues[0]?.message ?? "must be an ISO 8601 date-time" };
    }
    case "days":
      return typeof value === "number" &&
        Number.isInteger(value) &&
        value >= 1 &&
        value <= SEGMENT_LIMITS.days
        ? value
        : { problem: `must be a whole number of days from 1 to ${SEGMENT_LIMITS.days}` };
    case "key":
      return typeof value === "string" && RECORD_KEY_PATTERN.test(value)
        ? value
        : { problem: "must be a campaign id (1-64 letters, digits or underscores)" };
    case "none":
      return { problem: "must be left out" };
  }
}

/** Every problem with a candidate tree, each with its path inside the tree. */
export function checkSegmentTree(input: unknown): { tree?: SegmentTree; problems: SegmentTreeProblem[] } {
  const walk: Walk = { problems: [], leaves: 0 };
  const tree = walkNode(input, [], 1, walk);
  return walk.problems.length === 0 && tree ? { tree, problems: [] } : { problems: walk.problems };
}

// ---------------------------------------------------------------------------------------------------
// The zod schema. The structure below is what OpenAPI documents (it renders as components that refer
// to themselves); the preprocess step in front of it does the real checking with precise paths, so
// the structural parse behind it only ever sees trees that already passed.

const LEAF_DESCRIPTION = [
  "One condition. Field types and their operators:",
  `string (${fieldsOfType("string")}): ${STRING_OPS.join(", ")}; case-insensitive; value a string (1-${SEGMENT_LIMITS.valueLength} characters) or, for in/nin, a list.`,
  `enum (${fieldsOfType("enum")}): ${ENUM_OPS.join(", ")} (company.size also is_empty, is_not_empty); values from the field's list.`,
  `number (engagement_score): ${NUMBER_OPS.join(", ")}; value 0-100.`,
  `tags: contains (has the tag), not_contains, in (has any), nin (has none), is_empty, is_not_empty.`,
  `date (created_at, updated_at): gt, gte, lt, lte with an ISO 8601 date-time; within_last / older_than with a number of days (1-${SEGMENT_LIMITS.days}).`,
  `activity (activity.<timeline type>): is_not_empty (has an entry of the type), is_empty, within_last N (one dated in the last N days), older_than N (has entries, none in the last N days).`,
  `campaign (campaign.opened, campaign.clicked): eq / neq a campaign id, in / nin a list of ids.`,
  `rsvp (event.rsvp_status, with \`event\`: the event id): eq, neq, in, nin over ${RSVP_STATUSES.join(", ")}; is_empty (no RSVP), is_not_empty.`,
  "is_empty / is_not_empty take no value; neq, nin and not_contains are the exact negations of eq, in and contains (a missing value is 'not equal').",
].join("\n");

function fieldsOfType(type: SegmentFieldType): string {
  return SEGMENT_FIELD_NAMES.filter((name) => SEGMENT_FIELDS[name].type === type).join(", ");
}

export const SegmentLeafSchema = z
  .strictObject({
    field: z.enum(SEGMENT_FIELD_NAMES),
    op: z.enum(SEGMENT_OPS),
    value: z
      .union([z.string(), z.number(), z.array(z.string())])
      .optional()
      .meta({ description: "Depends on the field and operator; left out for is_empty / is_not_empty." }),
    event: RecordKeySchema.optional().meta({ description: "The event's id; only for event.rsvp_status." }),
  })
  .meta({
    id: "SegmentCondition",
    description: LEAF_DESCRIPTION,
    example: { field: "tags", op: "contains", value: "founder" },
  });

const SegmentNodeSchema: z.ZodType<SegmentTree> = z
  .union([
    z.strictObject({
      get and() {
        return z.array(SegmentNodeSchema).min(1).max(SEGMENT_LIMITS.children);
      },
    }),
    z.strictObject({
      get or() {
        return z.array(SegmentNodeSchema).min(1).max(SEGMENT_LIMITS.children);
      },
    }),
    z.strictObject({
      get not() {
        return SegmentNodeSchema;
      },
    }),
    SegmentLeafSchema,
  ])
  .meta({ id: "SegmentNode", description: "A group (and / or / not) or a condition." });

export const SegmentTreeSchema = z
  .preprocess((input, ctx) => {
    const { tree, problems } = checkSegmentTree(input);
    for (const problem of problems)
      ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
    return tree ?? input;
  }, SegmentNodeSchema)
  .meta({
    id: "SegmentTree",
    description:
      `An audience: nested {"and": [...]}, {"or": [...]}, {"not": {...}} over conditions {field, op, value}. ` +
      `At most ${SEGMENT_LIMITS.depth} levels, ${SEGMENT_LIMITS.children} children per group and ` +
      `${SEGMENT_LIMITS.leaves} conditions. Errors name the path inside the tree, e.g. "and.1.op".`,
    example: {
      and: [
        { field: "status", op: "in", value: ["lead", "customer"] },
        { field: "tags", op: "contains", value: "founder" },
        { not: { field: "activity.email_open", op: "within_last", value: 30 } },
      ],
    },
  });
