import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./factory.ts";

const ALLOWED_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id";
const EXPOSED_HEADERS = "X-Request-Id, Retry-After";

/**
 * CORS for the origins in CRM_ALLOWED_ORIGINS (the dashboard's) and only those: they get the CORS
 * headers, credentials included; any other origin gets none, so browsers refuse to share responses.
 * Preflights are answered here, before authentication (browsers send them without credentials).
 */
export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("origin");
  const allowed = origin !== undefined && c.var.config.allowedOrigins.includes(origin);
  if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
    const response = c.body(null, 204);
    response.headers.set("Vary", "Origin");
    if (allowed) {
      response.headers.set("Access-Control-Allow-Origin", origin);
      response.headers.set("Access-Control-Allow-Credentials", "true");
      response.headers.set("Access-Control-Allow-Methods", ALLOWED_METHODS);
      response.headers.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      response.headers.set("Access-Control-Max-Age", "600");
    }
    return response;
  }
  await next();
  c.res.headers.append("Vary", "Origin");
  if (allowed) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Allow-Credentials", "true");
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  }
};
