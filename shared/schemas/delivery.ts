import { z } from "zod";
import { CHANNELS } from "../domain/campaign-status.ts";
import { PaginationQuerySchema, pageOf, RecordKeySchema, TimestampSchema } from "./common.ts";

/**
 * Campaign execution and delivery: runs, per-recipient deliveries, the outbox, suppressions and the
 * queue messages between them. One definition each, used by the API, the repositories and the queue.
 */

export const DELIVERY_STATUSES = ["queued", "sending", "sent", "failed", "skipped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
/** A delivery in one of these will not change again; a run completes when all of its are. */
export const TERMINAL_DELIVERY_STATUSES = ["sent", "failed", "skipped"] as const satisfies DeliveryStatus[];

export const RUN_STATUSES = ["preparing", "sending", "completed", "failed", "cancelled"] as const;
export const RUN_TRIGGERS = ["manual", "schedule"] as const;

const ChannelResultSchema = z
  .object({
    recipients: z.number().int().meta({ description: "Deliveries written for this channel." }),
    queued: z.number().int().meta({ description: "Waiting to be sent (or being sent)." }),
    sent: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int().meta({ description: "Not sent: suppressed, unsubscribed or cancelled." }),
  })
  .meta({ id: "ChannelResult" });

export const CampaignRunSchema = z
  .object({
    id: RecordKeySchema,
    campaign: RecordKeySchema,
    trigger: z.enum(RUN_TRIGGERS),
    status: z.enum(RUN_STATUSES),
    error: z.string().nullable(),
    started_at: TimestampSchema,
    prepared_at: TimestampSchema.nullable(),
    completed_at: TimestampSchema.nullable(),
    results: z.partialRecord(z.enum(CHANNELS), ChannelResultSchema).meta({
      description:
        "Per channel: email and event count their deliveries, social its posts (sent = handed to a webhook), " +
        "landing_page its one page (sent = published).",
    }),
    published: z
      .object({
        landing_page: z.object({ url: z.string(), published_at: TimestampSchema }).optional(),
        event: z.object({ event: RecordKeySchema.nullable(), note: z.string() }).optional(),
      })
      .meta({
        description: "What the run published besides messages: the landing page, the event invitation.",
      }),
  })
  .meta({ id: "CampaignRun" });

export const CampaignRunListSchema = z
  .object({ data: z.array(CampaignRunSchema) })
  .meta({ id: "CampaignRunList" });

/** A run's row as stored (results are counted when it is read). */
export const CampaignRunRowSchema = CampaignRunSchema.omit({ results: true });

export const DeliverySchema = z
  .object({
    id: RecordKeySchema,
    campaign: RecordKeySchema,
    run: RecordKeySchema,
    channel: z.enum(CHANNELS),
    contact: RecordKeySchema,
    email: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    reason: z.string().nullable(),
    attempts: z.number().int(),
    provider: z.string().nullable(),
    provider_message_id: z.string().nullable(),
    created_at: TimestampSchema,
    sent_at: TimestampSchema.nullable(),
  })
  .meta({ id: "Delivery" });

export const DeliveryListQuerySchema = PaginationQuerySchema.extend({
  status: z.enum(DELIVERY_STATUSES).optional().meta({ description: "e.g. failed: what gave up, and why" }),
  channel: z.enum(CHANNELS).optional(),
  sort: z.enum(["created_at", "-created_at"]).default("created_at"),
});
export const DeliveryPageSchema = pageOf(DeliverySchema, "Delivery");
export type DeliveryListQuery = z.infer<typeof DeliveryListQuerySchema>;

/** A rendered email, as every transport receives it. */
export const OUTGOING_KINDS = ["campaign", "invitation", "confirmation"] as const;

export const OutgoingEmailSchema = z.object({
  /**
   * A campaign email, an event invitation (whose `delivery` is then the RSVP's key) or a double opt-in
   * confirmation (the pending consent record's key).
   */
  kind: z.enum(OUTGOING_KINDS),
  /** What the message is the one message of: its idempotency key (a delivery, or an RSVP). */
  delivery: RecordKeySchema,
  campaign: RecordKeySchema.nullable(),
  contact: RecordKeySchema,
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  headers: z.record(z.string(), z.string()),
  /** The links in the message (where its click tokens may lead). */
  links: z.array(z.string()),
});
export type OutgoingEmail = z.infer<typeof OutgoingEmailSchema>;

export const OutboxMessageSchema = OutgoingEmailSchema.extend({
  id: RecordKeySchema,
  created_at: TimestampSchema,
}).meta({
  id: "OutboxMessage",
  description: "An email as the outbox transport 'sent' it: stored, with its headers.",
});

export const OutboxListQuerySchema = PaginationQuerySchema.extend({
  campaign: RecordKeySchema.optional().meta({ description: "Only this campaign's messages." }),
  to: z
    .string()
    .max(254)
    .trim()
    .toLowerCase()
    .optional()
    .meta({ description: "Only messages to this address." }),
  sort: z.literal("-created_at").default("-created_at"),
});
export const OutboxPageSchema = pageOf(OutboxMessageSchema, "OutboxMessage");

export const ExecuteResultSchema = z
  .object({ campaign: RecordKeySchema, status: z.literal("running"), run: CampaignRunSchema })
  .meta({ id: "ExecuteResult" });

/** What travels on the delivery queue. Small: ids only; everything else is read when it is handled. */
export const QueueMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("prepare"), run: RecordKeySchema }),
  z.object({
    type: z.literal("send"),
    run: RecordKeySchema,
    deliveries: z.array(RecordKeySchema).min(1).max(100),
  }),
  z.object({ type: z.literal("webhook"), delivery: RecordKeySchema }),
  /** A double opt-in confirmation email to send (the pending consent record). */
  z.object({ type: z.literal("optin"), consent: RecordKeySchema }),
  z.object({
    type: z.literal("invite"),
    event: RecordKeySchema,
    contacts: z.array(RecordKeySchema).min(1).max(100),
  }),
]);
export type QueueMessage = z.infer<typeof QueueMessageSchema>;

export const SUPPRESSION_REASONS = ["unsubscribed", "bounced", "complained", "manual"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export type CampaignRun = z.infer<typeof CampaignRunSchema>;
export type CampaignRunRow = z.infer<typeof CampaignRunRowSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;
export type OutboxListQuery = z.infer<typeof OutboxListQuerySchema>;
export type ChannelResult = z.infer<typeof ChannelResultSchema>;
