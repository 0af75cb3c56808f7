import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { trackClick, trackOpen, unsubscribe, unsubscribePage } from "./tracking.handlers.ts";
import { trackingRoutes } from "./tracking.routes.ts";

/** Links in sent emails: open pixel, click redirects, unsubscribe. Public; the signed token decides. */
export const trackingGroup = createGroup()
  .openapi(trackingRoutes.open, trackOpen)
  .openapi(trackingRoutes.click, trackClick)
  .openapi(trackingRoutes.unsubscribePage, unsubscribePage)
  .openapi(trackingRoutes.unsubscribe, unsubscribe);

/** Deployable alone: `wrangler deploy functions/tracking/index.ts`. */
export default toWorker(createWorker([trackingGroup], "Edge CRM: tracking links"));
