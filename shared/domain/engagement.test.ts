import { describe, expect, it } from "vitest";
import {
  ENGAGEMENT_LEVELS,
  ENGAGEMENT_WEIGHTS,
  engagementLevel,
  engagementScore,
  engagementWeight,
  type ScoredEntry,
} from "./engagement.ts";

const NOW = new Date("2026-06-15T12:00:00.000Z");
const DAY_MS = 86_400_000;

function at(type: string, daysAgo: number): ScoredEntry {
  return { type, timestamp: new Date(NOW.getTime() - daysAgo * DAY_MS) };
}

function repeat(count: number, make: (i: number) => ScoredEntry): ScoredEntry[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

// Reference values used below: 0.5^(d/30) for d = 7 → 0.850667, 10 → 0.793701, 14 → 0.723635,
// 15 → 0.707107, 30 → 0.5, 60 → 0.25, 90 → 0.125, 95 → 0.111362, 100 → 0.099213.
// Consistency factor with b buckets: 1 + 0.5 × b / 13 → b=1: 1.038462, b=2: 1.076923, b=3: 1.115385.
// score = raw × factor / 200 × 100 = raw × factor / 2.

describe("engagementWeight", () => {
  it.each([
    ["meeting", 20],
    ["call", 15],
    ["event_attend", 15],
    ["form_submission", 10],
    ["event_registered", 8],
    ["email_click", 5],
    ["landing_page_visit", 4],
    ["email_open", 3],
    ["social_touch", 3],
    ["email_sent", 1],
    ["note", 0.5],
    ["status_change", 0],
    ["task", 0],
    ["event_invite", 0],
    ["email_bounced", 0],
    ["unsubscribed", 0],
    ["no_such_type", 0],
    ["", 0],
  ])("%s weighs %d", (type, weight) => {
    expect(engagementWeight(type)).toBe(weight);
  });

  // "anything else 0" (PRODUCT.md) must hold for names that happen to be Object.prototype members.
  it.each(["toString", "constructor", "__proto__"])(
    "weighs the unknown type %s as 0 (not an inherited object property)",
    (type) => {
      expect(engagementWeight(type)).toBe(0);
    },
  );

  it("ignores unknown types named like Object.prototype members in the score", () => {
    expect(engagementScore([at("email_open", 0), at("toString", 0)], NOW)).toBe(1.5);
  });

  it("has exactly the eleven weighted types of PRODUCT.md", () => {
    expect(Object.keys(ENGAGEMENT_WEIGHTS).sort()).toEqual(
      [
        "call",
        "email_click",
        "email_open",
        "email_sent",
        "event_attend",
        "event_registered",
        "form_submission",
        "landing_page_visit",
        "meeting",
        "note",
        "social_touch",
      ].sort(),
    );
  });
});

describe("engagementScore", () => {
  describe("PRODUCT.md worked examples", () => {
    it("one email_open now -> 1.5", () => {
      // raw 3, one interaction (no bonus): 3 / 2 = 1.5
      expect(engagementScore([at("email_open", 0)], NOW)).toBe(1.5);
    });

    it("one meeting now -> 10", () => {
      // raw 20: 20 / 2 = 10
      expect(engagementScore([at("meeting", 0)], NOW)).toBe(10);
    });

    it("{email_open today, email_click 15 days ago, meeting 30 days ago} -> 9.22", () => {
      // raw = 3 + 5 × 0.707107 + 20 × 0.5 = 16.535534
      // buckets: floor(0/7)=0, floor(15/7)=2, floor(30/7)=4 → 3; factor 1.115385
      // 16.535534 × 1.115385 / 2 = 9.221740 → 9.22
      const entries = [at("email_open", 0), at("email_click", 15), at("meeting", 30)];
      expect(engagementScore(entries, NOW)).toBe(9.22);
    });
  });

  it("is 0 for an empty timeline", () => {
    expect(engagementScore([], NOW)).toBe(0);
  });

  describe("half-life of 30 days", () => {
    it("counts a weight 30 days old as half", () => {
      // 20 × 0.5 / 2 = 5, half of a fresh meeting's 10
      expect(engagementScore([at("meeting", 30)], NOW)).toBe(5);
      expect(engagementScore([at("meeting", 30)], NOW)).toBe(engagementScore([at("meeting", 0)], NOW) / 2);
    });

    it("counts a weight 60 days old as a quarter", () => {
      // 20 × 0.25 / 2 = 2.5
      expect(engagementScore([at("meeting", 60)], NOW)).toBe(2.5);
    });

    it("decays continuously between half-lives", () => {
      // call 15 days ago: 15 × 0.707107 / 2 = 5.303301 → 5.3
      expect(engagementScore([at("call", 15)], NOW)).toBe(5.3);
      // email_click 10 days ago: 5 × 0.793701 / 2 = 1.984251 → 1.98
      expect(engagementScore([at("email_click", 10)], NOW)).toBe(1.98);
    });

    it("gives the same score for the same ages whatever `now` is", () => {
      const later = new Date(NOW.getTime() + 365 * DAY_MS);
      const shifted = [{ type: "meeting", timestamp: new Date(later.getTime() - 30 * DAY_MS) }];
      expect(engagementScore(shifted, later)).toBe(5);
    });
  });

  describe("future-dated entries", () => {
    it("are ignored", () => {
      expect(engagementScore([at("meeting", -1)], NOW)).toBe(0);
      expect(engagementScore([at("email_open", 0), at("meeting", -0.001)], NOW)).toBe(1.5);
    });

    it("do not count as interactions for the consistency bonus", () => {
      // Two opens now: raw 6, two interactions → no bonus → 3.
      // (If the future meeting counted as a third interaction the bonus would give 6 × 1.038462 / 2 = 3.12.)
      expect(engagementScore([at("email_open", 0), at("email_open", 0), at("call", -3)], NOW)).toBe(3);
    });
  });

  describe("unknown and zero-weight types", () => {
    it("add nothing", () => {
      const entries = [at("status_change", 0), at("task", 0), at("event_invite", 0), at("mystery", 0)];
      expect(engagementScore(entries, NOW)).toBe(0);
    });

    it("are not counted as interactions", () => {
      // Two opens plus five status changes: still two interactions → no bonus → 6 / 2 = 3.
      const entries = [at("email_open", 0), at("email_open", 0), ...repeat(5, () => at("status_change", 0))];
      expect(engagementScore(entries, NOW)).toBe(3);
    });
  });

  describe("consistency bonus", () => {
    it("does not apply with two interactions", () => {
      // 2 meetings now: 40 / 2 = 20
      expect(engagementScore([at("meeting", 0), at("meeting", 0)], NOW)).toBe(20);
    });

    it("applies from three interactions", () => {
      // 3 meetings now: raw 60, one bucket → 60 × 1.038462 / 2 = 31.153846 → 31.15
      expect(
        engagementScore(
          repeat(3, () => at("meeting", 0)),
          NOW,
        ),
      ).toBe(31.15);
      // 3 opens now: raw 9 → 9 × 1.038462 / 2 = 4.673077 → 4.67
      expect(
        engagementScore(
          repeat(3, () => at("email_open", 0)),
          NOW,
        ),
      ).toBe(4.67);
    });

    it("counts distinct 7-day buckets, not entries", () => {
      // Opens at 0, 1 and 6 days: one bucket (0).
      // raw = 3 × (1 + 0.977160 + 0.870551) = 8.543134 → × 1.038462 / 2 = 4.435857 → 4.44
      expect(engagementScore([at("email_open", 0), at("email_open", 1), at("email_open", 6)], NOW)).toBe(
        4.44,
      );
      // Opens at 0, 7 and 14 days: three buckets (0, 1, 2).
      // raw = 3 × (1 + 0.850667 + 0.723635) = 7.722906 → × 1.115385 / 2 = 4.307005 → 4.31
      expect(engagementScore([at("email_open", 0), at("email_open", 7), at("email_open", 14)], NOW)).toBe(
        4.31,
      );
    });

    it("gives the full 1.5 factor for activity in each of the 13 weeks", () => {
      // One open per week at 0, 7, ..., 84 days: raw = 3 × Σ 0.5^(7k/30) = 17.635538.
      // 13 buckets → factor 1.5 → 17.635538 × 1.5 / 2 = 13.226654 → 13.23 (without bonus: 8.82)
      expect(
        engagementScore(
          repeat(13, (k) => at("email_open", 7 * k)),
          NOW,
        ),
      ).toBe(13.23);
    });

    it("gives no bucket for entries 90 days old or older, though they still count", () => {
      // Meetings at 0, 95 and 100 days: three interactions, but only bucket 0 is within 90 days.
      // raw = 20 × (1 + 0.111362 + 0.099213) = 24.211498 → × 1.038462 / 2 = 12.571355 → 12.57
      // (with buckets 13 and 14 counted it would be × 1.115385 → 13.50)
      expect(engagementScore([at("meeting", 0), at("meeting", 95), at("meeting", 100)], NOW)).toBe(12.57);
      // Opens at 0, 0 and exactly 90 days: raw = 6 + 3 × 0.125 = 6.375; one bucket.
      // 6.375 × 1.038462 / 2 = 3.310096 → 3.31 (counting 90 days as bucket 12 would give 3.43)
      expect(engagementScore([at("email_open", 0), at("email_open", 0), at("email_open", 90)], NOW)).toBe(
        3.31,
      );
    });

    it("counts an entry just inside 90 days in the last bucket", () => {
      // Opens at 0, 0 and 89 days: buckets 0 and floor(89/7) = 12 → factor 1.076923.
      // raw = 6 + 3 × 0.5^(89/30) = 6 + 3 × 0.127930 = 6.383789 → × 1.076923 / 2 = 3.437425 → 3.44
      expect(engagementScore([at("email_open", 0), at("email_open", 0), at("email_open", 89)], NOW)).toBe(
        3.44,
      );
    });
  });

  it("clamps at 100", () => {
    // 30 meetings now: 600 × 1.038462 / 2 = 311.5 → 100
    expect(
      engagementScore(
        repeat(30, () => at("meeting", 0)),
        NOW,
      ),
    ).toBe(100);
  });

  it("reaches 100 with 200 weighted points", () => {
    // 10 meetings now: raw 200 → 200 × 1.038462 / 2 = 103.85 → clamped to 100.
    expect(
      engagementScore(
        repeat(10, () => at("meeting", 0)),
        NOW,
      ),
    ).toBe(100);
  });

  it("rounds to two decimals", () => {
    for (const entries of [
      [at("email_click", 10)],
      [at("call", 15)],
      [at("note", 3), at("email_sent", 5), at("social_touch", 11)],
      [at("email_open", 0), at("email_click", 15), at("meeting", 30)],
    ]) {
      const score = engagementScore(entries, NOW);
      expect(Math.round(score * 100) / 100).toBe(score);
      expect(score).toBeGreaterThan(0);
    }
  });

  it("does not depend on the order of entries", () => {
    const entries = [at("email_open", 0), at("email_click", 15), at("meeting", 30), at("note", 2)];
    expect(engagementScore([...entries].reverse(), NOW)).toBe(engagementScore(entries, NOW));
  });

  it("stays within 0..100", () => {
    for (let n = 0; n <= 40; n += 5) {
      const score = engagementScore(
        repeat(n, (i) => at("call", i * 3)),
        NOW,
      );
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(100);
    }
  });
});

describe("engagementLevel", () => {
  it("lists the five levels in order", () => {
    expect(ENGAGEMENT_LEVELS).toEqual(["cold", "warming", "engaged", "hot", "champion"]);
  });

  it.each([
    [0, "cold"],
    [1.5, "cold"],
    [20, "cold"],
    [20.01, "warming"],
    [21, "warming"],
    [40, "warming"],
    [40.01, "engaged"],
    [41, "engaged"],
    [50, "engaged"],
    [60, "engaged"],
    [60.5, "hot"],
    [61, "hot"],
    [80, "hot"],
    [80.5, "champion"],
    [81, "champion"],
    [100, "champion"],
  ])("%d -> %s", (score, level) => {
    expect(engagementLevel(score)).toBe(level);
  });

  it("puts the worked examples in the cold band", () => {
    expect(engagementLevel(engagementScore([at("meeting", 0)], NOW))).toBe("cold");
  });
});
