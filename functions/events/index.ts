import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { changeRsvp, checkIn, inviteToEvent, listAttendees, updateEvent } from "./events.handlers.ts";
import { eventRoutes } from "./events.routes.ts";

/** Events: CRUD, idempotent invitations, the RSVP state machine with its waitlist, and the door. */
export const eventsGroup = withCrud(createGroup(), eventRoutes, (r) => r.events, "event", {
  update: updateEvent,
})
  .openapi(eventRoutes.invite, inviteToEvent)
  .openapi(eventRoutes.rsvp, changeRsvp)
  .openapi(eventRoutes.checkIn, checkIn)
  .openapi(eventRoutes.attendees, listAttendees);

/** Deployable alone: `wrangler deploy functions/events/index.ts`. */
export default toWorker(createWorker([eventsGroup], "Edge CRM API: events"));
