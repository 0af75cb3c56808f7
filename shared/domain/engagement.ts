import type { TimelineType } from "./timeline-types.ts";

/**
 * Engagement score (PRODUCT.md): derived from a contact's timeline, never typed in.
 *
 * Each interaction's base weight halves every 30 days. With three or more interactions, regular
 * activity earns a consistency bonus: 1 + 0.5 × (distinct 7-day buckets with activity in the last 90
 * days / 13). The sum is scaled so that 200 weighted points make a perfect 100.
 */
export const ENGAGEMENT_WEIGHTS: Partial<Record<TimelineType, number>> = {
  meeting: 20,
  call: 15,
  event_attend: 15,
  form_submission: 10,
  event_registered: 8,
  email_click: 5,
  landing_page_visit: 4,
  email_open: 3,
  social_touch: 3,
  email_sent: 1,
  note: 0.5,
};

const HALF_LIFE_DAYS = 30;
const BUCKET_DAYS = 7;
const CONSISTENCY_WINDOW_DAYS = 90;
const CONSISTENCY_BUCKETS = 13;
const MIN_INTERACTIONS_FOR_BONUS = 3;
const FULL_SCORE_POINTS = 200;
const DAY_MS = 86_400_000;

export interface ScoredEntry {
  type: string;
  timestamp: Date;
  /** A machine open (image proxy, prefetch): on the timeline, but no sign of a person's interest. */
  machine?: boolean;
}

export function engagementWeight(type: string): number {
  // Own keys only: a type named like an Object.prototype member ("toString") weighs nothing.
  return Object.hasOwn(ENGAGEMENT_WEIGHTS, type) ? (ENGAGEMENT_WEIGHTS[type as TimelineType] ?? 0) : 0;
}

/** Score from 0 to 100, rounded to two decimals. Entries dated in the future (tasks) do not count yet. */
export function engagementScore(entries: readonly ScoredEntry[], now: Date): number {
  let raw = 0;
  let interactions = 0;
  const buckets = new Set<number>();
  for (const entry of entries) {
    const weight = entry.machine ? 0 : engagementWeight(entry.type);
    const ageDays = (now.getTime() - entry.timestamp.getTime()) / DAY_MS;
    if (weight <= 0 || ageDays < 0) continue;
    interactions += 1;
    raw += weight * 0.5 ** (ageDays / HALF_LIFE_DAYS);
    if (ageDays < CONSISTENCY_WINDOW_DAYS) buckets.add(Math.floor(ageDays / BUCKET_DAYS));
  }
  const factor =
    interactions >= MIN_INTERACTIONS_FOR_BONUS ? 1 + 0.5 * (buckets.size / CONSISTENCY_BUCKETS) : 1;
  const score = ((raw * factor) / FULL_SCORE_POINTS) * 100;
  return Math.round(Math.min(100, Math.max(0, score)) * 100) / 100;
}

export const ENGAGEMENT_LEVELS = ["cold", "warming", "engaged", "hot", "champion"] as const;
export type EngagementLevel = (typeof ENGAGEMENT_LEVELS)[number];

/** 0–20 cold, 21–40 warming, 41–60 engaged, 61–80 hot, 81–100 champion (upper bounds inclusive). */
export function engagementLevel(score: number): EngagementLevel {
  if (score <= 20) return "cold";
  if (score <= 40) return "warming";
  if (score <= 60) return "engaged";
  if (score <= 80) return "hot";
  return "champion";
}
