import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { confirmationPage, confirmOptIn, showPage, submitForm, thanksPage } from "./landing.handlers.tsx";
import { landingRoutes } from "./landing.routes.ts";

/** Public landing pages at the edge: cached pages, their forms, thank-you and double opt-in pages. */
export const landingGroup = createGroup()
  .openapi(landingRoutes.page, showPage)
  .openapi(landingRoutes.submit, submitForm)
  .openapi(landingRoutes.thanks, thanksPage)
  .openapi(landingRoutes.confirmPage, confirmationPage)
  .openapi(landingRoutes.confirm, confirmOptIn);

/** Deployable alone: `wrangler deploy functions/landing/index.ts`. */
export default toWorker(createWorker([landingGroup], "Edge CRM: landing pages"));
