import { errorResponses } from "@crm/shared/errors";
import {
  AssetEditSchema,
  AssetGenerateSchema,
  AssetListSchema,
  AssetPreviewQuerySchema,
  AssetPreviewSchema,
  AssetRegenerateSchema,
  CampaignAssetSchema,
} from "@crm/shared/schemas";
import { createRoute, z } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, jsonBody, jsonContent } from "../app/crud.routes.ts";

/** `{id}`: the campaign a route acts on (shared by the campaign group's routes). */
export const CampaignParams = z.object({
  id: z.string().meta({ param: { name: "id", in: "path" }, description: "The campaign's id." }),
});
const AssetParams = CampaignParams.extend({
  assetId: z.string().meta({ param: { name: "assetId", in: "path" }, description: "The asset's id." }),
});

const GENERATION =
  "Drafted by the configured model (OpenAI or any compatible server) or, offline and on any model failure, by the built-in template provider; the asset's metadata says which and why.";

export const assetRoutes = {
  list: createRoute(
    secured("read", {
      method: "get",
      path: "/api/campaigns/{id}/assets",
      tags: ["Campaign assets"],
      summary: "The campaign's assets (at most one per type)",
      request: { params: CampaignParams },
      responses: {
        200: jsonContent(AssetListSchema, "The assets"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
  generate: createRoute(
    secured("write", {
      method: "post",
      path: "/api/campaigns/{id}/assets",
      tags: ["Campaign assets"],
      summary: "Draft assets (default: one per channel); replaces existing drafts of those types",
      description: GENERATION,
      request: {
        params: CampaignParams,
        body: { required: false, content: { "application/json": { schema: AssetGenerateSchema } } },
      },
      responses: {
        201: jsonContent(AssetListSchema, "The drafted assets"),
        ...errorResponses("not_found", "conflict", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  get: createRoute(
    secured("read", {
      method: "get",
      path: "/api/campaigns/{id}/assets/{assetId}",
      tags: ["Campaign assets"],
      summary: "Get an asset",
      request: { params: AssetParams },
      responses: {
        200: jsonContent(CampaignAssetSchema, "The asset"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
  edit: createRoute(
    secured("write", {
      method: "patch",
      path: "/api/campaigns/{id}/assets/{assetId}",
      tags: ["Campaign assets"],
      summary: "Save a person's edit (validated by the asset type's schema; derived fields recomputed)",
      request: { params: AssetParams, body: jsonBody(AssetEditSchema) },
      responses: {
        200: jsonContent(CampaignAssetSchema, "The edited asset"),
        ...errorResponses("not_found", "conflict", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  regenerate: createRoute(
    secured("write", {
      method: "post",
      path: "/api/campaigns/{id}/assets/{assetId}/regenerate",
      tags: ["Campaign assets"],
      summary: "Draft this asset again (a person's edits are replaced)",
      description: GENERATION,
      request: {
        params: AssetParams,
        body: { required: false, content: { "application/json": { schema: AssetRegenerateSchema } } },
      },
      responses: {
        200: jsonContent(CampaignAssetSchema, "The new draft"),
        ...errorResponses("not_found", "conflict", ...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
  preview: createRoute(
    secured("read", {
      method: "get",
      path: "/api/campaigns/{id}/assets/{assetId}/preview",
      tags: ["Campaign assets"],
      summary: "The asset as one contact would see it (merge tags filled in, values escaped)",
      request: { params: AssetParams, query: AssetPreviewQuerySchema },
      responses: {
        200: jsonContent(AssetPreviewSchema, "The rendered asset"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
};
