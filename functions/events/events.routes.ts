import { errorResponses } from "@crm/shared/errors";
import {
  AttendeeListQuerySchema,
  AttendeePageSchema,
  CheckInRequestSchema,
  EventCreateSchema,
  EventListQuerySchema,
  EventPageSchema,
  EventPatchSchema,
  EventSchema,
  IdParamSchema,
  InviteRequestSchema,
  InviteResultSchema,
  RsvpChangeRequestSchema,
  RsvpChangeSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, crudRoutes, jsonBody, jsonContent } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/events",
  tag: "Events",
  noun: "event",
  schemas: {
    entity: EventSchema,
    page: EventPageSchema,
    create: EventCreateSchema,
    patch: EventPatchSchema,
    listQuery: EventListQuerySchema,
  },
  writeErrors: ["conflict"],
});

export const eventRoutes = {
  ...crud,
  list: { ...crud.list, summary: "List events (filters: when=upcoming|past, type, campaign)" },
  update: {
    ...crud.update,
    summary:
      "Change an event (start before end; capacity not below the seats taken; raising it promotes the waitlist)",
  },
  remove: { ...crud.remove, summary: "Delete an event with its RSVPs" },
  invite: createRoute(
    secured("write", {
      method: "post",
      path: "/api/events/{id}/invite",
      tags: ["Events"],
      summary: "Invite contacts (ids, a saved segment or a tree): idempotent, one transaction",
      description:
        "Contacts without an RSVP for the event are invited (an `event_invite` timeline entry each); those with one " +
        "are counted as `already_invited` and left alone; unknown ids are reported in `not_found_ids`, not fatal. " +
        "With `send: true` every invitee not emailed yet (new or earlier) is emailed their personal RSVP link and the " +
        "event's .ics link through the delivery queue, at most once; the outcome is on each RSVP (`invite_email`).",
      request: { params: IdParamSchema, body: jsonBody(InviteRequestSchema) },
      responses: {
        200: jsonContent(InviteResultSchema, "What the invitation did"),
        ...errorResponses("not_found", "conflict", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  rsvp: createRoute(
    secured("write", {
      method: "post",
      path: "/api/events/{id}/rsvp",
      tags: ["Events"],
      summary: "Move a contact's RSVP: registered, cancelled, attended, no_show",
      description:
        "invited → registered (waitlisted when every seat is taken; promoted in order when one frees) → attended | " +
        "no_show (only once the event has started); cancelled before the start. Asking for the current status " +
        "changes nothing. Refused moves are 409 with the reason.",
      request: { params: IdParamSchema, body: jsonBody(RsvpChangeRequestSchema) },
      responses: {
        200: jsonContent(RsvpChangeSchema, "The RSVP after the change"),
        ...errorResponses("not_found", "conflict", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  checkIn: createRoute(
    secured("write", {
      method: "post",
      path: "/api/events/{id}/check-in",
      tags: ["Events"],
      summary: "Check a registered contact in at the door (attended); checking in twice is harmless",
      request: { params: IdParamSchema, body: jsonBody(CheckInRequestSchema) },
      responses: {
        200: jsonContent(RsvpChangeSchema, "The RSVP, now attended"),
        ...errorResponses("not_found", "conflict", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  attendees: createRoute(
    secured("read", {
      method: "get",
      path: "/api/events/{id}/attendees",
      tags: ["Events"],
      summary: "The event's RSVPs with names and emails (filter: status), counts per status and seats",
      request: { params: IdParamSchema, query: AttendeeListQuerySchema },
      responses: {
        200: jsonContent(AttendeePageSchema, "A page of RSVPs, with the counts"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
};
