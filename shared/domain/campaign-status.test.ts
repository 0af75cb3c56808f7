import { describe, expect, it } from "vitest";
import {
  CAMPAIGN_STATUSES,
  type CampaignStatus,
  decideCampaignTransition,
  executionGaps,
  isLocked,
  type ScheduleReadiness,
  schedulingGaps,
} from "./campaign-status.ts";

const now = new Date("2026-06-01T12:00:00Z");
const ready: ScheduleReadiness = {
  scheduledAt: new Date("2026-06-02T09:00:00Z"),
  hasSegment: true,
  channels: ["email", "social"],
  assetTypes: ["email", "social_post"],
  now,
};

const USER_MOVES: Array<[CampaignStatus, CampaignStatus]> = [
  ["draft", "scheduled"],
  ["draft", "cancelled"],
  ["scheduled", "draft"],
  ["scheduled", "cancelled"],
  ["running", "paused"],
  ["running", "cancelled"],
  ["paused", "running"],
  ["paused", "cancelled"],
];
const SYSTEM_MOVES: Array<[CampaignStatus, CampaignStatus]> = [
  ["scheduled", "running"],
  ["running", "completed"],
  ["running", "failed"],
];

describe("decideCampaignTransition", () => {
  it.each(USER_MOVES)("a user may move %s → %s", (from, to) => {
    expect(decideCampaignTransition(from, to, "user", ready)).toEqual({ ok: true });
  });

  it.each(SYSTEM_MOVES)("only execution moves %s → %s", (from, to) => {
    expect(decideCampaignTransition(from, to, "system", ready)).toEqual({ ok: true });
    const byUser = decideCampaignTransition(from, to, "user", ready);
    expect(byUser.ok).toBe(false);
    expect(!byUser.ok && byUser.reason).toContain("when it is executed");
  });

  it("refuses every other move, with the reason", () => {
    const allowed = new Set([...USER_MOVES, ...SYSTEM_MOVES].map(([a, b]) => `${a}>${b}`));
    for (const from of CAMPAIGN_STATUSES) {
      for (const to of CAMPAIGN_STATUSES) {
        if (allowed.has(`${from}>${to}`)) continue;
        const decision = decideCampaignTransition(from, to, "system", ready);
        expect(decision.ok, `${from} → ${to}`).toBe(false);
        expect(!decision.ok && decision.reason, `${from} → ${to}`).toMatch(
          from === to ? /already/ : /cannot become/,
        );
      }
    }
  });

  it("finished campaigns go nowhere", () => {
    for (const from of ["completed", "cancelled", "failed"] as const) {
      for (const to of CAMPAIGN_STATUSES)
        expect(decideCampaignTransition(from, to, "system", ready).ok).toBe(false);
    }
  });
});

describe("scheduling readiness", () => {
  it("needs a future time, an audience and an asset for every channel", () => {
    expect(schedulingGaps(ready)).toEqual([]);
    expect(schedulingGaps({ ...ready, scheduledAt: null })).toEqual(["set scheduled_at"]);
    expect(schedulingGaps({ ...ready, scheduledAt: new Date("2026-06-01T11:59:59Z") })).toEqual([
      "scheduled_at must be in the future",
    ]);
    expect(schedulingGaps({ ...ready, scheduledAt: now })).toEqual(["scheduled_at must be in the future"]);
    expect(schedulingGaps({ ...ready, hasSegment: false })).toEqual([
      "choose a segment (a saved one or an inline tree)",
    ]);
    expect(schedulingGaps({ ...ready, channels: ["email", "social", "landing_page", "event"] })).toEqual([
      "generate or write the landing_page, event_invite asset(s)",
    ]);
  });

  it("lists every gap at once, and refuses scheduling with them as the reason", () => {
    const empty = { scheduledAt: null, hasSegment: false, channels: ["email"], assetTypes: [], now } as const;
    expect(schedulingGaps(empty)).toHaveLength(3);
    const decision = decideCampaignTransition("draft", "scheduled", "user", empty);
    expect(decision).toEqual({
      ok: false,
      reason:
        "cannot schedule yet: set scheduled_at; choose a segment (a saved one or an inline tree); generate or write the email asset(s)",
    });
    expect(decideCampaignTransition("draft", "scheduled", "user").ok).toBe(false);
  });
});

describe("isLocked", () => {
  it("freezes content once a campaign has started", () => {
    expect(CAMPAIGN_STATUSES.filter(isLocked)).toEqual([
      "running",
      "paused",
      "completed",
      "cancelled",
      "failed",
    ]);
  });
});

describe("executionGaps", () => {
  const ready = {
    hasSegment: true,
    channels: ["email", "social"] as const,
    assetTypes: ["email", "social_post"] as const,
    senderEmail: "ada@northwind.example",
  };

  it("needs no schedule, but an audience, an asset per channel and, for email, a sender", () => {
    expect(executionGaps(ready)).toEqual([]);
    expect(executionGaps({ ...ready, hasSegment: false, assetTypes: ["email"], senderEmail: null })).toEqual([
      "choose a segment (a saved one or an inline tree)",
      "generate or write the social_post asset(s)",
      "set default_sender_email in /api/settings (emails need a sender)",
    ]);
    expect(executionGaps({ ...ready, channels: ["social"], senderEmail: null })).toEqual([]);
  });
});
