import { RecordId } from "surrealdb";
import type { DbClient } from "../../shared/db/client.ts";

/**
 * A realistic CRM for the segment benchmark: companies of every size, contacts with a skewed status
 * mix (mostly leads), tags drawn from a long-tailed pool, engagement scores that most contacts leave
 * at zero, sign-ups spread over two years, and a timeline where a minority of contacts do most of the
 * interacting (opens and clicks carry the campaign they came from). Deterministic: same seed, same data.
 */
export interface SeedOptions {
  contacts: number;
  companies: number;
  /** Average timeline entries per contact (the distribution is skewed). */
  entriesPerContact: number;
  campaigns: string[];
  events: string[];
  now: Date;
  seed?: number;
}

export interface SeedReport {
  contacts: number;
  companies: number;
  entries: number;
  rsvps: number;
  ms: number;
}

export const STATUSES = [
  ["lead", 0.72],
  ["customer", 0.14],
  ["partner", 0.05],
  ["investor", 0.03],
  ["other", 0.06],
] as const;
export const TAGS = [
  "newsletter",
  "webinar",
  "founder",
  "saas",
  "fintech",
  "agency",
  "beta",
  "vip",
  "eu",
  "us",
  "apac",
  "ecommerce",
  "healthtech",
  "churn-risk",
  "referral",
  "conference",
  "partner-lead",
  "enterprise",
  "smb",
  "trial",
];
export const SIZES = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"];
export const INDUSTRIES = [
  "Software",
  "Fintech",
  "Healthcare",
  "Retail",
  "Education",
  "Manufacturing",
  "Media",
  "Logistics",
];
const ENTRY_TYPES = [
  ["email_sent", 0.35],
  ["email_open", 0.25],
  ["email_click", 0.08],
  ["note", 0.1],
  ["call", 0.06],
  ["meeting", 0.04],
  ["landing_page_visit", 0.07],
  ["form_submission", 0.03],
  ["social_touch", 0.02],
] as const;
const BATCH = 1000;
const DAY = 86_400_000;

/** Mulberry32: a tiny deterministic PRNG, so every run benchmarks the same data. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function weighted<T>(rand: () => number, choices: ReadonlyArray<readonly [T, number]>): T {
  let roll = rand();
  for (const [choice, weight] of choices) {
    roll -= weight;
    if (roll <= 0) return choice;
  }
  return (choices.at(-1) as readonly [T, number])[0];
}

export async function seed(db: DbClient, options: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const rand = random(options.seed ?? 20_261_125);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)] as T;

  const companies = Array.from({ length: options.companies }, (_, i) => ({
    id: new RecordId("company", `co${i}`),
    name: `Company ${i}`,
    domain: `company${i}.example`,
    industry: pick(INDUSTRIES),
    size: pick(SIZES),
    tags: [],
  }));
  for (let i = 0; i < companies.length; i += BATCH) {
    await db.query("INSERT INTO company $rows RETURN NONE", { rows: companies.slice(i, i + BATCH) });
  }

  let entries = 0;
  let rsvps = 0;
  for (let start = 0; start < options.contacts; start += BATCH) {
    const contacts = [];
    const timeline = [];
    const answers = [];
    for (let i = start; i < Math.min(start + BATCH, options.contacts); i++) {
      const id = new RecordId("contact", `c${i}`);
      const tagCount = Math.floor(rand() * rand() * 5);
      const tags = [
        ...new Set(
          Array.from({ length: tagCount }, () => TAGS[Math.floor(rand() * rand() * TAGS.length)] as string),
        ),
      ];
      // Most contacts are quiet; a tenth of them generate most of the activity.
      const activity = rand() < 0.1 ? options.entriesPerContact * 6 : options.entriesPerContact * 0.45;
      const count = Math.floor(activity * rand() * 2);
      contacts.push({
        id,
        first_name: `First${i % 997}`,
        last_name: `Last${i}`,
        email: `person${i}@mail${i % 50}.example`,
        status: weighted(rand, STATUSES),
        tags,
        engagement_score: count === 0 ? 0 : Math.round(Math.min(100, rand() * count * 8) * 100) / 100,
        company: rand() < 0.7 ? companies[Math.floor(rand() * companies.length)]?.id : undefined,
        created_at: new Date(
          options.now.getTime() - Math.floor(rand() * 730) * DAY - Math.floor(rand() * DAY),
        ),
      });
      for (let e = 0; e < count; e++) {
        const type = weighted(rand, ENTRY_TYPES);
        timeline.push({
          contact: id,
          type,
          content: type,
          metadata: type.startsWith("email") ? { campaign: pick(options.campaigns) } : {},
          timestamp: new Date(options.now.getTime() - Math.floor(rand() * rand() * 365 * DAY)),
        });
      }
      if (rand() < 0.05) {
        answers.push({
          event: new RecordId("event", pick(options.events)),
          contact: id,
          status: pick(["invited", "registered", "attended", "no_show", "cancelled"]),
        });
      }
    }
    await db.query("INSERT INTO contact $rows RETURN NONE", { rows: contacts });
    for (let i = 0; i < timeline.length; i += BATCH) {
      await db.query("INSERT INTO timeline_entry $rows RETURN NONE", { rows: timeline.slice(i, i + BATCH) });
    }
    if (answers.length > 0) await db.query("INSERT INTO rsvp $rows RETURN NONE", { rows: answers });
    entries += timeline.length;
    rsvps += answers.length;
  }
  return {
    contacts: options.contacts,
    companies: options.companies,
    entries,
    rsvps,
    ms: Date.now() - started,
  };
}
