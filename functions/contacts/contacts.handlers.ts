import { summarizeTimeline } from "@crm/shared/ai";
import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../app/factory.ts";
import type { contactRoutes } from "./contacts.routes.ts";

export const contactTimeline: RouteHandler<typeof contactRoutes.timeline, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { contacts, timeline } = await c.var.services.repositories();
  await contacts.require(id);
  return c.json(await timeline.listForContact(id, c.req.valid("query")), 200);
};

/** The newest entries are what a summary is about; older ones only add noise (and tokens). */
const SUMMARY_ENTRIES = 50;

export const contactSummary: RouteHandler<typeof contactRoutes.summary, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  const contact = await repos.contacts.require(id);
  const company = contact.company ? await repos.companies.get(contact.company) : undefined;
  const timeline = await repos.timeline.listForContact(id, { limit: SUMMARY_ENTRIES });
  const result = await summarizeTimeline(
    {
      contact: {
        first_name: contact.first_name,
        last_name: contact.last_name,
        email: contact.email,
        status: contact.status,
        engagement_score: contact.engagement_score,
        engagement_level: contact.engagement_level,
        company_name: company?.name ?? null,
      },
      entries: timeline.data.map((entry) => ({
        type: entry.type,
        content: entry.content,
        timestamp: entry.timestamp,
      })),
      brand: await repos.settings.getBrand(),
    },
    { config: c.var.config.ai },
  );
  return c.json({ contact: id, summary: result.content, metadata: result.metadata }, 200);
};
