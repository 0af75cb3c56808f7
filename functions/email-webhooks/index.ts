import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { receiveEmailWebhook } from "./email-webhooks.handlers.ts";
import { emailWebhookRoutes } from "./email-webhooks.routes.ts";

/** Bounce and complaint webhooks from the email providers. Public; each request proves its origin. */
export const emailWebhooksGroup = createGroup().openapi(emailWebhookRoutes.receive, receiveEmailWebhook);

/** Deployable alone: `wrangler deploy functions/email-webhooks/index.ts`. */
export default toWorker(createWorker([emailWebhooksGroup], "Edge CRM: email provider webhooks"));
