import { errorResponses } from "@crm/shared/errors";
import { OutboxListQuerySchema, OutboxPageSchema } from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { COMMON_ERRORS, jsonContent } from "../app/crud.routes.ts";

export const outboxRoutes = {
  list: createRoute(
    secured("read", {
      method: "get",
      path: "/api/outbox",
      tags: ["Campaign execution"],
      summary:
        "Emails the outbox transport sent (EMAIL_TRANSPORT=outbox): full messages with headers, newest first",
      request: { query: OutboxListQuerySchema },
      responses: {
        200: jsonContent(OutboxPageSchema, "A page of messages"),
        ...errorResponses("validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
};
