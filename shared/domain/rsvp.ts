/**
 * An invitee's way through an event (pure rules). Invited people register (or land on the waitlist
 * when every seat is taken), may cancel, and after the event starts are marked attended or no-show.
 * A seat is held by `registered`, `attended` and `no_show`; when one frees before the event ends, the
 * longest-waiting person on the waitlist is promoted.
 */
export const RSVP_STATUSES = [
  "invited",
  "waitlisted",
  "registered",
  "attended",
  "no_show",
  "cancelled",
] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];

/** What a person (or the organiser) can ask for; `waitlisted` is never asked for, only given. */
export const RSVP_REQUESTS = ["registered", "attended", "no_show", "cancelled"] as const;
export type RsvpRequest = (typeof RSVP_REQUESTS)[number];

/**
 * Statuses that hold a seat. A no-show keeps theirs: the event has started, the seat is not given to
 * someone else, and correcting a late arrival to attended takes no second seat.
 */
export const SEATED: ReadonlySet<RsvpStatus> = new Set(["registered", "attended", "no_show"]);

export interface EventClock {
  now: Date;
  start: Date;
  end: Date;
}

export type RsvpDecision = { ok: true; status: RsvpStatus; changed: boolean } | { ok: false; reason: string };

const refuse = (reason: string): RsvpDecision => ({ ok: false, reason });

/**
 * The status a request leads to, given the current one, the event's times and whether a seat is
 * free. Asking for the status one already has changes nothing (a second click is not an error).
 */
export function decideRsvp(
  current: RsvpStatus,
  requested: RsvpRequest,
  clock: EventClock,
  seatFree: boolean,
): RsvpDecision {
  const started = clock.now >= clock.start;
  const ended = clock.now >= clock.end;
  if (requested === current) return { ok: true, status: current, changed: false };
  switch (requested) {
    case "registered": {
      if (ended && (current === "waitlisted" || current === "invited" || current === "cancelled")) {
        return refuse("the event is over; registration is closed");
      }
      if (current === "waitlisted") {
        // Still waiting: the request is remembered by the waitlist itself.
        return seatFree
          ? { ok: true, status: "registered", changed: true }
          : { ok: true, status: current, changed: false };
      }
      if (current === "attended" || current === "no_show") {
        return refuse(`the contact is already marked ${current === "attended" ? "attended" : "no-show"}`);
      }
      if (ended) return refuse("the event is over; registration is closed");
      return { ok: true, status: seatFree ? "registered" : "waitlisted", changed: true };
    }
    case "cancelled": {
      if (current === "attended" || current === "no_show") {
        return refuse(`the contact is already marked ${current === "attended" ? "attended" : "no-show"}`);
      }
      if (started && current === "registered") {
        return refuse("the event has started: mark the contact attended or no_show instead");
      }
      return { ok: true, status: "cancelled", changed: true };
    }
    case "attended": {
      if (!started) return refuse("attendance can be recorded only once the event has started");
      if (current === "registered" || current === "no_show")
        return { ok: true, status: "attended", changed: true };
      return refuse(`only a registered contact can be marked attended (this one is ${current})`);
    }
    case "no_show": {
      if (!started) return refuse("a no-show can be recorded only once the event has started");
      if (current === "registered") return { ok: true, status: "no_show", changed: true };
      return refuse(`only a registered contact can be marked no_show (this one is ${current})`);
    }
  }
}

/** The timeline entry type a change writes, if any. */
export function rsvpTimelineType(
  status: RsvpStatus,
): "event_invite" | "event_registered" | "event_attend" | "event_cancelled" | "event_no_show" | undefined {
  switch (status) {
    case "invited":
      return "event_invite";
    case "registered":
      return "event_registered";
    case "attended":
      return "event_attend";
    case "cancelled":
      return "event_cancelled";
    case "no_show":
      return "event_no_show";
    case "waitlisted":
      return undefined;
  }
}

/**
 * How many of the waitlist move up when `seatsTaken` of `capacity` seats are taken (everyone when
 * there is no limit); nobody once the event is over.
 */
export function seatsToPromote(capacity: number | null, seatsTaken: number, ended = false): number {
  if (ended) return 0;
  if (capacity === null) return Number.POSITIVE_INFINITY;
  return Math.max(0, capacity - seatsTaken);
}
