import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { segmentRoutes } from "./segments.routes.ts";

export const previewSegment: RouteHandler<typeof segmentRoutes.preview, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { segments } = await c.var.services.repositories();
  const tree = body.tree ?? (await segments.require(body.segment ?? "")).tree;
  return c.json(await segments.preview(tree), 200);
};
