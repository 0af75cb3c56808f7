import { errorResponses } from "@crm/shared/errors";
import {
  IdParamSchema,
  WebhookDeliveryListQuerySchema,
  WebhookDeliveryPageSchema,
  WebhookListQuerySchema,
  WebhookSubscriptionCreatedSchema,
  WebhookSubscriptionCreateSchema,
  WebhookSubscriptionPageSchema,
  WebhookSubscriptionPatchSchema,
  WebhookSubscriptionSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { COMMON_ERRORS, crudRoutes, jsonContent } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/webhooks",
  tag: "Webhooks",
  noun: "webhook subscription",
  schemas: {
    entity: WebhookSubscriptionSchema,
    page: WebhookSubscriptionPageSchema,
    create: WebhookSubscriptionCreateSchema,
    patch: WebhookSubscriptionPatchSchema,
    listQuery: WebhookListQuerySchema,
  },
  access: { read: "admin", write: "admin" },
});

export const webhookRoutes = {
  ...crud,
  create: {
    ...crud.create,
    summary: "Subscribe a URL to events (https, public host); the signing secret is in this response only",
    responses: {
      ...crud.create.responses,
      201: jsonContent(WebhookSubscriptionCreatedSchema, "The subscription and its secret"),
    },
  },
  deliveries: createRoute(
    secured("admin", {
      method: "get",
      path: "/api/webhooks/{id}/deliveries",
      tags: ["Webhooks"],
      summary: "The subscription's delivery log: every event sent, attempts, last HTTP status and error",
      request: { params: IdParamSchema, query: WebhookDeliveryListQuerySchema },
      responses: {
        200: jsonContent(WebhookDeliveryPageSchema, "A page of deliveries, newest first"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
};
