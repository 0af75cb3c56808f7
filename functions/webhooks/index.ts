import { generateWebhookSecret } from "@crm/shared/delivery";
import { webhookTargetProblem } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import type { WebhookSubscriptionCreate, WebhookSubscriptionPatch } from "@crm/shared/schemas";
import type { Context } from "hono";
import { withCrud } from "../app/crud.handlers.ts";
import { type AppEnv, createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { webhookRoutes } from "./webhooks.routes.ts";

/** 422 naming `url` when it may not be a webhook target (https, public host; development may relax it). */
function checkTarget(c: Context<AppEnv>, url: string | undefined) {
  if (url === undefined) return;
  const problem = webhookTargetProblem(url, {
    allowPrivate: c.var.config.delivery.outgoingWebhooks.allowPrivateTargets,
  });
  if (problem) throw AppError.invalidField("url", problem);
}

/** Outgoing webhook subscriptions (NotificationService) and their delivery logs. Admins only. */
export const webhooksGroup = withCrud(
  createGroup(),
  webhookRoutes,
  (r) => r.webhooks,
  "webhook subscription",
  {
    create: async (c, input: WebhookSubscriptionCreate) => {
      checkTarget(c, input.url);
      const secret = input.secret ?? generateWebhookSecret();
      const created = await (await c.var.services.repositories()).webhooks.create({ ...input, secret });
      return { ...created, secret };
    },
    beforeUpdate: (c, patch: WebhookSubscriptionPatch) => checkTarget(c, patch.url),
  },
).openapi(webhookRoutes.deliveries, async (c) => {
  const { id } = c.req.valid("param");
  const { webhooks } = await c.var.services.repositories();
  await webhooks.require(id);
  return c.json(await webhooks.listDeliveries(id, c.req.valid("query")), 200);
});

/** Deployable alone: `wrangler deploy functions/webhooks/index.ts`. */
export default toWorker(createWorker([webhooksGroup], "Edge CRM API: webhooks"));
