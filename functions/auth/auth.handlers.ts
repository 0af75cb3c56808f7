import { hashPassword, needsRehash, secretsEqual, verifyPassword } from "@crm/shared/auth";
import type { LoginCandidate } from "@crm/shared/db";
import { AppError } from "@crm/shared/errors";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import { rateLimited } from "../app/rate-limit.ts";
import { issueSessionToken } from "../app/session-token.ts";
import type { authRoutes } from "./auth.routes.ts";

const INVALID_LOGIN = "invalid email or password";

export const login: RouteHandler<typeof authRoutes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  await rateLimited(
    c.env.LOGIN_IP_LIMITER,
    `ip:${ip}`,
    "too many sign-in attempts from this address; wait a minute",
  );
  await rateLimited(
    c.env.LOGIN_ACCOUNT_LIMITER,
    `account:${email}`,
    "too many sign-in attempts for this account; wait a minute",
  );

  const { auth } = c.var.config;
  const { users, sessions } = await c.var.services.repositories();
  let candidate: LoginCandidate | undefined = await users.findForLogin(email);
  let valid = false;
  if (candidate) {
    valid = await verifyPassword(password, candidate.passwordHash);
  } else if (
    auth.adminEmail === email &&
    auth.adminPassword &&
    (await secretsEqual(password, auth.adminPassword)) &&
    !(await users.anyAdmin())
  ) {
    // The env admin only bootstraps an empty system; once admins exist, they manage the users.
    candidate = await users.ensureBootstrapAdmin(email, await hashPassword(password));
    valid = true;
  } else {
    // Same cost as checking a real password, so response time does not reveal which emails exist.
    await hashPassword(password);
  }
  if (!candidate || !valid || candidate.user.disabled) throw new AppError("unauthorized", INVALID_LOGIN);

  const expiresAt = new Date(Date.now() + auth.sessionTtlMinutes * 60_000);
  const userAgent = c.req.header("user-agent");
  const session = await sessions.create(candidate.user.id, expiresAt, {
    ip,
    ...(userAgent ? { userAgent } : {}),
  });
  const token = await issueSessionToken(
    { userKey: candidate.user.id, sessionKey: session.id, role: candidate.user.role },
    auth.sessionSecret,
    expiresAt,
  );
  await users.recordLogin(
    candidate.user.id,
    needsRehash(candidate.passwordHash) ? await hashPassword(password) : undefined,
  );
  return c.json(
    { token, token_type: "Bearer" as const, expires_at: expiresAt.toISOString(), user: candidate.user },
    200,
  );
};

export const logout: RouteHandler<typeof authRoutes.logout, AppEnv> = async (c) => {
  const sessionKey = c.get("sessionKey");
  if (!sessionKey) {
    throw new AppError(
      "conflict",
      "only session tokens can log out; revoke an API key with DELETE /api/api-keys/{id}, rotate the admin token",
    );
  }
  const { sessions } = await c.var.services.repositories();
  await sessions.revoke(sessionKey);
  return c.body(null, 204);
};

export const me: RouteHandler<typeof authRoutes.me, AppEnv> = async (c) => {
  const principal = c.get("principal");
  if (!principal) throw new AppError("unauthorized", "a valid bearer token is required");
  return c.json(principal, 200);
};
