import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { companyRoutes } from "./companies.routes.ts";

export const companyContacts: RouteHandler<typeof companyRoutes.contacts, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { companies, contacts } = await c.var.services.repositories();
  await companies.require(id);
  return c.json(await contacts.list({ ...c.req.valid("query"), company: id }), 200);
};
