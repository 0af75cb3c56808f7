import { decideRsvp } from "@crm/shared/domain";
import type { Event, Rsvp } from "@crm/shared/schemas";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/**
 * The invitee's RSVP page, server-rendered with Hono JSX (every value escaped by JSX). Plain forms:
 * it works without JavaScript. Times are shown in the visitor's language and, where the edge knows
 * it, their time zone.
 */
export interface RsvpView {
  event: Event;
  rsvp: Rsvp | undefined;
  /** The signed token of the personal link, when the visitor came with a valid one. */
  token: string | undefined;
  locale: string;
  timeZone: string;
  now: Date;
  /** What just happened or went wrong (after a button press). */
  notice?: { kind: "ok" | "error"; text: string } | undefined;
  waitlistPosition?: number | undefined;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#111827;background:#f3f4f6}
main{max-width:36rem;margin:6vh auto;padding:2rem;background:#fff;border-radius:8px}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 1rem}
.kind{text-transform:uppercase;letter-spacing:.06em;font-size:.8rem;color:#4b5563;margin:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
dt{font-weight:600;color:#374151}dd{margin:0}
.description{white-space:pre-line}
.status{padding:.75rem 1rem;border-radius:6px;background:#eff6ff;color:#1e3a8a;margin:1rem 0}
.notice-ok{background:#ecfdf5;color:#065f46}.notice-error{background:#fef2f2;color:#991b1b}
form{display:inline-block;margin:.5rem .5rem 0 0}
button{font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111827}
button:focus-visible,a:focus-visible{outline:3px solid #111827;outline-offset:2px}
a{color:#1d4ed8}
@media (max-width:30rem){main{margin:0;border-radius:0;padding:1.25rem}}
`;

export function Layout(props: { title: string; lang: string; children: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{props.title}</title>
          <style>{STYLE}</style>
        </head>
        <body>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}

function when(view: RsvpView): string {
  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(view.locale, { ...options, timeZone: view.timeZone });
  const start = new Date(view.event.start_time);
  const end = new Date(view.event.end_time);
  const day = format({ year: "numeric", month: "numeric", day: "numeric" });
  const time = { hour: "numeric", minute: "2-digit" } as const;
  const date = { weekday: "long", year: "numeric", month: "long", day: "numeric" } as const;
  const startText = format({ ...date, ...time }).format(start);
  const endText =
    day.format(start) === day.format(end)
      ? format({ ...time, timeZoneName: "short" }).format(end)
      : format({ ...date, ...time, timeZoneName: "short" }).format(end);
  return `${startText} – ${endText}`;
}

function capacityText(event: Event, status: Rsvp["status"] | undefined): string {
  if (event.capacity === null) return "Open to everyone invited";
  const left = Math.max(0, event.capacity - event.seats_taken);
  if (left > 0) return `${left} of ${event.capacity} seats left`;
  const holdsSeat = status === "registered" || status === "attended";
  return holdsSeat
    ? `Full (${event.capacity} seats)`
    : `Full (${event.capacity} seats): registering puts you on the waitlist`;
}

function statusText(view: RsvpView): string | undefined {
  switch (view.rsvp?.status) {
    case "registered":
      return "You are registered. See you there!";
    case "waitlisted":
      return `You are on the waitlist${view.waitlistPosition ? ` (number ${view.waitlistPosition})` : ""}. We will register you as soon as a seat frees up.`;
    case "attended":
      return "You attended. Thank you for coming!";
    case "no_show":
      return "We missed you at this event.";
    case "cancelled":
      return "You cancelled your registration.";
    case "invited":
      return "You are invited.";
    default:
      return undefined;
  }
}

function Actions(props: { view: RsvpView }) {
  const { view } = props;
  const { event, rsvp, token } = view;
  if (!token) return <p>To register, use the personal link from your invitation.</p>;
  const clock = { now: view.now, start: new Date(event.start_time), end: new Date(event.end_time) };
  if (view.now >= clock.end) return <p>This event is over.</p>;
  const status = rsvp?.status ?? "invited";
  const full = event.capacity !== null && event.seats_taken >= event.capacity;
  // The buttons offered are exactly the moves the rules allow now (a waitlisted person asking to
  // register again changes nothing, so that is not offered).
  const offers = (requested: "registered" | "cancelled") => {
    const decision = decideRsvp(status, requested, clock, !full);
    return decision.ok && decision.changed;
  };
  const canRegister = status !== "waitlisted" && offers("registered");
  const canCancel = offers("cancelled");
  return (
    <div>
      {canRegister && (
        <form method="post" action={`/e/${event.id}`}>
          <input type="hidden" name="t" value={token} />
          <input type="hidden" name="action" value="register" />
          <button type="submit">{full ? "Join the waitlist" : "Register"}</button>
        </form>
      )}
      {canCancel && (
        <form method="post" action={`/e/${event.id}`}>
          <input type="hidden" name="t" value={token} />
          <input type="hidden" name="action" value="cancel" />
          <button type="submit" class={canRegister ? "secondary" : undefined}>
            {status === "invited"
              ? "I can't come"
              : status === "waitlisted"
                ? "Leave the waitlist"
                : "Cancel my registration"}
          </button>
        </form>
      )}
    </div>
  );
}

function Location(props: { location: string }) {
  if (!props.location) return <dd>To be announced</dd>;
  if (/^https?:\/\//i.test(props.location)) {
    return (
      <dd>
        <a href={props.location} rel="noopener noreferrer nofollow">
          Join online
        </a>
      </dd>
    );
  }
  return <dd>{props.location}</dd>;
}

export function RsvpPage(props: { view: RsvpView }) {
  const { view } = props;
  const { event } = view;
  const status = statusText(view);
  return (
    <Layout title={event.name} lang={view.locale}>
      <p class="kind">{event.type === "ama" ? "AMA" : event.type}</p>
      <h1>{event.name}</h1>
      {view.notice && (
        <p
          class={`status notice-${view.notice.kind}`}
          role={view.notice.kind === "error" ? "alert" : "status"}
        >
          {view.notice.text}
        </p>
      )}
      {!view.notice && status && <p class="status">{status}</p>}
      <dl>
        <dt>When</dt>
        <dd>
          <time datetime={event.start_time}>{when(view)}</time>
        </dd>
        <dt>Where</dt>
        <Location location={event.location} />
        <dt>Seats</dt>
        <dd data-testid="capacity">{capacityText(event, view.rsvp?.status)}</dd>
      </dl>
      {event.description && <p class="description">{event.description}</p>}
      <Actions view={view} />
      <p>
        <a href={`/e/${event.id}.ics`}>Add to my calendar (.ics)</a>
      </p>
    </Layout>
  );
}

export function InvalidLinkPage(props: { lang: string }) {
  return (
    <Layout title="This link is not valid" lang={props.lang}>
      <h1>This link is not valid</h1>
      <p>
        It may have been copied incompletely, or it belongs to another event. Use the link from your
        invitation.
      </p>
    </Layout>
  );
}
