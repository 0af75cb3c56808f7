import { errorResponses } from "@crm/shared/errors";
import { LoginResultSchema, LoginSchema, PrincipalSchema } from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { publicRoute, secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, jsonBody, jsonContent } from "../app/crud.routes.ts";

export const authRoutes = {
  login: createRoute(
    publicRoute({
      method: "post",
      path: "/api/auth/login",
      tags: ["Auth"],
      summary: "Sign in with email and password; returns a short-lived session token",
      description:
        "Attempts are limited per IP address and per account (429 with Retry-After). The first admin can sign " +
        "in with CRM_ADMIN_EMAIL and CRM_ADMIN_PASSWORD, which creates their user on first use.",
      request: { body: jsonBody(LoginSchema) },
      responses: {
        200: jsonContent(LoginResultSchema, "Signed in"),
        ...errorResponses(...BODY_ERRORS, "unauthorized", "rate_limited", ...COMMON_ERRORS),
      },
    }),
  ),
  logout: createRoute(
    secured("read", {
      method: "post",
      path: "/api/auth/logout",
      tags: ["Auth"],
      summary: "End the current session (its token stops working at once)",
      responses: {
        204: { description: "Signed out" },
        ...errorResponses("conflict", ...COMMON_ERRORS),
      },
    }),
  ),
  me: createRoute(
    secured("read", {
      method: "get",
      path: "/api/auth/me",
      tags: ["Auth"],
      summary: "Who the presented credential belongs to, and what it may do",
      responses: {
        200: jsonContent(PrincipalSchema, "The caller"),
        ...errorResponses(...COMMON_ERRORS),
      },
    }),
  ),
};
