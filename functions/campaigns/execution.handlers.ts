import { executeNow } from "@crm/shared/delivery";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { executionRoutes } from "./execution.routes.ts";

export const executeCampaign: RouteHandler<typeof executionRoutes.execute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  const run = await executeNow(repos, c.var.services.queue(), id);
  return c.json({ campaign: id, status: "running" as const, run }, 202);
};

export const listRuns: RouteHandler<typeof executionRoutes.runs, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  await repos.campaigns.require(id);
  const run = await repos.deliveries.run(id);
  return c.json({ data: run ? [run] : [] }, 200);
};

export const listDeliveries: RouteHandler<typeof executionRoutes.deliveries, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  await repos.campaigns.require(id);
  return c.json(await repos.deliveries.listForCampaign(id, c.req.valid("query")), 200);
};
