import type { OpenAPIObjectConfigure } from "@hono/zod-openapi";

type DocumentConfig = Exclude<OpenAPIObjectConfigure<never, never>, (...args: never[]) => unknown>;

/** Document-level OpenAPI fields; paths and schemas come from the route contracts. */
export const OPENAPI_DOCUMENT = {
  openapi: "3.1.0",
  info: {
    title: "Edge CRM API",
    version: "0.1.0",
    description:
      "Contacts, companies and every interaction, served by Hono apps on Cloudflare Workers over SurrealDB. " +
      "Errors always use the envelope `{ error: { code, message, details?, requestId } }`. Lists take `limit` " +
      "(default 50, max 200) and an opaque `cursor`, and answer `{ data, nextCursor }`. Every /api route except " +
      "`POST /api/auth/login` needs `Authorization: Bearer <api key | session token | admin token>`.",
  },
  tags: [
    { name: "Health", description: "Liveness of the Worker and its database." },
    { name: "Contacts", description: "People and their lifecycle status." },
    { name: "Companies", description: "Organisations contacts belong to." },
    { name: "Timeline", description: "Every interaction with a contact; feeds the engagement score." },
    { name: "Auth", description: "Sign in and out; who am I." },
    { name: "Users", description: "People who use the dashboard (admins only)." },
    { name: "API keys", description: "Credentials for integrations (admins only)." },
    { name: "Settings", description: "The brand campaigns speak for." },
    { name: "Campaigns", description: "Plan a campaign: audience, channels, schedule, status." },
    { name: "Campaign assets", description: "AI-drafted content per channel: generate, edit, preview." },
    { name: "Segments", description: "Audiences: filter trees over contacts, previewed and saved." },
  ],
} satisfies DocumentConfig;
