import { z } from "zod";
import { RecordKeySchema, TimestampSchema } from "./common.ts";

export const EVENT_TYPES = ["webinar", "meetup", "ama", "demo", "other"] as const;
export const RSVP_STATUSES = ["invited", "registered", "attended", "no_show", "cancelled"] as const;

export const EventTypeSchema = z.enum(EVENT_TYPES).meta({ id: "EventType" });
export const RsvpStatusSchema = z.enum(RSVP_STATUSES).meta({ id: "RsvpStatus" });

export const EventSchema = z
  .object({
    id: RecordKeySchema,
    campaign: RecordKeySchema.nullable(),
    name: z.string(),
    type: EventTypeSchema,
    description: z.string(),
    start_time: TimestampSchema,
    end_time: TimestampSchema,
    location: z.string(),
    capacity: z.number().int().nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "Event" });

export type Event = z.infer<typeof EventSchema>;
