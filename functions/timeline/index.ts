import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { createEntry, getEntry, removeEntry } from "./timeline.handlers.ts";
import { timelineRoutes } from "./timeline.routes.ts";

/** Timeline: hand-logged interactions; every write recomputes the contact's engagement score. */
export const timelineGroup = createGroup()
  .openapi(timelineRoutes.create, createEntry)
  .openapi(timelineRoutes.get, getEntry)
  .openapi(timelineRoutes.remove, removeEntry);

/** Deployable alone: `wrangler deploy functions/timeline/index.ts`. */
export default toWorker(createWorker([timelineGroup], "Edge CRM API: timeline"));
