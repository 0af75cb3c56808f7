import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import { getSettings, updateSettings } from "./settings.handlers.ts";
import { settingsRoutes } from "./settings.routes.ts";

/** Settings: the brand every campaign speaks for. */
export const settingsGroup = createGroup()
  .openapi(settingsRoutes.get, getSettings)
  .openapi(settingsRoutes.update, updateSettings);

/** Deployable alone: `wrangler deploy functions/settings/index.ts`. */
export default toWorker(createWorker([settingsGroup], "Edge CRM API: settings"));
