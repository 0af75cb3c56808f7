import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { userRoutes } from "./users.routes.ts";

/** Users: admins invite, re-role, disable and remove the people who use the dashboard. */
export const usersGroup = withCrud(createGroup(), userRoutes, (r) => r.users, "user");

/** Deployable alone: `wrangler deploy functions/users/index.ts`. */
export default toWorker(createWorker([usersGroup], "Edge CRM API: users"));
