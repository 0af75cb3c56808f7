import { errorResponses } from "@crm/shared/errors";
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { publicLink } from "../app/access.ts";
import { jsonContent } from "../app/crud.routes.ts";

/** Signatures cover the exact bytes sent: read them before anything parses the body. */
const keepRawBody: MiddlewareHandler = async (c, next) => {
  await c.req.text();
  await next();
};

export const EmailWebhookResultSchema = z
  .object({
    received: z.literal(true),
    suppressed: z.number().int().meta({ description: "Addresses newly put on the suppression list." }),
  })
  .meta({ id: "EmailWebhookResult" });

export const emailWebhookRoutes = {
  receive: createRoute(
    publicLink({
      method: "post",
      path: "/webhooks/email/{provider}",
      tags: ["Campaign execution"],
      summary: "Bounce and complaint notifications from the email provider",
      description:
        "Resend: signed the Svix way (svix-id, svix-timestamp, svix-signature; RESEND_WEBHOOK_SECRET), events " +
        "email.bounced and email.complained. Postmark: HTTP Basic credentials in the webhook URL " +
        "(POSTMARK_WEBHOOK_USER/PASSWORD), Bounce (hard) and SpamComplaint records. Each bounced or complaining " +
        "address goes on the suppression list that every later run honours, with a consent record and an " +
        "email_bounced or unsubscribed timeline entry. Other events are acknowledged and ignored.",
      middleware: [keepRawBody] as const,
      request: {
        params: z.object({
          provider: z.enum(["resend", "postmark"]).meta({ param: { name: "provider", in: "path" } }),
        }),
        body: {
          required: true,
          content: {
            "application/json": { schema: z.record(z.string(), z.unknown()).or(z.array(z.unknown())) },
          },
        },
      },
      responses: {
        200: jsonContent(EmailWebhookResultSchema, "Received"),
        ...errorResponses("unauthorized", "not_found", "validation_failed", "database_unavailable"),
      },
    }),
  ),
};
