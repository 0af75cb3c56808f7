import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { rsvpAnswer, rsvpPage } from "./rsvp.handlers.tsx";
import { rsvpRoutes } from "./rsvp.routes.ts";

/** Invitees' RSVP pages and calendar files at the edge. Public; a signed personal link decides who. */
export const rsvpGroup = createGroup()
  .openapi(rsvpRoutes.page, rsvpPage)
  .openapi(rsvpRoutes.answer, rsvpAnswer);

/** Deployable alone: `wrangler deploy functions/rsvp/index.ts`. */
export default toWorker(createWorker([rsvpGroup], "Edge CRM: RSVP pages"));
