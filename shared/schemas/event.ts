import { z } from "zod";
import { RSVP_REQUESTS, RSVP_STATUSES } from "../domain/rsvp.ts";
import { PaginationQuerySchema, pageOf, RecordKeySchema, sortParam, TimestampSchema } from "./common.ts";
import { ShortTextSchema } from "./fields.ts";
import { SegmentTreeSchema } from "./segment-tree.ts";

export { RSVP_REQUESTS, RSVP_STATUSES };
export const EVENT_TYPES = ["webinar", "meetup", "ama", "demo", "other"] as const;

export const EventTypeSchema = z.enum(EVENT_TYPES).meta({ id: "EventType" });
export const RsvpStatusSchema = z.enum(RSVP_STATUSES).meta({ id: "RsvpStatus" });
export const RsvpRequestStatusSchema = z.enum(RSVP_REQUESTS).meta({ id: "RsvpRequestStatus" });

/** Most people an event can seat; a bigger number is a typo, not a venue. */
export const MAX_CAPACITY = 1_000_000;

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
    seats_taken: z
      .number()
      .int()
      .meta({ description: "Registered plus attended: the seats held. Never more than `capacity`." }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .meta({ id: "Event" });

/**
 * Where it happens: a place ("Room 4, 1 Market St") or a link. Anything that starts like a URL must be
 * an http(s) one, so no `javascript:` ever lands in a page as a link.
 */
const LocationSchema = z
  .string()
  .max(1000)
  .trim()
  .max(500)
  .refine((text) => !/\p{Cc}/u.test(text), "must not contain control characters")
  .refine((text) => {
    const looksLikeLink =
      /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^\s*(javascript|data|vbscript|file):/i.test(text);
    if (!looksLikeLink) return true;
    try {
      const url = new URL(text);
      return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, "a link must be an http(s) URL");

const CapacitySchema = z.number().int().min(1).max(MAX_CAPACITY);
const DescriptionSchema = z.string().max(5000);
const startBeforeEnd = { message: "must be after start_time", path: ["end_time"] };

export const EventCreateSchema = z
  .strictObject({
    name: ShortTextSchema(200),
    type: EventTypeSchema,
    description: DescriptionSchema.optional(),
    start_time: TimestampSchema,
    end_time: TimestampSchema,
    location: LocationSchema.optional(),
    capacity: CapacitySchema.nullable().optional(),
    campaign: RecordKeySchema.optional(),
  })
  .refine((event) => new Date(event.start_time) < new Date(event.end_time), startBeforeEnd)
  .meta({ id: "EventCreate" });

export const EventPatchSchema = z
  .strictObject({
    name: ShortTextSchema(200).optional(),
    type: EventTypeSchema.optional(),
    description: DescriptionSchema.optional(),
    start_time: TimestampSchema.optional(),
    end_time: TimestampSchema.optional(),
    location: LocationSchema.optional(),
    capacity: CapacitySchema.nullable().optional().meta({
      description:
        "Raising it promotes people from the waitlist; it cannot go below the seats already taken.",
    }),
    campaign: RecordKeySchema.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .refine(
    (patch) => !patch.start_time || !patch.end_time || new Date(patch.start_time) < new Date(patch.end_time),
    startBeforeEnd,
  )
  .meta({ id: "EventPatch" });

export const EventListQuerySchema = PaginationQuerySchema.extend({
  when: z
    .enum(["upcoming", "past"])
    .optional()
    .meta({ description: "upcoming: not yet ended (running ones included); past: ended." }),
  type: EventTypeSchema.optional(),
  campaign: RecordKeySchema.optional(),
  sort: sortParam(["start_time", "created_at"] as const, "start_time"),
});

export const EventPageSchema = pageOf(EventSchema, "Event");

export const RsvpSchema = z
  .object({
    id: RecordKeySchema,
    event: RecordKeySchema,
    contact: RecordKeySchema,
    status: RsvpStatusSchema,
    timestamp: TimestampSchema.meta({ description: "When the status last changed." }),
    invited_at: TimestampSchema,
    waitlisted_at: TimestampSchema.nullable(),
    invite_email: z.enum(["sent", "skipped", "failed"]).nullable().meta({
      description: "The invitation email (`send: true`): sent, skipped (suppressed address) or failed.",
    }),
    invite_email_at: TimestampSchema.nullable(),
    invite_email_reason: z.string().nullable(),
  })
  .meta({ id: "Rsvp" });

/** An RSVP with who it is (as stored; the API adds the personal link). */
export const AttendeeRowSchema = RsvpSchema.extend({
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
});

export const AttendeeSchema = AttendeeRowSchema.extend({
  rsvp_url: z
    .string()
    .nullable()
    .meta({
      description:
        "The contact's personal RSVP page (a signed link for this event only), to send or share; null for " +
        "callers without the write scope (the link can register and cancel).",
    }),
}).meta({ id: "Attendee" });

export const RsvpCountsSchema = z
  .object(
    Object.fromEntries(RSVP_STATUSES.map((status) => [status, z.number().int()])) as Record<
      (typeof RSVP_STATUSES)[number],
      z.ZodNumber
    >,
  )
  .meta({ id: "RsvpCounts" });

export const AttendeeListQuerySchema = PaginationQuerySchema.extend({
  status: RsvpStatusSchema.optional(),
  sort: sortParam(["timestamp", "invited_at"] as const, "invited_at"),
});

export const AttendeePageSchema = z
  .object({
    data: z.array(AttendeeSchema),
    nextCursor: z.string().nullable(),
    counts: RsvpCountsSchema,
    capacity: z.number().int().nullable(),
    seats_taken: z.number().int(),
  })
  .meta({ id: "AttendeePage" });

export const MAX_INVITE_IDS = 1000;

export const InviteRequestSchema = z
  .strictObject({
    contact_ids: z.array(RecordKeySchema).min(1).max(MAX_INVITE_IDS).optional(),
    segment: RecordKeySchema.optional().meta({ description: "A saved segment's id…" }),
    segment_tree: SegmentTreeSchema.optional().meta({ description: "…or a segment tree." }),
    send: z
      .boolean()
      .default(false)
      .meta({
        description:
          "Also email every invitee not emailed yet (new and earlier ones): their personal RSVP link and the " +
          "event's calendar file link, through the delivery queue, at most once each.",
      }),
  })
  .refine((body) => [body.contact_ids, body.segment, body.segment_tree].filter(Boolean).length === 1, {
    message: "give exactly one of contact_ids, segment or segment_tree",
    path: ["contact_ids"],
  })
  .meta({ id: "InviteRequest" });

export const InviteResultSchema = z
  .object({
    invited: z.number().int().meta({ description: "Newly invited." }),
    already_invited: z
      .number()
      .int()
      .meta({ description: "Had an RSVP for this event already (any status)." }),
    not_found: z.number().int().meta({ description: "Contact ids that name no contact." }),
    not_found_ids: z.array(z.string()),
    emails_queued: z.number().int().meta({
      description: "With `send`: invitations queued for emailing (invitees emailed before are not).",
    }),
  })
  .meta({ id: "InviteResult" });

export const RsvpChangeRequestSchema = z
  .strictObject({ contact_id: RecordKeySchema, status: RsvpRequestStatusSchema })
  .meta({ id: "RsvpChangeRequest" });

export const CheckInRequestSchema = z
  .strictObject({ contact_id: RecordKeySchema })
  .meta({ id: "CheckInRequest" });

export const RsvpChangeSchema = z
  .object({
    rsvp: RsvpSchema,
    changed: z.boolean().meta({ description: "False when the contact already had that status." }),
    promoted: z
      .array(RecordKeySchema)
      .meta({ description: "Contacts moved up from the waitlist because this change freed a seat." }),
  })
  .meta({ id: "RsvpChange" });

export type Event = z.infer<typeof EventSchema>;
export type EventCreate = z.infer<typeof EventCreateSchema>;
export type EventPatch = z.infer<typeof EventPatchSchema>;
export type EventListQuery = z.infer<typeof EventListQuerySchema>;
export type Rsvp = z.infer<typeof RsvpSchema>;
export type Attendee = z.infer<typeof AttendeeSchema>;
export type AttendeeListQuery = z.infer<typeof AttendeeListQuerySchema>;
export type AttendeePage = z.infer<typeof AttendeePageSchema>;
export type AttendeeRow = z.infer<typeof AttendeeRowSchema>;
export type RsvpCounts = z.infer<typeof RsvpCountsSchema>;
export type InviteRequest = z.infer<typeof InviteRequestSchema>;
export type InviteResult = z.infer<typeof InviteResultSchema>;
export type RsvpChange = z.infer<typeof RsvpChangeSchema>;
