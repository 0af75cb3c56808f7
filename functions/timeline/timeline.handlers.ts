import { AppError } from "@crm/shared/errors";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { timelineRoutes } from "./timeline.routes.ts";

export const createEntry: RouteHandler<typeof timelineRoutes.create, AppEnv> = async (c) => {
  const { timeline } = await c.var.services.repositories();
  return c.json(await timeline.add(c.req.valid("json")), 201);
};

export const getEntry: RouteHandler<typeof timelineRoutes.get, AppEnv> = async (c) => {
  const { timeline } = await c.var.services.repositories();
  return c.json(await timeline.require(c.req.valid("param").id), 200);
};

export const removeEntry: RouteHandler<typeof timelineRoutes.remove, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { timeline } = await c.var.services.repositories();
  if (!(await timeline.removeManual(id))) throw AppError.notFound("timeline entry", id);
  return c.body(null, 204);
};
