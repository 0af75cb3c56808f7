import type { Repositories } from "@crm/shared/db";
import { enqueueInvitations, rsvpLink, senderOf, TokenSigner } from "@crm/shared/delivery";
import { allows } from "@crm/shared/domain";
import { AppError } from "@crm/shared/errors";
import type { EventPatch, InviteRequest, RsvpChange } from "@crm/shared/schemas";
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app/factory.ts";
import { notify } from "../app/notify.ts";
import type { eventRoutes } from "./events.routes.ts";

/** Who an invitation is for: the given ids, or everyone a saved segment or a tree matches now. */
async function candidatesOf(repos: Repositories, body: InviteRequest) {
  if (body.contact_ids) return { keys: body.contact_ids };
  const saved = body.segment ? await repos.segments.rows.get(body.segment) : undefined;
  if (body.segment && !saved) throw AppError.invalidField("segment", "no segment with this id exists");
  const tree = saved ? saved.tree : body.segment_tree;
  return { members: tree ? await repos.segments.members(tree) : [] };
}

export const inviteToEvent: RouteHandler<typeof eventRoutes.invite, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const repos = await c.var.services.repositories();
  await repos.events.require(id);
  // Refused before anything is written: emails without a sender could only fail later, one by one.
  if (body.send && !senderOf(await repos.settings.getBrand())) {
    throw new AppError(
      "conflict",
      "no sender to email invitations from: set default_sender_email in /api/settings",
      {
        field: "send",
      },
    );
  }
  const {
    newlyInvited: _,
    invitees,
    ...result
  } = await repos.events.invite(id, await candidatesOf(repos, body));
  if (!body.send) return c.json(result, 200);
  // The invitations are committed; emailing them is the queue's work (each at most once).
  const pending = await repos.events.requestInvitations(id, invitees);
  await enqueueInvitations(c.var.services.queue(), id, pending);
  return c.json({ ...result, emails_queued: pending.length }, 200);
};

/** Subscribers hear of every RSVP that moved: the one asked for and anyone it promoted. */
export async function announceRsvp(c: Context<AppEnv>, eventKey: string, change: RsvpChange) {
  if (change.changed) {
    await notify(c, "rsvp.changed", `rsvp.changed:${change.rsvp.id}:${change.rsvp.timestamp}`, {
      event: eventKey,
      rsvp: change.rsvp,
    });
  }
  await announcePromotions(c, eventKey, change.promoted, change.rsvp.timestamp);
}

async function announcePromotions(c: Context<AppEnv>, eventKey: string, contacts: string[], at: string) {
  for (const contact of contacts) {
    await notify(c, "rsvp.changed", `rsvp.changed:${eventKey}:${contact}:${at}:promoted`, {
      event: eventKey,
      rsvp: { event: eventKey, contact, status: "registered", promoted_from_waitlist: true },
    });
  }
}

/** PATCH an event: a raised capacity promotes the waitlist, and subscribers hear of each. */
export async function updateEvent(c: Context<AppEnv>, key: string, patch: EventPatch) {
  const repos = await c.var.services.repositories();
  const { event, promoted } = await repos.events.updateWithPromotions(key, patch);
  await announcePromotions(c, key, promoted, event.updated_at);
  return event;
}

export const changeRsvp: RouteHandler<typeof eventRoutes.rsvp, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { contact_id, status } = c.req.valid("json");
  const repos = await c.var.services.repositories();
  const change = await repos.events.changeRsvp(id, contact_id, status);
  await announceRsvp(c, id, change);
  return c.json(change, 200);
};

export const checkIn: RouteHandler<typeof eventRoutes.checkIn, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  const change = await repos.events.changeRsvp(id, c.req.valid("json").contact_id, "attended");
  await announceRsvp(c, id, change);
  return c.json(change, 200);
};

export const listAttendees: RouteHandler<typeof eventRoutes.attendees, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const repos = await c.var.services.repositories();
  const page = await repos.events.attendeePage(id, c.req.valid("query"));
  // A personal link lets its holder register or cancel, so read-only callers do not get them.
  const mayWrite = allows(c.get("principal")?.scopes ?? [], "write");
  const signer = new TokenSigner(c.var.config.delivery.trackingSecret);
  const base = c.var.config.delivery.publicBaseUrl;
  const data = await Promise.all(
    page.data.map(async (row) => ({
      ...row,
      rsvp_url: mayWrite ? await rsvpLink(signer, base, id, row.contact) : null,
    })),
  );
  return c.json({ ...page, data }, 200);
};
