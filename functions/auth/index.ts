import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { login, logout, me } from "./auth.handlers.ts";
import { authRoutes } from "./auth.routes.ts";

/** Auth: sign in (the one public /api route), sign out, and who am I. */
export const authGroup = createGroup()
  .openapi(authRoutes.login, login)
  .openapi(authRoutes.logout, logout)
  .openapi(authRoutes.me, me);

/** Deployable alone: `wrangler deploy functions/auth/index.ts`. */
export default toWorker(createWorker([authGroup], "Edge CRM API: auth"));
