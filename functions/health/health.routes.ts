import { errorResponses } from "@crm/shared/errors";
import { HealthSchema } from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { publicRoute } from "../app/access.ts";
import { jsonContent } from "../app/crud.routes.ts";

export const healthRoute = createRoute(
  publicRoute({
    method: "get",
    path: "/health",
    tags: ["Health"],
    summary: "Is the Worker up, and can it reach its database?",
    responses: {
      200: jsonContent(HealthSchema, "The Worker and its database are up"),
      ...errorResponses("database_unavailable", "configuration_error"),
    },
  }),
);
