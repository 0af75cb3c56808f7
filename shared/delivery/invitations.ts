import { renderEmailHtml, renderEmailText } from "../ai/render.ts";
import type { Invitee, Repositories } from "../db/repositories/index.ts";
import type { OutgoingEmail } from "../schemas/delivery.ts";
import type { Event } from "../schemas/event.ts";
import type { BrandSettings } from "../schemas/settings.ts";
import { senderOf, unsubscribeHeaders, unsubscribeMailboxOf } from "./email-message.ts";
import type { SendVerdict } from "./execution.ts";
import { enqueueInChunks, type Queue } from "./queue.ts";
import { TokenSigner } from "./tokens.ts";
import type { EmailTransport } from "./transport.ts";

/**
 * Event invitations by email (`POST /api/events/{id}/invite` with `send: true`): the delivery queue
 * carries `invite` messages of at most 100 contacts; each invitation is claimed (lease) before it is
 * sent and its outcome kept on the RSVP, so a redelivered message sends nothing twice. The email
 * carries the invitee's personal RSVP link and the event's calendar file link (Resend's batch API
 * takes no attachments, so the .ics is a link for every transport).
 */
export const INVITE_BATCH = 100;

interface InvitationContext {
  publicBaseUrl: string;
  brand: BrandSettings;
  from: string;
  unsubscribeMailbox: string;
  signer: TokenSigner;
}

/** When, in UTC, readable in any mail client (the RSVP page shows the reader's own time zone). */
function whenText(event: Event): string {
  const format = new Intl.DateTimeFormat("en", {
    dateStyle: "full",
    timeStyle: "short",
    timeZone: "UTC",
  });
  return `${format.format(new Date(event.start_time))} – ${format.format(new Date(event.end_time))} (UTC)`;
}

/** A contact's personal RSVP page for an event: a signed token for this contact and event only. */
export async function rsvpLink(signer: TokenSigner, publicBaseUrl: string, event: string, contact: string) {
  return `${publicBaseUrl}/e/${event}?t=${await signer.sign({ kind: "rsvp", event, contact })}`;
}

/** Hands invitations to the queue in messages of at most INVITE_BATCH contacts. */
export async function enqueueInvitations(
  queue: Queue,
  event: string,
  contacts: readonly string[],
): Promise<void> {
  await enqueueInChunks(queue, contacts, INVITE_BATCH, (chunk) => ({
    type: "invite",
    event,
    contacts: chunk,
  }));
}

/**
 * The cron's sweep: invitations asked for 10 minutes ago or more and still not emailed (their queue
 * message was lost) are queued again. Returns how many.
 */
export async function sweepInvitations(repos: Repositories, queue: Queue, now: Date): Promise<number> {
  const stalled = await repos.events.stalledInvitations(new Date(now.getTime() - 10 * 60_000), 1_000);
  for (const { event, contacts } of stalled) await enqueueInvitations(queue, event, contacts);
  return stalled.reduce((sum, group) => sum + group.contacts.length, 0);
}

/** One invitee's invitation. */
export async function buildInvitation(
  event: Event,
  invitee: Invitee,
  context: InvitationContext,
): Promise<OutgoingEmail> {
  const rsvpUrl = await rsvpLink(context.signer, context.publicBaseUrl, event.id, invitee.contact);
  const unsubscribe = await context.signer.sign({ kind: "unsubscribe", delivery: invitee.rsvp, rsvp: true });
  const unsubscribeUrl = `${context.publicBaseUrl}/u/${unsubscribe}`;
  const calendarUrl = `${context.publicBaseUrl}/e/${event.id}.ics`;
  const greeting = invitee.first_name ? `Hi ${invitee.first_name},` : "Hi,";
  const draft = {
    subject: `You're invited: ${event.name}`.slice(0, 120),
    preview_text: whenText(event).slice(0, 150),
    heading: event.name.slice(0, 150),
    paragraphs: [
      `${greeting}\nyou are invited to ${event.name}.`,
      `When: ${whenText(event)}\nWhere: ${event.location || "to be announced"}`,
      ...(event.description ? [event.description.slice(0, 1200)] : []),
      `Add it to your calendar: ${calendarUrl}`,
    ],
    cta: { label: "Register or decline", url: rsvpUrl },
    signoff: `See you there,\n${context.brand.brand_name}`,
  };
  return {
    kind: "invitation",
    delivery: invitee.rsvp,
    campaign: event.campaign,
    contact: invitee.contact,
    from: context.from,
    to: invitee.email,
    subject: draft.subject,
    html: renderEmailHtml(draft, context.brand, { unsubscribeUrl }),
    text: renderEmailText(draft, context.brand, { unsubscribeUrl }),
    headers: unsubscribeHeaders(unsubscribeUrl, context.unsubscribeMailbox, unsubscribe),
    links: [rsvpUrl, calendarUrl],
  };
}

/**
 * An `invite` message: claims the invitations not emailed yet, skips suppressed addresses, sends
 * the rest and records each outcome. Transient failures release their invitations and ask for a
 * retry (after the provider's Retry-After when it gave one).
 */
export async function sendInvitations(
  repos: Repositories,
  transport: EmailTransport,
  settings: { publicBaseUrl: string; trackingSecret: string; unsubscribeMailbox: string | undefined },
  message: { event: string; contacts: string[] },
): Promise<SendVerdict> {
  const event = await repos.events.get(message.event);
  if (!event) return { retry: false };
  const claimed = await repos.events.claimInvitations(message.event, message.contacts);
  if (claimed.length === 0) return { retry: false };
  const brand = await repos.settings.getBrand();
  const from = senderOf(brand);
  if (!from) {
    await repos.events.recordInvitations(
      claimed.map((invitee) => ({
        rsvp: invitee.rsvp,
        status: "failed",
        reason: "no sender: set default_sender_email in /api/settings",
      })),
    );
    return { retry: false };
  }
  const suppressed = await repos.suppressions.suppressedAmong(claimed.map((invitee) => invitee.email));
  const sendable = claimed.filter((invitee) => !suppressed.has(invitee.email));
  const context = {
    publicBaseUrl: settings.publicBaseUrl,
    brand,
    from,
    unsubscribeMailbox: unsubscribeMailboxOf(settings.unsubscribeMailbox, brand),
    signer: new TokenSigner(settings.trackingSecret),
  };
  const messages = await Promise.all(sendable.map((invitee) => buildInvitation(event, invitee, context)));
  const results = messages.length > 0 ? await transport.send(messages) : [];
  const outcomes: Array<{ rsvp: string; status: "sent" | "skipped" | "failed" | "retry"; reason?: string }> =
    claimed
      .filter((invitee) => suppressed.has(invitee.email))
      .map((invitee) => ({
        rsvp: invitee.rsvp,
        status: "skipped",
        reason: "suppressed: the address unsubscribed, bounced or complained",
      }));
  let retry: SendVerdict = { retry: false };
  sendable.forEach((invitee, index) => {
    const result = results[index] ?? { ok: false, transient: true, error: "the transport gave no answer" };
    if (result.ok) {
      outcomes.push({ rsvp: invitee.rsvp, status: "sent" });
    } else if (result.transient) {
      outcomes.push({ rsvp: invitee.rsvp, status: "retry", reason: result.error });
      retry = {
        retry: true,
        reason: result.error,
        ...(result.retryAfter ? { delaySeconds: result.retryAfter } : {}),
      };
    } else {
      outcomes.push({ rsvp: invitee.rsvp, status: "failed", reason: result.error });
    }
  });
  await repos.events.recordInvitations(outcomes);
  return retry;
}
