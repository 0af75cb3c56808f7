import { errorResponses } from "@crm/shared/errors";
import { BrandSettingsSchema, BrandSettingsUpdateSchema } from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, jsonBody, jsonContent } from "../app/crud.routes.ts";

export const settingsRoutes = {
  get: createRoute(
    secured("read", {
      method: "get",
      path: "/api/settings",
      tags: ["Settings"],
      summary: "The brand settings used by content generation and email footers",
      responses: {
        200: jsonContent(BrandSettingsSchema, "The brand settings (defaults until first saved)"),
        ...errorResponses(...COMMON_ERRORS),
      },
    }),
  ),
  update: createRoute(
    secured("admin", {
      method: "patch",
      path: "/api/settings",
      tags: ["Settings"],
      summary: "Change brand settings (admins: the sender and postal address go into every email)",
      request: { body: jsonBody(BrandSettingsUpdateSchema) },
      responses: {
        200: jsonContent(BrandSettingsSchema, "The updated settings"),
        ...errorResponses(...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
};
