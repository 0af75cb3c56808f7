import type { EngagementLevel } from "../domain/engagement.ts";
import {
  activityType,
  type SegmentFieldSpec,
  type SegmentLeaf,
  type SegmentTree,
  segmentFieldSpec,
} from "../schemas/segment-tree.ts";
import { recordId } from "./record-id.ts";

/**
 * Compiles a segment tree (shared/schemas/segment-tree.ts) to SurrealQL over the `contact` table.
 * Every value is bound (`$sg0`, `$sg1`, …); identifiers come only from the field registry; record ids
 * are built with recordId(). Semantics are those of shared/domain/segment-eval.ts, which the property
 * tests compare this against.
 *
 * Why two kinds of plan. A condition on the contact row itself (name, tags, status, score, dates,
 * company fields through the record link) is a plain WHERE, which indexes can serve. A condition on
 * other tables (timeline behaviour, campaign opens/clicks, RSVPs) is turned into a SET of contact ids,
 * read once through the timeline/rsvp indexes, and combined with set::union / set::intersect /
 * set::complement. Measured on SurrealDB 3.0 (local engine, 20k contacts): a correlated subquery per
 * contact (`count(SELECT … WHERE contact = $parent.id …)`) is not served by the (contact, timestamp)
 * index and took ~11 ms per contact; `id IN $set` costs O(|set|) per row, because a parameter is
 * copied each time a row reads it (1,000 ids: ~7 s for 20k rows); whole-set operations on 20k ids
 * take well under a second. So per-row reads of a large set are avoided: a set-based tree is reduced
 * to one final set, and only its members are fetched.
 */

const DAY_MS = 86_400_000;

/**
 * Engagement levels as score ranges: above `above` (exclusive) and up to `upTo` (inclusive), the
 * bands of engagementLevel() in shared/domain/engagement.ts (0–20 cold, …, 81–100 champion; scores
 * have decimals, so 20.5 is warming). A test checks both agree at every boundary.
 */
export const ENGAGEMENT_LEVEL_RANGES: Readonly<Record<EngagementLevel, { above?: number; upTo?: number }>> = {
  cold: { upTo: 20 },
  warming: { above: 20, upTo: 40 },
  engaged: { above: 40, upTo: 60 },
  hot: { above: 60, upTo: 80 },
  champion: { above: 80 },
};

export interface CompiledSegment {
  /**
   * Statements to run first, in order (`LET $sgs0 = …;`). Empty when the tree only tests contact rows;
   * otherwise the last one defines `ids`.
   */
  lets: string[];
  /** A condition over `contact` rows: `SELECT … FROM contact WHERE ${where}` (after `lets`). */
  where: string;
  /**
   * When the tree reads other tables: the variable (`$sg_ids`) holding the set of matching contact
   * ids, and then `where` is `id IN $sg_ids`. That condition is right but reads the whole set for
   * every row, so iterate this set instead (`SELECT … FROM <array>$sg_ids`) wherever possible.
   */
  ids?: string;
  /** The bound values, `sg0`, `sg1`, …: pass them with the query. */
  vars: Record<string, unknown>;
}

/** A subtree compiled either to a row condition or to a set of contact ids (possibly complemented). */
type Plan = { kind: "row"; cond: string } | { kind: "set"; ids: string; negated: boolean };

class Compilation {
  readonly vars: Record<string, unknown> = {};
  readonly lets: string[] = [];
  #values = 0;
  #sets = 0;

  constructor(readonly now: Date) {}

  /** Binds a value and returns its placeholder. */
  bind(value: unknown): string {
    const name = `sg${this.#values++}`;
    this.vars[name] = value;
    return `$${name}`;
  }

  /** Defines a set variable from a query (or set expression) and returns its name. */
  set(expression: string): string {
    const name = `$sgs${this.#sets++}`;
    this.lets.push(`LET ${name} = <set>(${expression});`);
    return name;
  }

  /** The start of a "last N days" window. */
  since(leaf: SegmentLeaf): string {
    return this.bind(new Date(this.now.getTime() - numberValue(leaf) * DAY_MS));
  }
}

export function compileSegment(tree: SegmentTree, now: Date): CompiledSegment {
  const compilation = new Compilation(now);
  const plan = compileNode(tree, compilation);
  if (plan.kind === "row") return { lets: [], where: plan.cond, vars: compilation.vars };
  // Only existing contacts count: a set read from rsvp could name a contact that is gone.
  const members = plan.negated
    ? `set::complement(<set>(SELECT VALUE id FROM contact), ${plan.ids})`
    : `<set>(SELECT VALUE id FROM <array>(${plan.ids}))`;
  const lets = [...compilation.lets, `LET $sg_ids = ${members};`];
  return { lets, where: "id IN $sg_ids", ids: "$sg_ids", vars: compilation.vars };
}

export interface SegmentQuery {
  sql: string;
  vars: Record<string, unknown>;
  /** Index of the statement whose result is the number of matching contacts (the second to last). */
  countIndex: number;
  /** Index of the statement whose result is the first `limit` contacts, newest first (the last). */
  sampleIndex: number;
}

/**
 * One query answering a preview: how many contacts match, and the first `limit` of them, newest
 * first (created_at, then id, descending). Run it with DbClient.query and read
 * `results[countIndex]` (a number) and `results[sampleIndex]` (contact rows).
 */
export function segmentQuery(tree: SegmentTree, now: Date, options: { limit: number }): SegmentQuery {
  const compiled = compileSegment(tree, now);
  const vars = { ...compiled.vars, sg_limit: options.limit };
  const statements = compiled.ids
    ? [
        ...compiled.lets,
        `LET $sg_count = set::len(${compiled.ids});`,
        // Sorting {created_at, id} objects orders by created_at, then id. (ORDER BY over an array of
        // ids is not reliable in SurrealDB 3.0, so the members are sorted as values instead.)
        `LET $sg_top = array::slice(array::sort::desc((SELECT created_at, id FROM <array>${compiled.ids})), 0, $sg_limit).id;`,
        "RETURN $sg_count;",
        "SELECT * FROM $sg_top;",
      ]
    : [
        // Not `SELECT count() … GROUP ALL`: inside a LET, SurrealDB 3.0 counts only one branch of an
        // OR served by two index ranges (e.g. engagement_level in [cold, engaged]).
        `LET $sg_count = count(SELECT VALUE id FROM contact WHERE ${compiled.where});`,
        "RETURN $sg_count;",
        `SELECT * FROM contact WHERE ${compiled.where} ORDER BY created_at DESC, id DESC LIMIT $sg_limit;`,
      ];
  return {
    sql: statements.join("\n"),
    vars,
    countIndex: statements.length - 2,
    sampleIndex: statements.length - 1,
  };
}

function compileNode(node: SegmentTree, compilation: Compilation): Plan {
  if ("and" in node)
    return compileAnd(
      node.and.map((child) => compileNode(child, compilation)),
      compilation,
    );
  if ("or" in node)
    return compileOr(
      node.or.map((child) => compileNode(child, compilation)),
      compilation,
    );
  if ("not" in node) {
    const inner = compileNode(node.not, compilation);
    return inner.kind === "row"
      ? { kind: "row", cond: `!(${inner.cond})` }
      : { kind: "set", ids: inner.ids, negated: !inner.negated };
  }
  return compileLeaf(node, compilation);
}

interface Parts {
  /** The row conditions joined with the group's operator, if there are any. */
  rows: string | undefined;
  positive: string[];
  negative: string[];
}

function split(plans: Plan[], joiner: "AND" | "OR"): Parts {
  const conds = plans.flatMap((plan) => (plan.kind === "row" ? [`(${plan.cond})`] : []));
  const sets = plans.flatMap((plan) => (plan.kind === "set" ? [plan] : []));
  return {
    rows: conds.length > 0 ? conds.join(` ${joiner} `) : undefined,
    positive: sets.filter((plan) => !plan.negated).map((plan) => plan.ids),
    negative: sets.filter((plan) => plan.negated).map((plan) => plan.ids),
  };
}

const union = (sets: string[]) => sets.reduce((all, next) => `set::union(${all}, ${next})`);
const intersection = (sets: string[]) => sets.reduce((all, next) => `set::intersect(${all}, ${next})`);

/** Members of `ids` whose contact row satisfies `cond`: fetches only those records. */
function filtered(ids: string, cond: string, compilation: Compilation): string {
  return compilation.set(`SELECT VALUE id FROM <array>(${ids}) WHERE ${cond}`);
}

function rowsWhere(cond: string, compilation: Compilation): string {
  return compilation.set(`SELECT VALUE id FROM contact WHERE ${cond}`);
}

function compileAnd(plans: Plan[], compilation: Compilation): Plan {
  const { rows, positive, negative } = split(plans, "AND");
  if (positive.length === 0 && negative.length === 0) return { kind: "row", cond: rows ?? "true" };
  if (positive.length > 0) {
    let ids = intersection(positive);
    if (rows) ids = filtered(ids, rows, compilation);
    if (negative.length > 0) ids = `set::complement(${ids}, ${union(negative)})`;
    return { kind: "set", ids, negated: false };
  }
  // Only "has not" sets: subtract them from the rows, or stay a complement when there are no rows.
  if (rows)
    return {
      kind: "set",
      ids: `set::complement(${rowsWhere(rows, compilation)}, ${union(negative)})`,
      negated: false,
    };
  return { kind: "set", ids: union(negative), negated: true };
}

function compileOr(plans: Plan[], compilation: Compilation): Plan {
  const { rows, positive, negative } = split(plans, "OR");
  if (positive.length === 0 && negative.length === 0) return { kind: "row", cond: rows ?? "false" };
  if (negative.length === 0) {
    const sets = rows ? [...positive, rowsWhere(rows, compilation)] : positive;
    return { kind: "set", ids: union(sets), negated: false };
  }
  // With a complemented member, build the complement of the result (De Morgan): the contacts in
  // every negated set, in no positive set, and failing every row condition.
  let excluded = intersection(negative);
  if (positive.length > 0) excluded = `set::complement(${excluded}, ${union(positive)})`;
  if (rows) excluded = filtered(excluded, `!(${rows})`, compilation);
  return { kind: "set", ids: excluded, negated: true };
}

function compileLeaf(leaf: SegmentLeaf, compilation: Compilation): Plan {
  const spec = segmentFieldSpec(leaf.field);
  if (!spec) throw new TypeError(`unknown segment field ${leaf.field}`);
  if (!spec.ops.includes(leaf.op)) throw new TypeError(`operator ${leaf.op} does not apply to ${leaf.field}`);
  switch (spec.type) {
    case "string":
      return row(textCondition(leaf, spec, compilation));
    case "enum":
      return row(
        leaf.field === "engagement_level"
          ? levelCondition(leaf, compilation)
          : enumCondition(leaf.field, leaf, compilation),
      );
    case "number":
      return row(numberCondition(leaf.field, leaf, compilation));
    case "tags":
      return row(tagsCondition(leaf.field, leaf, compilation));
    case "date":
      return row(dateCondition(leaf.field, leaf, compilation));
    case "activity":
      return activityPlan(leaf, compilation);
    case "campaign":
      return campaignPlan(leaf, compilation);
    case "rsvp":
      return rsvpPlan(leaf, compilation);
  }
}

const row = (cond: string): Plan => ({ kind: "row", cond });

const COMPARISON = { eq: "=", neq: "!=", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function comparison(op: string): string {
  if (!Object.hasOwn(COMPARISON, op)) throw new TypeError(`${op} is not a comparison`);
  return COMPARISON[op as keyof typeof COMPARISON];
}

/**
 * Case-insensitive: the row's value is lowercased in SurrealQL, the bound value here. A missing
 * value counts as "". Fields stored lowercase are compared as they are, so their indexes still apply.
 */
function textCondition(leaf: SegmentLeaf, spec: SegmentFieldSpec, compilation: Compilation): string {
  const field = leaf.field;
  const present = `(${field} ?? '')`;
  const lowered = spec.storedLowercase ? present : `string::lowercase(${present})`;
  const equality = spec.storedLowercase ? field : lowered;
  const value = () => compilation.bind(stringValue(leaf).toLowerCase());
  const list = () => compilation.bind(listValue(leaf).map((item) => item.toLowerCase()));
  switch (leaf.op) {
    case "eq":
    case "neq":
      return `${equality} ${comparison(leaf.op)} ${value()}`;
    case "in":
      return `${equality} IN ${list()}`;
    case "nin":
      return `${equality} NOT IN ${list()}`;
    case "contains":
      return `string::contains(${lowered}, ${value()})`;
    case "not_contains":
      return `!string::contains(${lowered}, ${value()})`;
    case "starts_with":
      return `string::starts_with(${lowered}, ${value()})`;
    case "is_empty":
      return `${present} = ''`;
    case "is_not_empty":
      return `${present} != ''`;
    default:
      throw unsupported(leaf);
  }
}

/** status, company.size: a missing value (no company, no size) is NONE, which equals no member. */
function enumCondition(field: string, leaf: SegmentLeaf, compilation: Compilation): string {
  switch (leaf.op) {
    case "eq":
    case "neq":
      return `${field} ${comparison(leaf.op)} ${compilation.bind(stringValue(leaf))}`;
    case "in":
      return `${field} IN ${compilation.bind(listValue(leaf))}`;
    case "nin":
      return `${field} NOT IN ${compilation.bind(listValue(leaf))}`;
    case "is_empty":
      return `${field} = NONE`;
    case "is_not_empty":
      return `${field} != NONE`;
    default:
      throw unsupported(leaf);
  }
}

/** engagement_level is not stored: it is a band of engagement_score, so it compiles to score ranges. */
function levelCondition(leaf: SegmentLeaf, compilation: Compilation): string {
  const range = (level: string) => {
    if (!Object.hasOwn(ENGAGEMENT_LEVEL_RANGES, level))
      throw new TypeError(`unknown engagement level ${level}`);
    const { above, upTo } = ENGAGEMENT_LEVEL_RANGES[level as EngagementLevel];
    const bounds = [
      ...(above === undefined ? [] : [`engagement_score > ${compilation.bind(above)}`]),
      ...(upTo === undefined ? [] : [`engagement_score <= ${compilation.bind(upTo)}`]),
    ];
    return `(${bounds.join(" AND ")})`;
  };
  const any = (levels: string[]) => `(${levels.map(range).join(" OR ")})`;
  switch (leaf.op) {
    case "eq":
      return range(stringValue(leaf));
    case "neq":
      return `!${range(stringValue(leaf))}`;
    case "in":
      return any(listValue(leaf));
    case "nin":
      return `!${any(listValue(leaf))}`;
    default:
      throw unsupported(leaf);
  }
}

function numberCondition(field: string, leaf: SegmentLeaf, compilation: Compilation): string {
  return `${field} ${comparison(leaf.op)} ${compilation.bind(numberValue(leaf))}`;
}

function tagsCondition(field: string, leaf: SegmentLeaf, compilation: Compilation): string {
  switch (leaf.op) {
    case "contains":
      return `${field} CONTAINS ${compilation.bind(stringValue(leaf))}`;
    case "not_contains":
      return `${field} CONTAINSNOT ${compilation.bind(stringValue(leaf))}`;
    case "in":
      return `${field} CONTAINSANY ${compilation.bind(listValue(leaf))}`;
    case "nin":
      return `${field} CONTAINSNONE ${compilation.bind(listValue(leaf))}`;
    case "is_empty":
      return `array::len(${field}) = 0`;
    case "is_not_empty":
      return `array::len(${field}) > 0`;
    default:
      throw unsupported(leaf);
  }
}

function dateCondition(field: string, leaf: SegmentLeaf, compilation: Compilation): string {
  switch (leaf.op) {
    case "within_last":
      return `${field} >= ${compilation.since(leaf)}`;
    case "older_than":
      return `${field} < ${compilation.since(leaf)}`;
    default: {
      const date = new Date(stringValue(leaf));
      if (Number.isNaN(date.getTime())) throw new TypeError(`${leaf.field}: not a date-time`);
      return `${field} ${comparison(leaf.op)} ${compilation.bind(date)}`;
    }
  }
}

/** Contacts with a timeline entry of the type (optionally since a date), via the (type, timestamp) index. */
function timelineSet(type: string, compilation: Compilation, extra?: () => string): string {
  const typeIs = `type = ${compilation.bind(type)}`;
  return compilation.set(
    `SELECT VALUE contact FROM timeline_entry WHERE ${typeIs}${extra ? ` AND ${extra()}` : ""}`,
  );
}

function activityPlan(leaf: SegmentLeaf, compilation: Compilation): Plan {
  const type = activityType(leaf.field);
  if (!type) throw new TypeError(`${leaf.field} is not an activity field`);
  switch (leaf.op) {
    case "is_not_empty":
      return { kind: "set", ids: timelineSet(type, compilation), negated: false };
    case "is_empty":
      return { kind: "set", ids: timelineSet(type, compilation), negated: true };
    case "within_last":
      return {
        kind: "set",
        ids: timelineSet(type, compilation, () => `timestamp >= ${compilation.since(leaf)}`),
        negated: false,
      };
    case "older_than": {
      const all = timelineSet(type, compilation);
      const recent = timelineSet(type, compilation, () => `timestamp >= ${compilation.since(leaf)}`);
      return { kind: "set", ids: `set::complement(${all}, ${recent})`, negated: false };
    }
    default:
      throw unsupported(leaf);
  }
}

const CAMPAIGN_ENTRY_TYPES: Readonly<Record<string, string>> = {
  "campaign.opened": "email_open",
  "campaign.clicked": "email_click",
};

/** Opens and clicks are timeline entries whose metadata.campaign is the campaign's id (its key). */
function campaignPlan(leaf: SegmentLeaf, compilation: Compilation): Plan {
  const type = CAMPAIGN_ENTRY_TYPES[leaf.field];
  if (!type) throw new TypeError(`${leaf.field} is not a campaign field`);
  if (!["eq", "neq", "in", "nin"].includes(leaf.op)) throw unsupported(leaf);
  const list = leaf.op === "in" || leaf.op === "nin";
  const ids = timelineSet(type, compilation, () =>
    list
      ? `metadata.campaign IN ${compilation.bind(listValue(leaf))}`
      : `metadata.campaign = ${compilation.bind(stringValue(leaf))}`,
  );
  return { kind: "set", ids, negated: leaf.op === "neq" || leaf.op === "nin" };
}

/** RSVPs for one event, via the (event, contact) index; "not" forms include contacts with no RSVP. */
function rsvpPlan(leaf: SegmentLeaf, compilation: Compilation): Plan {
  const event = leaf.event === undefined ? undefined : recordId("event", leaf.event);
  if (!event) throw new TypeError("event.rsvp_status needs an event id");
  const base = `SELECT VALUE contact FROM rsvp WHERE event = ${compilation.bind(event)}`;
  switch (leaf.op) {
    case "eq":
    case "neq":
      return {
        kind: "set",
        ids: compilation.set(`${base} AND status = ${compilation.bind(stringValue(leaf))}`),
        negated: leaf.op === "neq",
      };
    case "in":
    case "nin":
      return {
        kind: "set",
        ids: compilation.set(`${base} AND status IN ${compilation.bind(listValue(leaf))}`),
        negated: leaf.op === "nin",
      };
    case "is_not_empty":
    case "is_empty":
      return { kind: "set", ids: compilation.set(base), negated: leaf.op === "is_empty" };
    default:
      throw unsupported(leaf);
  }
}

// A tree that passed SegmentTreeSchema always has the value its operator needs; these guards stop a
// tree that did not from compiling to something surprising.

function stringValue(leaf: SegmentLeaf): string {
  if (typeof leaf.value !== "string")
    throw new TypeError(`${leaf.field} ${leaf.op}: expected a string value`);
  return leaf.value;
}

function listValue(leaf: SegmentLeaf): string[] {
  if (!Array.isArray(leaf.value) || !leaf.value.every((item) => typeof item === "string")) {
    throw new TypeError(`${leaf.field} ${leaf.op}: expected a list of strings`);
  }
  return leaf.value;
}

function numberValue(leaf: SegmentLeaf): number {
  if (typeof leaf.value !== "number" || !Number.isFinite(leaf.value)) {
    throw new TypeError(`${leaf.field} ${leaf.op}: expected a number value`);
  }
  return leaf.value;
}

function unsupported(leaf: SegmentLeaf): TypeError {
  return new TypeError(`operator ${leaf.op} does not apply to ${leaf.field}`);
}
