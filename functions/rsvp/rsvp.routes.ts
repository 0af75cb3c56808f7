import { errorResponses } from "@crm/shared/errors";
import { createRoute, z } from "@hono/zod-openapi";
import { publicLink } from "../app/access.ts";

const EventRef = z.object({
  id: z
    .string()
    .max(100)
    .meta({
      param: { name: "id", in: "path" },
      description: "The event's id; `{id}.ics` is its calendar file.",
      example: "k3x9q2m7w1z8c4v6b5n0",
    }),
});

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

export const rsvpRoutes = {
  page: createRoute(
    publicLink({
      method: "get",
      path: "/e/{id}",
      tags: ["RSVP pages"],
      summary: "An invitee's RSVP page (`?t=` personal link), or the event's calendar file (`/e/{id}.ics`)",
      description:
        "The page shows the event in the visitor's language (Accept-Language) and time zone (where the edge knows " +
        "it), the seats left, the invitee's status and register / cancel buttons (plain forms, no JavaScript). The " +
        "token names one contact and one event; a forged token or one for another event is a 404 page. Without a " +
        "token the page shows the event only. `/e/{id}.ics` is an RFC 5545 file (UID, DTSTART/DTEND in UTC).",
      request: {
        params: EventRef,
        query: z.object({
          t: z.string().max(4096).optional().meta({ description: "The personal link's token." }),
        }),
      },
      responses: {
        200: {
          description: "The RSVP page, or the .ics file",
          content: { "text/html": { schema: z.string() }, "text/calendar": { schema: z.string() } },
        },
        404: html("Unknown event, or a link that is not valid"),
        ...errorResponses("database_unavailable"),
      },
    }),
  ),
  answer: createRoute(
    publicLink({
      method: "post",
      path: "/e/{id}",
      tags: ["RSVP pages"],
      summary: "The page's buttons: register (or join the waitlist) or cancel; then back to the page (303)",
      request: {
        params: EventRef,
        body: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: z.object({
                t: z.string().max(4096),
                action: z.enum(["register", "cancel"]),
              }),
            },
          },
        },
      },
      responses: {
        303: { description: "Done: see the page" },
        404: html("Unknown event, or a link that is not valid"),
        409: html("The page again, saying why that is not possible now"),
        ...errorResponses("validation_failed", "database_unavailable"),
      },
    }),
  ),
};
