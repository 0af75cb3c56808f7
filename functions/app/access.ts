import type { Scope } from "@crm/shared/domain";
import { errorResponses } from "@crm/shared/errors";
import type { RouteConfig } from "@hono/zod-openapi";
import { requireAccess } from "./auth.ts";
import { registerPublicRoute } from "./public-routes.ts";

/**
 * Every route states who may call it, in its contract: `secured(scope, route)` or `publicRoute(route)`.
 * The decision drives the middleware, the OpenAPI `security` requirement and the
 * `x-required-access` extension the security test suite reads; a route with neither fails that suite.
 */
export const ACCESS_EXTENSION = "x-required-access";
export const BEARER_SCHEME = "bearerAuth";

export function secured<R extends RouteConfig>(scope: Scope, route: R) {
  const security: Array<Record<string, string[]>> = [{ [BEARER_SCHEME]: [] }];
  return {
    ...route,
    security,
    "x-required-access": scope,
    middleware: [requireAccess(scope)],
    responses: { ...route.responses, ...errorResponses("unauthorized", "forbidden", "rate_limited") },
  };
}

/** Opts a route out of authentication. Only routes with fixed paths can be public. */
export function publicRoute<R extends RouteConfig>(route: R) {
  if (route.path.includes("{")) throw new Error(`public routes need a fixed path: ${route.path}`);
  registerPublicRoute(route.method, route.path);
  const security: Array<Record<string, string[]>> = [];
  return { ...route, security, "x-required-access": "public" as const };
}

/**
 * A public page outside /api (tracking pixels, click redirects, unsubscribe pages): links in emails,
 * opened by people with no credential. What they may do is decided by the signed token in the path.
 */
export function publicLink<R extends RouteConfig>(route: R) {
  if (route.path.startsWith("/api")) throw new Error(`public links live outside /api: ${route.path}`);
  const security: Array<Record<string, string[]>> = [];
  return { ...route, security, "x-required-access": "public" as const };
}
