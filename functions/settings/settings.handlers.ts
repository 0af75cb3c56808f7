import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { settingsRoutes } from "./settings.routes.ts";

export const getSettings: RouteHandler<typeof settingsRoutes.get, AppEnv> = async (c) => {
  const { settings } = await c.var.services.repositories();
  return c.json(await settings.getBrand(), 200);
};

export const updateSettings: RouteHandler<typeof settingsRoutes.update, AppEnv> = async (c) => {
  const { settings } = await c.var.services.repositories();
  return c.json(await settings.updateBrand(c.req.valid("json")), 200);
};
