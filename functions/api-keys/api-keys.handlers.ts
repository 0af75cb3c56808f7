import { AppError } from "@crm/shared/errors";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { apiKeyRoutes } from "./api-keys.routes.ts";

export const listKeys: RouteHandler<typeof apiKeyRoutes.list, AppEnv> = async (c) => {
  const { apiKeys } = await c.var.services.repositories();
  return c.json(await apiKeys.list(c.req.valid("query")), 200);
};

export const createKey: RouteHandler<typeof apiKeyRoutes.create, AppEnv> = async (c) => {
  const { apiKeys } = await c.var.services.repositories();
  c.header("Cache-Control", "no-store");
  return c.json(await apiKeys.create(c.req.valid("json"), c.get("actingUser")), 201);
};

export const getKey: RouteHandler<typeof apiKeyRoutes.get, AppEnv> = async (c) => {
  const { apiKeys } = await c.var.services.repositories();
  return c.json(await apiKeys.require(c.req.valid("param").id), 200);
};

export const revokeKey: RouteHandler<typeof apiKeyRoutes.revoke, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { apiKeys } = await c.var.services.repositories();
  if (!(await apiKeys.revoke(id))) throw AppError.notFound("API key", id);
  return c.body(null, 204);
};
