import { errorResponses } from "@crm/shared/errors";
import { IdParamSchema, TimelineEntryCreateSchema, TimelineEntrySchema } from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, jsonBody, jsonContent } from "../app/crud.routes.ts";

export const timelineRoutes = {
  create: createRoute(
    secured("write", {
      method: "post",
      path: "/api/timeline",
      tags: ["Timeline"],
      summary: "Log a note, call, meeting or task on a contact (recomputes the contact's engagement score)",
      request: { body: jsonBody(TimelineEntryCreateSchema) },
      responses: {
        201: jsonContent(TimelineEntrySchema, "The logged entry"),
        ...errorResponses(...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  get: createRoute(
    secured("read", {
      method: "get",
      path: "/api/timeline/{id}",
      tags: ["Timeline"],
      summary: "Get a timeline entry",
      request: { params: IdParamSchema },
      responses: {
        200: jsonContent(TimelineEntrySchema, "The entry"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
  remove: createRoute(
    secured("write", {
      method: "delete",
      path: "/api/timeline/{id}",
      tags: ["Timeline"],
      summary: "Delete a hand-logged entry (system entries are the audit trail and stay)",
      request: { params: IdParamSchema },
      responses: {
        204: { description: "The entry was deleted; the contact's score was recomputed" },
        ...errorResponses("not_found", "conflict", ...COMMON_ERRORS),
      },
    }),
  ),
};
