import { z } from "zod";
import {
  ANALYTICS_RANGES,
  ENGAGEMENT_TRENDS,
  FUNNEL_STAGES,
  TREND_DAYS,
  TREND_THRESHOLD,
} from "../domain/analytics.ts";
import { CONTACT_STATUSES } from "../domain/contact-status.ts";
import { ENGAGEMENT_LEVELS } from "../domain/engagement.ts";
import { RSVP_STATUSES } from "../domain/rsvp.ts";
import { RecordKeySchema, TimestampSchema } from "./common.ts";
import { ContactStatusSchema } from "./contact.ts";
import { MetadataSchema } from "./timeline.ts";

/** Most days one daily series may hold (a year, and the day of a leap year). */
export const ANALYTICS_MAX_DAYS = 366;

const RangeSchema = z
  .enum(ANALYTICS_RANGES)
  .default("30d")
  .meta({ description: "UTC days counted, today included: `7d` is today and the 6 days before." });

const DaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ example: "2026-11-30" });

/** A rate is a fraction from 0 to 1, rounded to 4 decimals; 0 when its denominator is 0. */
const RateSchema = z.number().min(0).meta({ example: 0.4375 });

const count = () => z.number().int();
const countsBy = <const K extends readonly [string, ...string[]]>(keys: K) =>
  z.object(
    Object.fromEntries(keys.map((key) => [key, count()])) as Record<K[number], ReturnType<typeof count>>,
  );

export const ContactAnalyticsQuerySchema = z.object({
  range: RangeSchema,
  top: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .meta({ description: "How many tags, sources, custom events and contacts to list (1-50, default 10)." }),
});

const ContactSummarySchema = z
  .object({
    id: RecordKeySchema,
    first_name: z.string(),
    last_name: z.string(),
    email: z.string(),
    status: ContactStatusSchema,
    engagement_score: z.number(),
    engagement_level: z.enum(ENGAGEMENT_LEVELS),
  })
  .meta({ id: "AnalyticsContact" });

export const ContactAnalyticsSchema = z
  .object({
    range: z.enum(ANALYTICS_RANGES),
    from: DaySchema,
    to: DaySchema,
    total: count(),
    new_in_range: count(),
    by_status: countsBy(CONTACT_STATUSES),
    by_engagement_level: countsBy(ENGAGEMENT_LEVELS),
    by_tag: z.array(z.object({ tag: z.string(), count: count() })),
    by_source: z.array(
      z.object({
        source: z.string().meta({ description: "`manual` for contacts created by people or the API." }),
        count: count(),
      }),
    ),
    average_engagement: z
      .number()
      .meta({ description: "Mean engagement score of all contacts (2 decimals)." }),
    top_engaged: z.array(ContactSummarySchema),
    custom_events: z
      .array(z.object({ event: z.string(), count: count() }))
      .meta({ description: "Custom events tracked in the range, most frequent first." }),
    daily: z.array(z.object({ date: DaySchema, new_contacts: count() })),
  })
  .meta({ id: "ContactAnalytics" });

const DATE_OR_DATETIME =
  "must be a date (2026-11-30) or an ISO 8601 date-time with a timezone (2026-11-30T09:00:00Z)";
const dateOnly = z.iso.date();

/** A day (`2026-11-30`, UTC) or a date-time with a timezone (its UTC day). */
const WindowEndSchema = z
  .string()
  .refine((value) => dateOnly.safeParse(value).success || TimestampSchema.safeParse(value).success, {
    message: DATE_OR_DATETIME,
  })
  .meta({ example: "2026-11-01" });

export const CampaignAnalyticsQuerySchema = z.object({
  from: WindowEndSchema.optional().meta({
    description:
      "First day counted: a date or a date-time (its UTC day); default: the day the campaign was created, at most 366 days before `to`.",
  }),
  to: WindowEndSchema.optional().meta({
    description: "Last day counted: a date or a date-time (its UTC day); default: today.",
  }),
});

const CAMPAIGN_DAILY_METRICS = [
  "sent",
  "failed",
  "opened",
  "clicked",
  "bounced",
  "unsubscribed",
  "visits",
  "submissions",
  "registrations",
] as const;

export { CAMPAIGN_DAILY_METRICS };

export const CampaignAnalyticsSchema = z
  .object({
    campaign: z.object({ id: RecordKeySchema, name: z.string(), status: z.string() }),
    from: DaySchema,
    to: DaySchema,
    recipients: count().meta({ description: "Email deliveries planned in the window." }),
    sent: count(),
    delivered: count().meta({ description: "Sent and not bounced." }),
    failed: count(),
    skipped: count().meta({ description: "Not sent: suppressed, or no address." }),
    pending: count().meta({ description: "Planned in the window and not finished yet." }),
    bounced: count(),
    opened: count().meta({
      description:
        "Recipients whose first human open fell in the window (machine opens excluded; a click counts as an open, since images may be blocked).",
    }),
    clicked: count().meta({ description: "Recipients whose first click fell in the window." }),
    unsubscribed: count(),
    opens: z
      .object({ human: count(), machine: count() })
      .meta({ description: "Every open entry, not unique." }),
    clicks: count().meta({ description: "Every click entry, not unique." }),
    landing_page: z.object({
      visits: count().meta({
        description:
          "Views of the campaign's landing pages; never fewer than the submissions (a JSON submission has no page view).",
      }),
      submissions: count().meta({ description: "Form submissions on the campaign's landing pages." }),
    }),
    rsvps: countsBy(RSVP_STATUSES).meta({
      description:
        "RSVPs to the campaign's events by their current status, each counted on the day of its last change when that day is in the window (an attendee counts as attended, not also as registered).",
    }),
    channels: z
      .record(z.string(), z.object({ recipients: count(), sent: count(), failed: count(), skipped: count() }))
      .meta({
        description:
          "Per-recipient deliveries by channel (email, event invitations). A landing page or social post is published once, not delivered per recipient.",
      }),
    rates: z.object({
      open_rate: RateSchema.meta({ description: "opened / delivered" }),
      click_rate: RateSchema.meta({ description: "clicked / delivered" }),
      click_to_open_rate: RateSchema.meta({ description: "clicked / opened" }),
      bounce_rate: RateSchema.meta({ description: "bounced / sent" }),
      unsubscribe_rate: RateSchema.meta({ description: "unsubscribed / delivered" }),
      conversion_rate: RateSchema.meta({ description: "landing page submissions / landing page visits" }),
    }),
    custom_events: z.array(z.object({ event: z.string(), count: count() })),
    daily: z.array(
      z.object({ date: DaySchema, ...Object.fromEntries(CAMPAIGN_DAILY_METRICS.map((m) => [m, count()])) }),
    ),
  })
  .meta({ id: "CampaignAnalytics" });

export const FunnelQuerySchema = z.object({
  campaign: RecordKeySchema.optional().meta({
    description: "Only this campaign's landing pages and the leads they brought; default: everything.",
  }),
  range: RangeSchema,
});

export const FunnelAnalyticsSchema = z
  .object({
    campaign: RecordKeySchema.nullable(),
    range: z.enum(ANALYTICS_RANGES),
    from: DaySchema,
    to: DaySchema,
    stages: z.array(
      z.object({
        stage: z.enum(FUNNEL_STAGES),
        count: count(),
        share_of_first: RateSchema,
        conversion_from_previous: RateSchema,
      }),
    ),
  })
  .meta({ id: "FunnelAnalytics" });

export const EngagementQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: "1-100, default 20." }),
  level: z.enum(ENGAGEMENT_LEVELS).optional().meta({ description: "Only contacts at this level." }),
});

export const EngagementRankingSchema = z
  .object({
    levels: countsBy(ENGAGEMENT_LEVELS),
    data: z.array(
      ContactSummarySchema.extend({
        rank: z.number().int().min(1),
        score_30_days_ago: z.number().meta({
          description: `The score the timeline gave ${TREND_DAYS} days ago (entries up to then, decayed to then).`,
        }),
        change: z.number(),
        trend: z.enum(ENGAGEMENT_TRENDS).meta({
          description: `improving: more than ${TREND_THRESHOLD} points up over ${TREND_DAYS} days; declining: more than ${TREND_THRESHOLD} down.`,
        }),
      }),
    ),
  })
  .meta({ id: "EngagementRanking" });

export const CUSTOM_EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export const TrackEventSchema = z
  .strictObject({
    contact: RecordKeySchema.meta({ description: "Id of the contact the event is about." }),
    event: z
      .string()
      .regex(
        CUSTOM_EVENT_NAME,
        "must be 1-100 letters, digits, `_`, `.`, `:` or `-`, starting with a letter or digit",
      )
      .meta({ example: "trial_started" }),
    properties: MetadataSchema.default({}),
    campaign: RecordKeySchema.optional().meta({ description: "Attribute the event to this campaign." }),
    timestamp: TimestampSchema.optional().meta({
      description: "When it happened; default now. Not in the future.",
    }),
  })
  .meta({ id: "TrackEvent" });

export type ContactAnalytics = z.infer<typeof ContactAnalyticsSchema>;
export type CampaignAnalytics = z.infer<typeof CampaignAnalyticsSchema>;
export type FunnelAnalytics = z.infer<typeof FunnelAnalyticsSchema>;
export type EngagementRanking = z.infer<typeof EngagementRankingSchema>;
export type TrackEvent = z.infer<typeof TrackEventSchema>;
