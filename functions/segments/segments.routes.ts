import { errorResponses } from "@crm/shared/errors";
import {
  SegmentCreateSchema,
  SegmentListQuerySchema,
  SegmentPageSchema,
  SegmentPatchSchema,
  SegmentPreviewRequestSchema,
  SegmentPreviewSchema,
  SegmentSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, crudRoutes, jsonBody, jsonContent } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/segments",
  tag: "Segments",
  noun: "segment",
  schemas: {
    entity: SegmentSchema,
    page: SegmentPageSchema,
    create: SegmentCreateSchema,
    patch: SegmentPatchSchema,
    listQuery: SegmentListQuerySchema,
  },
  writeErrors: ["conflict"],
});

export const segmentRoutes = {
  ...crud,
  remove: {
    ...crud.remove,
    summary: "Delete a saved segment (409 while a scheduled or running campaign uses it)",
  },
  preview: createRoute(
    secured("read", {
      method: "post",
      path: "/api/segments/preview",
      tags: ["Segments"],
      summary: "How many contacts a tree (or saved segment) matches now, and the newest 20 of them",
      request: { body: jsonBody(SegmentPreviewRequestSchema) },
      responses: {
        200: jsonContent(SegmentPreviewSchema, "The preview"),
        ...errorResponses("not_found", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
};
