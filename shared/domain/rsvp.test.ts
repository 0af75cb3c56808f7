import { describe, expect, it } from "vitest";
import {
  decideRsvp,
  type EventClock,
  RSVP_REQUESTS,
  RSVP_STATUSES,
  type RsvpRequest,
  type RsvpStatus,
  rsvpTimelineType,
  SEATED,
  seatsToPromote,
} from "./rsvp.ts";

const start = new Date("2026-06-10T17:00:00Z");
const end = new Date("2026-06-10T18:00:00Z");
const before: EventClock = { now: new Date("2026-06-01T12:00:00Z"), start, end };
const during: EventClock = { now: new Date("2026-06-10T17:30:00Z"), start, end };
const after: EventClock = { now: new Date("2026-06-11T09:00:00Z"), start, end };

const status = (current: RsvpStatus, requested: RsvpRequest, clock: EventClock, seatFree = true) => {
  const decision = decideRsvp(current, requested, clock, seatFree);
  return decision.ok ? decision.status : `refused: ${decision.reason}`;
};

describe("decideRsvp", () => {
  it("registers an invitee while a seat is free, and waitlists them when none is", () => {
    expect(status("invited", "registered", before)).toBe("registered");
    expect(status("invited", "registered", before, false)).toBe("waitlisted");
    expect(status("cancelled", "registered", before)).toBe("registered");
    expect(status("cancelled", "registered", before, false)).toBe("waitlisted");
  });

  it("moves a waitlisted person up only when a seat is free; asking again is not an error", () => {
    expect(status("waitlisted", "registered", before)).toBe("registered");
    expect(decideRsvp("waitlisted", "registered", before, false)).toEqual({
      ok: true,
      status: "waitlisted",
      changed: false,
    });
  });

  it("treats asking for the current status as a no-op", () => {
    for (const requested of RSVP_REQUESTS) {
      expect(decideRsvp(requested, requested, during, true)).toEqual({
        ok: true,
        status: requested,
        changed: false,
      });
    }
  });

  it("closes registration when the event is over, and keeps it open while it runs", () => {
    expect(status("invited", "registered", after)).toMatch(/registration is closed/);
    expect(status("invited", "registered", during)).toBe("registered");
  });

  it("records attendance and no-shows only once the event has started", () => {
    expect(status("registered", "attended", before)).toMatch(/once the event has started/);
    expect(status("registered", "no_show", before)).toMatch(/once the event has started/);
    expect(status("registered", "attended", during)).toBe("attended");
    expect(status("registered", "no_show", after)).toBe("no_show");
    // A late arrival corrects a no-show; the reverse needs no rule because attended is final.
    expect(status("no_show", "attended", after)).toBe("attended");
  });

  it("refuses attendance for anyone who did not register", () => {
    for (const current of ["invited", "waitlisted", "cancelled"] as const) {
      expect(status(current, "attended", during)).toMatch(/only a registered contact/);
      expect(status(current, "no_show", during)).toMatch(/only a registered contact/);
    }
  });

  it("lets people cancel before the start; after it, organisers mark attendance instead", () => {
    for (const current of ["invited", "waitlisted", "registered"] as const) {
      expect(status(current, "cancelled", before)).toBe("cancelled");
    }
    expect(status("registered", "cancelled", during)).toMatch(/mark the contact attended or no_show/);
    expect(status("invited", "cancelled", during)).toBe("cancelled");
  });

  it("never moves anyone out of attended or no_show except the no-show correction", () => {
    for (const requested of ["registered", "no_show", "cancelled"] as const) {
      expect(status("attended", requested, after)).toMatch(/already marked attended|only a registered/);
    }
    expect(status("no_show", "registered", after)).toMatch(/already marked no-show/);
    expect(status("no_show", "cancelled", after)).toMatch(/already marked no-show/);
  });

  it("answers every (status, request, time, seat) combination with a status or a reason", () => {
    for (const current of RSVP_STATUSES) {
      for (const requested of RSVP_REQUESTS) {
        for (const clock of [before, during, after]) {
          for (const seatFree of [true, false]) {
            const decision = decideRsvp(current, requested, clock, seatFree);
            if (decision.ok) {
              expect(RSVP_STATUSES).toContain(decision.status);
              // Nobody takes a seat that is not free (moving between seated statuses keeps the same one).
              if (decision.changed && SEATED.has(decision.status) && !SEATED.has(current)) {
                expect(seatFree).toBe(true);
              }
              // Nobody joins after the end.
              if (clock === after && decision.changed && SEATED.has(decision.status)) {
                expect(SEATED.has(current)).toBe(true);
              }
            } else {
              expect(decision.reason.length).toBeGreaterThan(10);
            }
          }
        }
      }
    }
  });
});

describe("rsvpTimelineType and seatsToPromote", () => {
  it("names the timeline entry of each status (none for the waitlist)", () => {
    expect(rsvpTimelineType("invited")).toBe("event_invite");
    expect(rsvpTimelineType("registered")).toBe("event_registered");
    expect(rsvpTimelineType("attended")).toBe("event_attend");
    expect(rsvpTimelineType("cancelled")).toBe("event_cancelled");
    expect(rsvpTimelineType("no_show")).toBe("event_no_show");
    expect(rsvpTimelineType("waitlisted")).toBeUndefined();
  });

  it("promotes as many as there are free seats, everyone when there is no limit, nobody after the end", () => {
    expect(seatsToPromote(10, 8)).toBe(2);
    expect(seatsToPromote(10, 12)).toBe(0);
    expect(seatsToPromote(null, 500)).toBe(Number.POSITIVE_INFINITY);
    expect(seatsToPromote(10, 8, true)).toBe(0);
  });
});
