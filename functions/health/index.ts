import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import { validationHook } from "../app/validation-hook.ts";
import { health } from "./health.handlers.ts";
import { healthRoute } from "./health.routes.ts";

/** Mounted by every Worker the app factory builds, so each deployable answers /health. */
export const healthGroup = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  healthRoute,
  health,
);
