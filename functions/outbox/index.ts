import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { outboxRoutes } from "./outbox.routes.ts";

/** The outbox: what the local email transport "sent", for people and tests to read. */
export const outboxGroup = createGroup().openapi(outboxRoutes.list, async (c) => {
  const repos = await c.var.services.repositories();
  return c.json(await repos.outbox.list(c.req.valid("query")), 200);
});

/** Deployable alone: `wrangler deploy functions/outbox/index.ts`. */
export default toWorker(createWorker([outboxGroup], "Edge CRM API: outbox"));
