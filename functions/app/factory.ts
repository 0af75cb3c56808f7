import { swaggerUI } from "@hono/swagger-ui";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, ExecutionContext } from "hono";
import { requestId } from "hono/request-id";
import { healthGroup } from "../health/index.ts";
import { type AppConfig, loadConfig, type WorkerBindings } from "./env.ts";
import { envelope, errorResponse } from "./error-handler.ts";
import { OPENAPI_DOCUMENT } from "./openapi.ts";
import { refuseReservedKeys } from "./reserved-keys.ts";
import { RequestServices } from "./services.ts";
import { validationHook } from "./validation-hook.ts";

export interface AppEnv {
  Bindings: WorkerBindings;
  Variables: {
    requestId: string;
    config: AppConfig;
    services: RequestServices;
  };
}

export type GroupApp = OpenAPIHono<AppEnv>;

/** A resource group's app: routes only. Cross-cutting concerns come from `createWorker`. */
export function createGroup(): GroupApp {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/**
 * The app factory: request id, configuration, per-request services, the error envelope, health and
 * API docs, then the given groups. The gateway passes every group; a group deployed alone passes itself.
 */
export function createWorker<G extends GroupApp>(groups: readonly G[], title = "Edge CRM API") {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(async (c, next) => {
    const config = loadConfig(c.env);
    const services = new RequestServices(config);
    c.set("config", config);
    c.set("services", services);
    try {
      await next();
    } finally {
      await closeAfterResponse(c, services.close());
    }
  });
  app.use(refuseReservedKeys);
  app.onError(errorResponse);
  app.notFound((c) =>
    envelope(c, "not_found", `no route for ${c.req.method} ${c.req.path}`, c.get("requestId")),
  );

  app.route("/", healthGroup);
  for (const group of groups) app.route("/", group);

  app.doc31("/api-docs/openapi.json", { ...OPENAPI_DOCUMENT, info: { ...OPENAPI_DOCUMENT.info, title } });
  app.get("/swagger-ui", swaggerUI({ url: "/api-docs/openapi.json", title }));
  return app;
}

/** Let the Worker finish closing the socket after the response is sent; outside Workers, wait for it. */
async function closeAfterResponse(c: Context, closing: Promise<void>) {
  let ctx: ExecutionContext | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(closing);
  else await closing;
}
