import type { SegmentLeaf, SegmentTree } from "../schemas/segment-tree.ts";
import { engagementLevel } from "./engagement.ts";

/**
 * Decides in memory whether one contact belongs to a segment. It is the reference the SurrealQL
 * compiler (shared/db/segment-compiler.ts) is tested against, so it is written independently of it:
 * straightforward JavaScript over a plain object, one case per field. Both take `now` explicitly, so
 * relative dates mean the same thing on both sides.
 *
 * Semantics, shared with the compiler:
 * - strings compare case-insensitively; a missing value (no phone, no company) counts as "";
 * - neq, nin and not_contains are the exact negations of eq, in and contains (so a missing value is
 *   "not equal" to anything);
 * - within_last N: on or after now − N days; older_than N: before it (for activity: has entries of
 *   the type, none of them on or after now − N days);
 * - campaign.opened / clicked read email_open / email_click entries whose metadata.campaign is the id;
 * - event.rsvp_status reads the contact's RSVP for the leaf's event (is_empty: none).
 */

const DAY_MS = 86_400_000;

export interface SegmentCompany {
  name: string;
  domain?: string | null;
  industry?: string | null;
  size?: string | null;
}

export interface SegmentSubject {
  first_name: string;
  last_name: string;
  email: string;
  phone?: string | null;
  linkedin_url?: string | null;
  tags: readonly string[];
  status: string;
  engagement_score: number;
  created_at: Date;
  updated_at: Date;
  /** The contact's company, or null without one (or when the link points at nothing). */
  company: SegmentCompany | null;
  timeline: readonly { type: string; timestamp: Date; metadata: Readonly<Record<string, unknown>> }[];
  /** The contact's RSVPs; `event` is the event's id (record key). */
  rsvps: readonly { event: string; status: string }[];
}

export function evaluateSegment(tree: SegmentTree, contact: SegmentSubject, now: Date): boolean {
  if ("and" in tree) return tree.and.every((child) => evaluateSegment(child, contact, now));
  if ("or" in tree) return tree.or.some((child) => evaluateSegment(child, contact, now));
  if ("not" in tree) return !evaluateSegment(tree.not, contact, now);
  return evaluateLeaf(tree, contact, now);
}

function evaluateLeaf(leaf: SegmentLeaf, contact: SegmentSubject, now: Date): boolean {
  const company = contact.company;
  switch (leaf.field) {
    case "first_name":
    case "last_name":
    case "email":
      return testText(contact[leaf.field], leaf);
    case "phone":
    case "linkedin_url":
      return testText(contact[leaf.field] ?? "", leaf);
    case "company.name":
      return testText(company?.name ?? "", leaf);
    case "company.domain":
      return testText(company?.domain ?? "", leaf);
    case "company.industry":
      return testText(company?.industry ?? "", leaf);
    case "status":
      return testEnum(contact.status, leaf);
    case "company.size":
      return testEnum(company?.size ?? undefined, leaf);
    case "engagement_level":
      return testEnum(engagementLevel(contact.engagement_score), leaf);
    case "engagement_score":
      return testNumber(contact.engagement_score, leaf);
    case "tags":
      return testTags(contact.tags, leaf);
    case "created_at":
    case "updated_at":
      return testDate(contact[leaf.field], leaf, now);
    case "campaign.opened":
      return testCampaign(contact, "email_open", leaf);
    case "campaign.clicked":
      return testCampaign(contact, "email_click", leaf);
    case "event.rsvp_status":
      return testRsvp(contact, leaf);
    default:
      return testActivity(contact, leaf.field.slice("activity.".length), leaf, now);
  }
}

function testText(actual: string, leaf: SegmentLeaf): boolean {
  const subject = actual.toLowerCase();
  switch (leaf.op) {
    case "eq":
      return subject === text(leaf).toLowerCase();
    case "neq":
      return subject !== text(leaf).toLowerCase();
    case "in":
      return texts(leaf).some((value) => value.toLowerCase() === subject);
    case "nin":
      return !texts(leaf).some((value) => value.toLowerCase() === subject);
    case "contains":
      return subject.includes(text(leaf).toLowerCase());
    case "not_contains":
      return !subject.includes(text(leaf).toLowerCase());
    case "starts_with":
      return subject.startsWith(text(leaf).toLowerCase());
    case "is_empty":
      return actual === "";
    case "is_not_empty":
      return actual !== "";
    default:
      return unsupported(leaf);
  }
}

function testEnum(actual: string | undefined, leaf: SegmentLeaf): boolean {
  switch (leaf.op) {
    case "eq":
      return actual === text(leaf);
    case "neq":
      return actual !== text(leaf);
    case "in":
      return actual !== undefined && texts(leaf).includes(actual);
    case "nin":
      return actual === undefined || !texts(leaf).includes(actual);
    case "is_empty":
      return actual === undefined;
    case "is_not_empty":
      return actual !== undefined;
    default:
      return unsupported(leaf);
  }
}

function testNumber(actual: number, leaf: SegmentLeaf): boolean {
  const value = numeric(leaf);
  switch (leaf.op) {
    case "eq":
      return actual === value;
    case "neq":
      return actual !== value;
    case "gt":
      return actual > value;
    case "gte":
      return actual >= value;
    case "lt":
      return actual < value;
    case "lte":
      return actual <= value;
    default:
      return unsupported(leaf);
  }
}

function testTags(tags: readonly string[], leaf: SegmentLeaf): boolean {
  switch (leaf.op) {
    case "contains":
      return tags.includes(text(leaf));
    case "not_contains":
      return !tags.includes(text(leaf));
    case "in":
      return texts(leaf).some((tag) => tags.includes(tag));
    case "nin":
      return !texts(leaf).some((tag) => tags.includes(tag));
    case "is_empty":
      return tags.length === 0;
    case "is_not_empty":
      return tags.length > 0;
    default:
      return unsupported(leaf);
  }
}

function testDate(actual: Date, leaf: SegmentLeaf, now: Date): boolean {
  const time = actual.getTime();
  switch (leaf.op) {
    case "gt":
      return time > Date.parse(text(leaf));
    case "gte":
      return time >= Date.parse(text(leaf));
    case "lt":
      return time < Date.parse(text(leaf));
    case "lte":
      return time <= Date.parse(text(leaf));
    case "within_last":
      return time >= since(now, leaf);
    case "older_than":
      return time < since(now, leaf);
    default:
      return unsupported(leaf);
  }
}

function testActivity(contact: SegmentSubject, type: string, leaf: SegmentLeaf, now: Date): boolean {
  const entries = contact.timeline.filter((entry) => entry.type === type);
  switch (leaf.op) {
    case "is_not_empty":
      return entries.length > 0;
    case "is_empty":
      return entries.length === 0;
    case "within_last": {
      const from = since(now, leaf);
      return entries.some((entry) => entry.timestamp.getTime() >= from);
    }
    case "older_than": {
      const from = since(now, leaf);
      return entries.length > 0 && !entries.some((entry) => entry.timestamp.getTime() >= from);
    }
    default:
      return unsupported(leaf);
  }
}

function testCampaign(contact: SegmentSubject, type: string, leaf: SegmentLeaf): boolean {
  const did = (campaign: string) =>
    contact.timeline.some((entry) => entry.type === type && entry.metadata.campaign === campaign);
  switch (leaf.op) {
    case "eq":
      return did(text(leaf));
    case "neq":
      return !did(text(leaf));
    case "in":
      return texts(leaf).some(did);
    case "nin":
      return !texts(leaf).some(did);
    default:
      return unsupported(leaf);
  }
}

function testRsvp(contact: SegmentSubject, leaf: SegmentLeaf): boolean {
  const rsvp = contact.rsvps.find((candidate) => candidate.event === leaf.event);
  switch (leaf.op) {
    case "eq":
      return rsvp?.status === text(leaf);
    case "neq":
      return rsvp?.status !== text(leaf);
    case "in":
      return rsvp !== undefined && texts(leaf).includes(rsvp.status);
    case "nin":
      return rsvp === undefined || !texts(leaf).includes(rsvp.status);
    case "is_empty":
      return rsvp === undefined;
    case "is_not_empty":
      return rsvp !== undefined;
    default:
      return unsupported(leaf);
  }
}

/** The start of a "last N days" window, in epoch milliseconds. */
function since(now: Date, leaf: SegmentLeaf): number {
  return now.getTime() - numeric(leaf) * DAY_MS;
}

// A tree that passed SegmentTreeSchema always has the value its operator needs; these guards only
// catch a tree that did not (e.g. built by hand), loudly rather than by matching nobody.

function text(leaf: SegmentLeaf): string {
  if (typeof leaf.value !== "string")
    throw new TypeError(`${leaf.field} ${leaf.op}: expected a string value`);
  return leaf.value;
}

function texts(leaf: SegmentLeaf): string[] {
  if (!Array.isArray(leaf.value)) throw new TypeError(`${leaf.field} ${leaf.op}: expected a list value`);
  return leaf.value;
}

function numeric(leaf: SegmentLeaf): number {
  if (typeof leaf.value !== "number")
    throw new TypeError(`${leaf.field} ${leaf.op}: expected a number value`);
  return leaf.value;
}

function unsupported(leaf: SegmentLeaf): never {
  throw new TypeError(`operator ${leaf.op} does not apply to ${leaf.field}`);
}
