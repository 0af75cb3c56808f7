import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import {
  contactConsent,
  generatePage,
  landingPagesCrud,
  publishPage,
  unpublishPage,
} from "./landing-pages.handlers.ts";
import { landingPageRoutes } from "./landing-pages.routes.ts";

/**
 * Landing pages: drafted from a prompt (or written by hand), edited, published and unpublished; the
 * public side is functions/landing. Also each contact's consent log, which their forms write.
 */
export const landingPagesGroup = withCrud(
  // The generate route is registered before the CRUD routes: `/generate` is not an `{id}`.
  createGroup().openapi(landingPageRoutes.generate, generatePage),
  landingPageRoutes,
  landingPagesCrud,
  "landing_page",
)
  .openapi(landingPageRoutes.publish, publishPage)
  .openapi(landingPageRoutes.unpublish, unpublishPage)
  .openapi(landingPageRoutes.consent, contactConsent);

/** Deployable alone: `wrangler deploy functions/landing-pages/index.ts`. */
export default toWorker(createWorker([landingPagesGroup], "Edge CRM API: landing pages"));
