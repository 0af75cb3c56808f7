import { looksLikeApiKey, secretsEqual } from "@crm/shared/auth";
import { allows, effectiveScopes, ROLE_SCOPES, type Scope } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import type { Principal } from "@crm/shared/schemas";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./factory.ts";
import { isPublicRoute } from "./public-routes.ts";
import { rateLimited } from "./rate-limit.ts";
import { readSessionToken } from "./session-token.ts";

const BEARER = /^Bearer\s+(\S{1,4096})$/i;
const UNAUTHORIZED = "a valid bearer token is required (missing, invalid, expired or revoked)";

/**
 * Every `/api` request needs a credential unless its route was declared public (`publicRoute`):
 * the admin token, an API key, or a session token from `POST /api/auth/login`. The same answer is
 * given for every way a credential can be wrong, and before routing, so a 401 never reveals
 * whether a route or a resource exists. Authenticated callers then spend their API budget.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (isPublicRoute(c.req.method, c.req.path)) return next();
  const token = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
  const principal = token ? await resolvePrincipal(c, token) : undefined;
  if (!principal) throw new AppError("unauthorized", UNAUTHORIZED);
  c.set("principal", principal);
  await rateLimited(
    c.env.API_RATE_LIMITER,
    `${principal.kind}:${principal.id}`,
    "too many requests for this credential",
  );
  await next();
};

/** Route middleware: the authenticated credential must include `scope` (403 otherwise). */
export function requireAccess(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) throw new AppError("unauthorized", UNAUTHORIZED);
    if (!allows(principal.scopes, scope)) {
      throw new AppError("forbidden", `this credential does not have the ${scope} scope`);
    }
    await next();
  };
}

async function resolvePrincipal(c: Context<AppEnv>, token: string): Promise<Principal | undefined> {
  const { auth } = c.var.config;
  if (auth.adminToken && (await secretsEqual(token, auth.adminToken))) {
    return {
      kind: "admin_token",
      id: "admin-token",
      name: "Admin token (CRM_ADMIN_TOKEN)",
      email: null,
      role: "admin",
      scopes: effectiveScopes(["admin"]),
      expires_at: null,
    };
  }
  if (looksLikeApiKey(token)) {
    const { apiKeys } = await c.var.services.repositories();
    const found = await apiKeys.authenticate(token);
    if (!found) return undefined;
    if (found.actingUser) c.set("actingUser", found.actingUser);
    return {
      kind: "api_key",
      id: found.key.id,
      name: found.key.name,
      email: null,
      role: null,
      scopes: found.scopes,
      expires_at: found.key.expires_at,
    };
  }
  const claims = await readSessionToken(token, auth.sessionSecret);
  if (!claims) return undefined;
  const { sessions } = await c.var.services.repositories();
  const user = await sessions.resolve(claims.sessionKey, claims.userKey);
  if (!user) return undefined;
  c.set("sessionKey", claims.sessionKey);
  c.set("actingUser", user.id);
  return {
    kind: "user",
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    scopes: [...ROLE_SCOPES[user.role]],
    expires_at: null,
  };
}
