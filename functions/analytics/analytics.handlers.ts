import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { analyticsRoutes } from "./analytics.routes.ts";

type Handler<R extends keyof typeof analyticsRoutes> = RouteHandler<(typeof analyticsRoutes)[R], AppEnv>;

export const contactAnalytics: Handler<"contacts"> = async (c) => {
  const { range, top } = c.req.valid("query");
  const { analytics } = await c.var.services.repositories();
  return c.json(await analytics.contacts(range, top), 200);
};

export const campaignAnalytics: Handler<"campaign"> = async (c) => {
  const { analytics } = await c.var.services.repositories();
  return c.json(await analytics.campaign(c.req.valid("param").id, c.req.valid("query")), 200);
};

export const funnelAnalytics: Handler<"funnel"> = async (c) => {
  const { campaign, range } = c.req.valid("query");
  const { analytics } = await c.var.services.repositories();
  return c.json(await analytics.funnel(campaign, range), 200);
};

export const engagementRanking: Handler<"engagement"> = async (c) => {
  const { analytics } = await c.var.services.repositories();
  return c.json(await analytics.engagement(c.req.valid("query")), 200);
};

export const trackEvent: Handler<"track"> = async (c) => {
  const { analytics } = await c.var.services.repositories();
  return c.json(await analytics.track(c.req.valid("json")), 201);
};
