import { errorResponses } from "@crm/shared/errors";
import { createRoute, z } from "@hono/zod-openapi";
import { publicLink } from "../app/access.ts";

const TokenParams = z.object({
  // No length limit here: any bad token, however long, is simply not valid (404), never a 422.
  token: z
    .string()
    .meta({ param: { name: "token", in: "path" }, description: "A signed token from a sent email." }),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

export const trackingRoutes = {
  open: createRoute(
    publicLink({
      method: "get",
      path: "/t/o/{token}",
      tags: ["Tracking"],
      summary: "Open pixel: records an email_open (machine opens flagged and not scored), answers a 1×1 GIF",
      request: { params: TokenParams },
      responses: {
        200: { description: "A transparent GIF", content: { "image/gif": { schema: z.string() } } },
        ...errorResponses("not_found"),
      },
    }),
  ),
  click: createRoute(
    publicLink({
      method: "get",
      path: "/t/c/{token}",
      tags: ["Tracking"],
      summary: "Click redirect: records an email_click and redirects to the link the token was signed for",
      description:
        "Only ever redirects to a URL that was in the sent message (the token is signed); a forged or edited token is a 404.",
      request: { params: TokenParams },
      responses: {
        302: { description: "Redirect to the message's link" },
        ...errorResponses("not_found"),
      },
    }),
  ),
  unsubscribePage: createRoute(
    publicLink({
      method: "get",
      path: "/u/{token}",
      tags: ["Tracking"],
      summary: "Unsubscribe page: asks to confirm (a GET never unsubscribes: link scanners open links)",
      request: { params: TokenParams },
      responses: { 200: html("The confirmation page"), 404: html("The link is not valid") },
    }),
  ),
  unsubscribe: createRoute(
    publicLink({
      method: "post",
      path: "/u/{token}",
      tags: ["Tracking"],
      summary: "Unsubscribe at once (RFC 8058 one-click: List-Unsubscribe=One-Click, or the page's button)",
      description:
        "Puts the address on the suppression list every later run honours, records the consent change (time, IP, " +
        "user agent, source) and an `unsubscribed` timeline entry. Repeating it changes nothing.",
      request: { params: TokenParams },
      responses: {
        200: html("Unsubscribed"),
        404: html("The link is not valid"),
        ...errorResponses("database_unavailable"),
      },
    }),
  ),
};
