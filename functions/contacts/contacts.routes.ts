import { errorResponses } from "@crm/shared/errors";
import {
  ContactCreateSchema,
  ContactListQuerySchema,
  ContactPageSchema,
  ContactPatchSchema,
  ContactSchema,
  ContactSummarySchema,
  IdParamSchema,
  TimelineListQuerySchema,
  TimelinePageSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { COMMON_ERRORS, crudRoutes, jsonContent } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/contacts",
  tag: "Contacts",
  noun: "contact",
  schemas: {
    entity: ContactSchema,
    page: ContactPageSchema,
    create: ContactCreateSchema,
    patch: ContactPatchSchema,
    listQuery: ContactListQuerySchema,
  },
  writeErrors: ["duplicate", "conflict"],
});

export const contactRoutes = {
  ...crud,
  timeline: createRoute(
    secured("read", {
      method: "get",
      path: "/api/contacts/{id}/timeline",
      tags: ["Contacts", "Timeline"],
      summary: "A contact's timeline, newest first",
      request: { params: IdParamSchema, query: TimelineListQuerySchema },
      responses: {
        200: jsonContent(TimelinePageSchema, "A page of timeline entries"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
  summary: createRoute(
    secured("read", {
      method: "get",
      path: "/api/contacts/{id}/summary",
      tags: ["Contacts", "Timeline"],
      summary: "A summary of the contact's timeline with the next best action",
      description:
        "Written by the configured model or, offline and on any model failure, by the template provider " +
        "from the real timeline; the metadata says which.",
      request: { params: IdParamSchema },
      responses: {
        200: jsonContent(ContactSummarySchema, "The summary"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
};
