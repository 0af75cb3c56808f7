import type { Repositories } from "@crm/shared/db";
import { TokenSigner } from "@crm/shared/delivery";
import { eventCalendar } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import type { Event } from "@crm/shared/schemas";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app/factory.ts";
import { announceRsvp } from "../events/events.handlers.ts";
import type { rsvpRoutes } from "./rsvp.routes.ts";
import { InvalidLinkPage, RsvpPage, type RsvpView } from "./rsvp-page.tsx";

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The visitor's language for dates: the first Accept-Language tag the runtime knows, else English. */
export function localeOf(acceptLanguage: string | undefined): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || tag === "*") continue;
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // Not a well-formed language tag: try the next one.
    }
  }
  return "en";
}

/** The visitor's time zone as Cloudflare's edge reports it (`request.cf.timezone`), else UTC. */
function timeZoneOf(c: Context<AppEnv>): string {
  const zone = (c.req.raw as { cf?: { timezone?: unknown } }).cf?.timezone;
  if (typeof zone !== "string") return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

function htmlHeaders(c: Context<AppEnv>) {
  c.header("Content-Security-Policy", PAGE_CSP);
  c.header("cache-control", "private, no-store");
}

function invalid(c: Context<AppEnv>) {
  htmlHeaders(c);
  return c.html(<InvalidLinkPage lang={localeOf(c.req.header("accept-language"))} />, 404);
}

/**
 * The contact a personal link names, if the token is genuine, made for this event, and the contact
 * still exists (a deleted contact's link is dead).
 */
async function tokenContact(
  c: Context<AppEnv>,
  repos: Repositories,
  eventKey: string,
  token: string | undefined,
) {
  if (!token) return undefined;
  const verified = await new TokenSigner(c.var.config.delivery.trackingSecret).verify(token, "rsvp");
  if (!verified || verified.event !== eventKey) return undefined;
  return (await repos.contacts.rows.exists(verified.contact)) ? verified.contact : undefined;
}

async function render(
  c: Context<AppEnv>,
  repos: Repositories,
  event: Event,
  contact: string | undefined,
  token: string | undefined,
  status: 200 | 409,
  notice?: RsvpView["notice"],
) {
  const rsvp = contact ? await repos.events.rsvpOf(event.id, contact) : undefined;
  const view: RsvpView = {
    event,
    rsvp,
    token: contact ? token : undefined,
    locale: localeOf(c.req.header("accept-language")),
    timeZone: timeZoneOf(c),
    now: new Date(),
    notice,
    waitlistPosition: rsvp?.status === "waitlisted" ? await repos.events.waitlistPosition(rsvp) : undefined,
  };
  htmlHeaders(c);
  return c.html(<RsvpPage view={view} />, status);
}

export const rsvpPage: RouteHandler<typeof rsvpRoutes.page, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  if (id.endsWith(".ics")) {
    const event = await repos.events.get(id.slice(0, -4));
    if (!event) throw AppError.notFound("event", id.slice(0, -4));
    const base = c.var.config.delivery.publicBaseUrl;
    const calendar = eventCalendar({
      uid: `${event.id}@${new URL(base).hostname}`,
      name: event.name,
      description: event.description,
      location: event.location,
      start: new Date(event.start_time),
      end: new Date(event.end_time),
      updated: new Date(event.updated_at),
      url: `${base}/e/${event.id}`,
    });
    return c.body(calendar, 200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="${event.id}.ics"`,
      "cache-control": "public, max-age=300",
    });
  }
  const event = await repos.events.get(id);
  if (!event) return invalid(c);
  const { t } = c.req.valid("query");
  const contact = await tokenContact(c, repos, id, t);
  if (t && !contact) return invalid(c);
  return render(c, repos, event, contact, t, 200);
};

export const rsvpAnswer: RouteHandler<typeof rsvpRoutes.answer, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { t, action } = c.req.valid("form");
  const repos = await c.var.services.repositories();
  const event = await repos.events.get(id);
  const contact = event ? await tokenContact(c, repos, id, t) : undefined;
  if (!event || !contact) return invalid(c);
  try {
    const change = await repos.events.changeRsvp(
      id,
      contact,
      action === "register" ? "registered" : "cancelled",
    );
    await announceRsvp(c, id, change);
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict") {
      const fresh = (await repos.events.get(id)) ?? event;
      return render(c, repos, fresh, contact, t, 409, { kind: "error", text: error.message });
    }
    // The contact was deleted between the check above and the change: the link is dead.
    if (error instanceof AppError && error.code === "validation_failed") return invalid(c);
    throw error;
  }
  // Post/redirect/get: reloading the page does not press the button again.
  c.header("cache-control", "no-store");
  return c.redirect(`/e/${id}?t=${encodeURIComponent(t)}`, 303);
};
