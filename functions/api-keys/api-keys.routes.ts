import { errorResponses } from "@crm/shared/errors";
import {
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeyListQuerySchema,
  ApiKeyPageSchema,
  ApiKeySchema,
  IdParamSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, jsonBody, jsonContent } from "../app/crud.routes.ts";

/** API keys are managed by admins only. */
export const apiKeyRoutes = {
  list: createRoute(
    secured("admin", {
      method: "get",
      path: "/api/api-keys",
      tags: ["API keys"],
      summary: "List API keys (never their secrets), revoked ones included",
      request: { query: ApiKeyListQuerySchema },
      responses: {
        200: jsonContent(ApiKeyPageSchema, "A page of API keys"),
        ...errorResponses("validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
  create: createRoute(
    secured("admin", {
      method: "post",
      path: "/api/api-keys",
      tags: ["API keys"],
      summary: "Create an API key; the response is the only time its secret is shown",
      request: { body: jsonBody(ApiKeyCreateSchema) },
      responses: {
        201: jsonContent(ApiKeyCreatedSchema, "The key, with its secret"),
        ...errorResponses(...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  get: createRoute(
    secured("admin", {
      method: "get",
      path: "/api/api-keys/{id}",
      tags: ["API keys"],
      summary: "Get an API key (without its secret)",
      request: { params: IdParamSchema },
      responses: {
        200: jsonContent(ApiKeySchema, "The key"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
  revoke: createRoute(
    secured("admin", {
      method: "delete",
      path: "/api/api-keys/{id}",
      tags: ["API keys"],
      summary: "Revoke an API key, effective immediately (it stays listed as revoked)",
      request: { params: IdParamSchema },
      responses: {
        204: { description: "Revoked" },
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
};
