import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { createKey, getKey, listKeys, revokeKey } from "./api-keys.handlers.ts";
import { apiKeyRoutes } from "./api-keys.routes.ts";

/** API keys for integrations: created with their secret shown once, stored as a hash, revocable. */
export const apiKeysGroup = createGroup()
  .openapi(apiKeyRoutes.list, listKeys)
  .openapi(apiKeyRoutes.create, createKey)
  .openapi(apiKeyRoutes.get, getKey)
  .openapi(apiKeyRoutes.revoke, revokeKey);

/** Deployable alone: `wrangler deploy functions/api-keys/index.ts`. */
export default toWorker(createWorker([apiKeysGroup], "Edge CRM API: API keys"));
