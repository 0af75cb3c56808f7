import { errorResponses } from "@crm/shared/errors";
import {
  ConsentLogSchema,
  IdParamSchema,
  LandingPageCreateSchema,
  LandingPageGenerateSchema,
  LandingPageListQuerySchema,
  LandingPagePageSchema,
  LandingPagePatchSchema,
  LandingPageSchema,
} from "@crm/shared/schemas";
import { createRoute } from "@hono/zod-openapi";
import { secured } from "../app/access.ts";
import { BODY_ERRORS, COMMON_ERRORS, crudRoutes, jsonBody, jsonContent } from "../app/crud.routes.ts";

const crud = crudRoutes({
  path: "/api/landing-pages",
  tag: "Landing pages",
  noun: "landing page",
  schemas: {
    entity: LandingPageSchema,
    page: LandingPagePageSchema,
    create: LandingPageCreateSchema,
    patch: LandingPagePatchSchema,
    listQuery: LandingPageListQuerySchema,
  },
  writeErrors: ["duplicate"],
});

const statusRoute = (action: "publish" | "unpublish", summary: string) =>
  createRoute(
    secured("write", {
      method: "post",
      path: `/api/landing-pages/{id}/${action}`,
      tags: ["Landing pages"],
      summary,
      request: { params: IdParamSchema },
      responses: {
        200: jsonContent(LandingPageSchema, "The page"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  );

export const landingPageRoutes = {
  ...crud,
  list: { ...crud.list, summary: "List landing pages (filters: status, campaign)" },
  create: { ...crud.create, summary: "Create a landing page from blocks written by hand (a draft)" },
  update: {
    ...crud.update,
    summary:
      "Change a landing page (title, slug, blocks, settings); a published page's cached copies are purged",
  },
  remove: { ...crud.remove, summary: "Delete a landing page (its cached copies are purged)" },
  generate: createRoute(
    secured("write", {
      method: "post",
      path: "/api/landing-pages/generate",
      tags: ["Landing pages"],
      summary: "Draft a landing page from a prompt (AI generator, or the built-in templates offline)",
      description:
        "The page's blocks (hero, features, social proof, FAQ, a form with chosen fields, footer) come from the " +
        "configured model, checked by the same schema as a person's edit; the template provider stands in when " +
        "no model is configured or it fails (`metadata` says which and why). With `campaign_id` the page is " +
        "written for that campaign (and belongs to it). The page starts as a draft.",
      request: { body: jsonBody(LandingPageGenerateSchema) },
      responses: {
        201: jsonContent(LandingPageSchema, "The drafted page"),
        ...errorResponses(...BODY_ERRORS, "duplicate", ...COMMON_ERRORS),
      },
    }),
  ),
  publish: statusRoute("publish", "Publish: the page is served at /lp/{id} and /lp/{slug}"),
  unpublish: statusRoute("unpublish", "Unpublish: the page answers 404 again (its cached copies are purged)"),
  consent: createRoute(
    secured("read", {
      method: "get",
      path: "/api/contacts/{id}/consent",
      tags: ["Contacts"],
      summary:
        "A contact's consent log: opt-ins (with the exact wording, time, IP, user agent, page) and opt-outs",
      request: { params: IdParamSchema },
      responses: {
        200: jsonContent(ConsentLogSchema, "Newest first (up to 200)"),
        ...errorResponses("not_found", ...COMMON_ERRORS),
      },
    }),
  ),
};
