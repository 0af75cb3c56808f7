import { z } from "zod";
import { WEBHOOK_EVENTS } from "../domain/webhooks.ts";
import { PaginationQuerySchema, pageOf, RecordKeySchema, sortParam, TimestampSchema } from "./common.ts";
import { ShortTextSchema } from "./fields.ts";

/** Outgoing webhooks: subscriptions, the events they receive, and each delivery attempt's outcome. */
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS).meta({ id: "WebhookEvent" });

export const WebhookSubscriptionSchema = z
  .object({
    id: RecordKeySchema,
    url: z.string(),
    events: z.array(WebhookEventSchema),
    description: z.string().nullable(),
    active: z.boolean(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "WebhookSubscription" });

export const WebhookSubscriptionCreatedSchema = WebhookSubscriptionSchema.extend({
  secret: z.string().meta({
    description:
      "Signs every delivery (shown once): X-CRM-Signature is `v1=` + hex HMAC-SHA256 of `<X-CRM-Timestamp>.<body>`.",
  }),
}).meta({ id: "WebhookSubscriptionCreated" });

const UrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), "must be an https URL")
  .meta({ description: "Where events are POSTed: https, on a public host." });

const EventsSchema = z
  .array(WebhookEventSchema)
  .min(1)
  .max(WEBHOOK_EVENTS.length * 2)
  .overwrite((events) => [...new Set(events)]);

export const WebhookSubscriptionCreateSchema = z
  .strictObject({
    url: UrlSchema,
    events: EventsSchema,
    description: ShortTextSchema(200).optional(),
    secret: z
      .string()
      .min(24, "must be at least 24 characters")
      .max(200)
      .optional()
      .meta({ description: "Your own signing secret; one is generated when omitted." }),
    active: z.boolean().optional(),
  })
  .meta({ id: "WebhookSubscriptionCreate" });

export const WebhookSubscriptionPatchSchema = z
  .strictObject({
    url: UrlSchema.optional(),
    events: EventsSchema.optional(),
    description: ShortTextSchema(200).nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .meta({ id: "WebhookSubscriptionPatch" });

export const WebhookListQuerySchema = PaginationQuerySchema.extend({
  sort: sortParam(["created_at"] as const, "-created_at"),
});
export const WebhookSubscriptionPageSchema = pageOf(WebhookSubscriptionSchema, "WebhookSubscription");

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "sending", "delivered", "failed"] as const;

export const WebhookDeliverySchema = z
  .object({
    id: RecordKeySchema,
    subscription: RecordKeySchema,
    event: WebhookEventSchema,
    event_id: z.string(),
    payload: z.record(z.string(), z.unknown()),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    last_status: z.number().int().nullable().meta({ description: "The HTTP status of the last attempt." }),
    last_error: z.string().nullable(),
    created_at: TimestampSchema,
    delivered_at: TimestampSchema.nullable(),
  })
  .meta({ id: "WebhookDelivery" });

export const WebhookDeliveryListQuerySchema = PaginationQuerySchema.extend({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  sort: sortParam(["created_at"] as const, "-created_at"),
});
export const WebhookDeliveryPageSchema = pageOf(WebhookDeliverySchema, "WebhookDelivery");

export type WebhookSubscription = z.infer<typeof WebhookSubscriptionSchema>;
export type WebhookSubscriptionCreate = z.infer<typeof WebhookSubscriptionCreateSchema>;
export type WebhookSubscriptionPatch = z.infer<typeof WebhookSubscriptionPatchSchema>;
export type WebhookListQuery = z.infer<typeof WebhookListQuerySchema>;
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuerySchema>;
