import { createGroup, createWorker } from "../app/factory.ts";
import { toWorker } from "../app/scheduled.ts";
import {
  campaignAnalytics,
  contactAnalytics,
  engagementRanking,
  funnelAnalytics,
  trackEvent,
} from "./analytics.handlers.ts";
import { analyticsRoutes } from "./analytics.routes.ts";

/** Analytics (AnalyticsService): figures read from counters kept exact by the database, and event tracking. */
export const analyticsGroup = createGroup()
  .openapi(analyticsRoutes.contacts, contactAnalytics)
  .openapi(analyticsRoutes.campaign, campaignAnalytics)
  .openapi(analyticsRoutes.funnel, funnelAnalytics)
  .openapi(analyticsRoutes.engagement, engagementRanking)
  .openapi(analyticsRoutes.track, trackEvent);

/** Deployable alone: `wrangler deploy functions/analytics/index.ts`. */
export default toWorker(createWorker([analyticsGroup], "Edge CRM API: analytics"));
