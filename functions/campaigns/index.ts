import { withCrud } from "../app/crud.handlers.ts";
import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import {
  editAsset,
  generateAssets,
  getAsset,
  listAssets,
  previewAsset,
  regenerateAsset,
} from "./assets.handlers.ts";
import { assetRoutes } from "./assets.routes.ts";
import { campaignRoutes } from "./campaigns.routes.ts";
import { executeCampaign, listDeliveries, listRuns } from "./execution.handlers.ts";
import { executionRoutes } from "./execution.routes.ts";

/** Campaigns: plan, target and schedule (status machine in the repository and domain), and their assets. */
export const campaignsGroup = withCrud(createGroup(), campaignRoutes, (r) => r.campaigns, "campaign")
  .openapi(assetRoutes.list, listAssets)
  .openapi(assetRoutes.generate, generateAssets)
  .openapi(assetRoutes.get, getAsset)
  .openapi(assetRoutes.edit, editAsset)
  .openapi(assetRoutes.regenerate, regenerateAsset)
  .openapi(assetRoutes.preview, previewAsset)
  .openapi(executionRoutes.execute, executeCampaign)
  .openapi(executionRoutes.runs, listRuns)
  .openapi(executionRoutes.deliveries, listDeliveries);

/** Deployable alone: `wrangler deploy functions/campaigns/index.ts`. */
export default toWorker(createWorker([campaignsGroup], "Edge CRM API: campaigns"));
