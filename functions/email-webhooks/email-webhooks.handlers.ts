import {
  type ProviderEvent,
  postmarkEvents,
  resendEvents,
  verifyBasicAuth,
  verifySvixSignature,
} from "@crm/shared/delivery";
import { AppError } from "@crm/shared/errors";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { emailWebhookRoutes } from "./email-webhooks.routes.ts";

const refused = () => new AppError("unauthorized", "the webhook's signature or credentials are not valid");

export const receiveEmailWebhook: RouteHandler<typeof emailWebhookRoutes.receive, AppEnv> = async (c) => {
  const { provider } = c.req.valid("param");
  const settings = c.var.config.delivery.webhooks;
  const raw = await c.req.text();
  let events: ProviderEvent[];
  if (provider === "resend") {
    if (!settings.resendSecret) throw new AppError("not_found", "no Resend webhook is configured");
    const valid = await verifySvixSignature(
      settings.resendSecret,
      {
        id: c.req.header("svix-id"),
        timestamp: c.req.header("svix-timestamp"),
        signature: c.req.header("svix-signature"),
      },
      raw,
    );
    if (!valid) throw refused();
    events = resendEvents(c.req.valid("json"));
  } else {
    if (!settings.postmark) throw new AppError("not_found", "no Postmark webhook is configured");
    const { user, password } = settings.postmark;
    if (!(await verifyBasicAuth(c.req.header("authorization"), user, password))) throw refused();
    events = postmarkEvents(c.req.valid("json"));
  }

  const repos = await c.var.services.repositories();
  let suppressed = 0;
  for (const event of events) {
    const delivery =
      (event.delivery ? await repos.deliveries.delivery(event.delivery) : undefined) ??
      (event.providerMessageId
        ? await repos.deliveries.byProviderMessage(event.providerMessageId)
        : undefined);
    const created = await repos.suppressions.suppress({
      email: event.email,
      reason: event.kind,
      source: `webhook:${provider}`,
      contact:
        delivery?.email === event.email ? delivery.contact : await repos.contacts.keyByEmail(event.email),
      campaign: delivery?.campaign ?? null,
    });
    if (created) suppressed += 1;
  }
  return c.json({ received: true as const, suppressed }, 200);
};
