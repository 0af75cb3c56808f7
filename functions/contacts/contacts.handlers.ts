import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { contactRoutes } from "./contacts.routes.ts";

export const contactTimeline: RouteHandler<typeof contactRoutes.timeline, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { contacts, timeline } = await c.var.services.repositories();
  await contacts.require(id);
  return c.json(await timeline.listForContact(id, c.req.valid("query")), 200);
};
