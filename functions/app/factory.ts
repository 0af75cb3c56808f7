import { AppError } from "@crm/shared/errors";
import type { Principal } from "@crm/shared/schemas";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, ExecutionContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { healthGroup } from "../health/index.ts";
import { BEARER_SCHEME } from "./access.ts";
import { authenticate } from "./auth.ts";
import { cors } from "./cors.ts";
import { mountDocs } from "./docs.ts";
import { type AppConfig, loadConfig, type WorkerBindings } from "./env.ts";
import { envelope, errorResponse } from "./error-handler.ts";
import { OPENAPI_DOCUMENT } from "./openapi.ts";
import { refuseReservedKeys } from "./reserved-keys.ts";
import { securityHeaders } from "./security-headers.ts";
import { RequestServices } from "./services.ts";
import { validationHook } from "./validation-hook.ts";

export interface AppEnv {
  Bindings: WorkerBindings;
  Variables: {
    requestId: string;
    config: AppConfig;
    services: RequestServices;
    /** Who is calling: set by `authenticate` on every non-public /api route. */
    principal?: Principal;
    /** The session behind a session token (for logout). */
    sessionKey?: string;
    /** The user a request acts for: the signed-in user, or the user behind an API key. */
    actingUser?: string;
  };
}

/** Bodies larger than this are refused (413) before they are read. */
export const BODY_LIMIT_BYTES = 256 * 1024;

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
  app.use(securityHeaders);
  app.use(async (c, next) => {
    const config = loadConfig(c.env);
    const services = new RequestServices(config, c.env);
    c.set("config", config);
    c.set("services", services);
    try {
      await next();
    } finally {
      await closeAfterResponse(c, services.close());
    }
  });
  app.use(cors);
  app.use(
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: () => {
        throw new AppError(
          "payload_too_large",
          `the request body must be at most ${BODY_LIMIT_BYTES / 1024} KiB`,
        );
      },
    }),
  );
  app.use("/api/*", authenticate);
  app.use(refuseReservedKeys);
  app.onError(errorResponse);
  app.notFound((c) =>
    envelope(c, "not_found", `no route for ${c.req.method} ${c.req.path}`, c.get("requestId")),
  );

  app.route("/", healthGroup);
  for (const group of groups) app.route("/", group);

  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "An API key (`crm_…`), a session token from `POST /api/auth/login`, or the admin token.",
  });
  app.doc31("/api-docs/openapi.json", { ...OPENAPI_DOCUMENT, info: { ...OPENAPI_DOCUMENT.info, title } });
  mountDocs(app, title);
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
