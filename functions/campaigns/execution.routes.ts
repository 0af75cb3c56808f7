import { errorResponses } from "@crm/shared/errors";
import {
  CampaignRunListSchema,
  DeliveryListQuerySchema,
  DeliveryPageSchema,
  ExecuteResultSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { COMMON_ERRORS, jsonContent } from "../app/crud.routes.ts";
import { CampaignParams } from "./assets.routes.ts";

export const executionRoutes = {
  execute: createRoute(
    secured("write", {
      method: "post",
      path: "/api/campaigns/{id}/execute",
      tags: ["Campaign execution"],
      summary: "Run a draft or scheduled campaign now",
      description:
        "Claims the campaign (it becomes running, exactly once even against a cron starting it at the same moment), " +
        "then the delivery queue evaluates its audience, writes one delivery per recipient and channel (suppressed " +
        "addresses skipped) and sends in batches of 100. 409 when it is not ready (no audience, a channel without its " +
        "asset, no sender address) or already started. Progress: GET /api/campaigns/{id}/runs.",
      request: { params: CampaignParams },
      responses: {
        202: jsonContent(ExecuteResultSchema, "Started; sending happens on the queue"),
        ...errorResponses("not_found", "conflict", "configuration_error", ...COMMON_ERRORS),
      },
    }),
  ),
  runs: createRoute(
    secured("read", {
      method: "get",
      path: "/api/campaigns/{id}/runs",
      tags: ["Campaign execution"],
      summary: "The campaign's runs, with per-channel results (recipients, queued, sent, failed, skipped)",
      request: { params: CampaignParams },
      responses: {
        200: jsonContent(CampaignRunListSchema, "The runs (a campaign runs at most once)"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
  deliveries: createRoute(
    secured("read", {
      method: "get",
      path: "/api/campaigns/{id}/deliveries",
      tags: ["Campaign execution"],
      summary: "The campaign's deliveries: who got what, and for failed or skipped ones, why",
      description:
        "One per recipient and channel. A send that exhausted its retries (dead-lettered) is `failed` with the last " +
        "error in `reason`; suppressed recipients are `skipped`.",
      request: { params: CampaignParams, query: DeliveryListQuerySchema },
      responses: {
        200: jsonContent(DeliveryPageSchema, "A page of deliveries"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
};
