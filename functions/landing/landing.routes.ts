import { UTM_KEYS } from "@crm/shared/domain";
import { errorResponses } from "@crm/shared/errors";
import { createRoute, z } from "@hono/zod-openapi";
import { publicLink } from "../app/access.ts";

const PageRef = z.object({
  ref: z
    .string()
    // Generous: a mistyped address gets the friendly 404 page, not a validation error.
    .max(2000)
    .meta({
      param: { name: "ref", in: "path" },
      description: "The page's id or its slug.",
      example: "spring-launch",
    }),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

/** A form's answer: a page for the browser (form posts), the error envelope for scripts (JSON). */
function pageOrError(description: string, code: "not_found" | "validation_failed" | "rate_limited") {
  const [json] = Object.values(errorResponses(code));
  return { description, content: { "text/html": { schema: z.string() }, ...json?.content } };
}

const utmQuery = Object.fromEntries(
  UTM_KEYS.map((key) => [
    key,
    z.string().optional().meta({ description: "Kept with the view (its first 200 characters)." }),
  ]),
) as Record<(typeof UTM_KEYS)[number], z.ZodOptional<z.ZodString>>;

const SubmissionSchema = z.record(z.string(), z.unknown()).meta({
  id: "LandingFormSubmission",
  description:
    "The page's form fields by name (see its form block), plus `_consent` (the checkbox, when the page " +
    "asks for consent), `_website` (the honeypot: leave it empty), `_t` (the timing token the page " +
    "carries; form posts need it) and `cf-turnstile-response` when Turnstile is on.",
  example: { email: "ada@example.com", first_name: "Ada", _consent: "yes" },
});

const SubmissionResultSchema = z
  .object({
    status: z.literal("received"),
    message: z.string().meta({ description: "The page's thank-you message." }),
    redirect_url: z.string().nullable(),
  })
  .meta({ id: "LandingFormResult" });

export const landingRoutes = {
  page: createRoute(
    publicLink({
      method: "get",
      path: "/lp/{ref}",
      tags: ["Landing pages (public)"],
      summary: "A published landing page, rendered at the edge (cached; ETag; no JavaScript needed)",
      description:
        "Server-rendered HTML from the page's blocks: every text escaped, inline CSS, OpenGraph tags, a strict " +
        "Content-Security-Policy and a plain form. Served from the edge cache when it can be (`X-Cache: HIT`); an " +
        "edit, unpublish or delete purges it. `If-None-Match` with the ETag answers 304. Each view is counted, " +
        "with its UTM parameters and referrer, after the response is sent. Unknown or unpublished: a 404 page.",
      request: { params: PageRef, query: z.object(utmQuery) },
      responses: {
        200: html("The page"),
        301: { description: "Another spelling of the address (e.g. upper case): the canonical /lp/{slug}" },
        304: { description: "Not modified (If-None-Match)" },
        404: html("No published page with this id or slug"),
        ...errorResponses("validation_failed", "database_unavailable"),
      },
    }),
  ),
  submit: createRoute(
    publicLink({
      method: "post",
      path: "/lp/{ref}/submit",
      tags: ["Landing pages (public)"],
      summary: "Submit a page's form (form-encoded from the page, JSON from scripts)",
      description:
        "Validated against the page's form fields. Form posts: a refused submission re-renders the page (422) " +
        "with a message beside each field and the values kept; success goes (303) to the thank-you page or the " +
        'page\'s redirect. JSON: 422 with `details` naming each field; success is `{status: "received"}`. The ' +
        "contact is created (status lead, the page's source and tag) or, for a known email in any case, its " +
        "empty fields filled and differing values kept and reported on the timeline; `landing_page_visit` and " +
        "`form_submission` entries and the consent (time, IP, user agent, page, exact wording) are recorded. " +
        "Spam: a filled honeypot is accepted and dropped; a form sent within 3 s of rendering is asked again; " +
        "each IP has a budget (429); Turnstile is verified when configured.",
      request: {
        params: PageRef,
        body: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": { schema: SubmissionSchema },
            "multipart/form-data": { schema: SubmissionSchema },
            "application/json": { schema: SubmissionSchema },
          },
        },
      },
      responses: {
        200: {
          description: "Received (JSON)",
          content: { "application/json": { schema: SubmissionResultSchema } },
        },
        303: { description: "Received: see the thank-you page (or the page's redirect)" },
        404: pageOrError("No published page with this id or slug (a page, or `not_found`)", "not_found"),
        422: pageOrError(
          "The page again with a message beside each field and the values kept (form posts), or " +
            "`validation_failed` naming each field (JSON)",
          "validation_failed",
        ),
        429: pageOrError("Too many submissions from this address; try again in a minute", "rate_limited"),
        ...errorResponses("bad_json", "unsupported_media_type", "database_unavailable"),
      },
    }),
  ),
  thanks: createRoute(
    publicLink({
      method: "get",
      path: "/lp/{ref}/thanks",
      tags: ["Landing pages (public)"],
      summary: "The page's thank-you message (where a form post lands)",
      request: { params: PageRef },
      responses: {
        200: html("The thank-you page"),
        404: html("No published page with this id or slug"),
        ...errorResponses("database_unavailable"),
      },
    }),
  ),
  confirmPage: createRoute(
    publicLink({
      method: "get",
      path: "/lp/{ref}/confirm",
      tags: ["Landing pages (public)"],
      summary: "Double opt-in: the confirmation link's page (one button; opening it confirms nothing)",
      request: {
        params: PageRef,
        query: z.object({ t: z.string().max(4096).optional().meta({ description: "The link's token." }) }),
      },
      responses: {
        200: html("The confirmation page"),
        404: html("Not a valid confirmation link"),
        ...errorResponses("database_unavailable"),
      },
    }),
  ),
  confirm: createRoute(
    publicLink({
      method: "post",
      path: "/lp/{ref}/confirm",
      tags: ["Landing pages (public)"],
      summary: "Double opt-in: confirm (logs `opt_in_confirmed` once)",
      request: {
        params: PageRef,
        body: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": { schema: z.object({ t: z.string().max(4096) }) },
          },
        },
      },
      responses: {
        200: html("Confirmed"),
        404: html("Not a valid confirmation link"),
        ...errorResponses("validation_failed", "database_unavailable"),
      },
    }),
  ),
};
