import { errorResponses } from "@crm/shared/errors";
import {
  CampaignAnalyticsQuerySchema,
  CampaignAnalyticsSchema,
  ContactAnalyticsQuerySchema,
  ContactAnalyticsSchema,
  EngagementQuerySchema,
  EngagementRankingSchema,
  FunnelAnalyticsSchema,
  FunnelQuerySchema,
  IdParamSchema,
  TimelineEntrySchema,
  TrackEventSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, jsonBody, jsonContent } from "../app/crud.routes.ts";

const COUNTED =
  "Read from counters kept in the same transaction as every write (no scan), so the figures are exact and stay fast as data grows.";

export const analyticsRoutes = {
  contacts: createRoute(
    secured("read", {
      method: "get",
      path: "/api/analytics/contacts",
      tags: ["Analytics"],
      summary:
        "Contact breakdown: totals, new in range, status, engagement level, tags, sources, top engaged",
      description: `${COUNTED} Days are UTC; \`range=all\` starts at the first contact's day.`,
      request: { query: ContactAnalyticsQuerySchema },
      responses: {
        200: jsonContent(ContactAnalyticsSchema, "The breakdown"),
        ...errorResponses("validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
  campaign: createRoute(
    secured("read", {
      method: "get",
      path: "/api/analytics/campaign/{id}",
      tags: ["Analytics"],
      summary:
        "Campaign metrics: deliveries, unique opens and clicks, bounces, unsubscribes, landing and RSVP attribution",
      description:
        `${COUNTED} Each figure counts what happened on the UTC days from \`from\` to \`to\` (at most 366): ` +
        "a recipient on the day the delivery was planned, a send on the day it was sent, a unique open on the day of " +
        "the recipient's first human open. Landing page views and submissions count when the page belongs to the " +
        "campaign; RSVPs when the event does.",
      request: { params: IdParamSchema, query: CampaignAnalyticsQuerySchema },
      responses: {
        200: jsonContent(CampaignAnalyticsSchema, "The campaign's metrics"),
        ...errorResponses("not_found", "validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
  funnel: createRoute(
    secured("read", {
      method: "get",
      path: "/api/analytics/funnel",
      tags: ["Analytics"],
      summary: "Funnel: landing page visits → leads (form submissions) → engaged (score 41+) → customers",
      description:
        `${COUNTED} Leads are contacts whose first form submission (for the campaign, when given) fell in the range; ` +
        "engaged are those leads scoring 41+ now or already customers; customers are those leads who are customers now. " +
        "Visits are landing page views in the range, and never fewer than the leads (a lead's page view may fall before the range).",
      request: { query: FunnelQuerySchema },
      responses: {
        200: jsonContent(FunnelAnalyticsSchema, "The funnel's stages"),
        ...errorResponses("validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
  engagement: createRoute(
    secured("read", {
      method: "get",
      path: "/api/analytics/engagement",
      tags: ["Analytics"],
      summary: "Engagement ranking with level and 30-day trend (improving / stable / declining, ±10 points)",
      request: { query: EngagementQuerySchema },
      responses: {
        200: jsonContent(EngagementRankingSchema, "Contacts by engagement score, highest first"),
        ...errorResponses("validation_failed", ...COMMON_ERRORS),
      },
    }),
  ),
  track: createRoute(
    secured("write", {
      method: "post",
      path: "/api/analytics/track",
      tags: ["Analytics"],
      summary:
        "Track a custom event for a contact (AnalyticsService TrackEvent): on the timeline and in the counts",
      request: { body: jsonBody(TrackEventSchema) },
      responses: {
        201: jsonContent(TimelineEntrySchema, "The custom_event timeline entry"),
        ...errorResponses(...BODY_ERRORS, ...COMMON_ERRORS),
      },
    }),
  ),
};
