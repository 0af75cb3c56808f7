import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { healthRoute } from "./health.routes.ts";

/** A real round trip: open a session (auth included) and ask the server its version. */
export const health: RouteHandler<typeof healthRoute, AppEnv> = async (c) => {
  const started = Date.now();
  const db = await c.var.services.db();
  const version = await db.version();
  return c.json(
    { status: "ok" as const, database: { status: "ok" as const, version, latency_ms: Date.now() - started } },
    200,
  );
};
