import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dailySeries,
  daysBetween,
  engagementTrend,
  FUNNEL_STAGES,
  funnel,
  inWindow,
  rangeWindow,
  rate,
  utcDay,
} from "./analytics.ts";

const now = new Date("2026-11-30T15:45:00Z");
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

describe("rangeWindow", () => {
  it("counts whole UTC days, today included", () => {
    expect(rangeWindow("7d", now)).toEqual({ from: day("2026-11-24"), to: day("2026-11-30") });
    expect(rangeWindow("30d", now).from).toEqual(day("2026-11-01"));
    expect(rangeWindow("90d", now).from).toEqual(day("2026-09-02"));
    expect(daysBetween(rangeWindow("90d", now).from, now)).toBe(90);
  });

  it("`all` starts at the earliest day counted, or today when nothing was", () => {
    expect(rangeWindow("all", now, new Date("2025-02-03T22:00:00Z"))).toEqual({
      from: day("2025-02-03"),
      to: day("2026-11-30"),
    });
    expect(rangeWindow("all", now)).toEqual({ from: day("2026-11-30"), to: day("2026-11-30") });
    // A counter dated after today (an entry logged for tomorrow) does not start the window later.
    expect(rangeWindow("all", now, new Date("2026-12-05T00:00:00Z")).from).toEqual(day("2026-11-30"));
  });

  it("a day is in a window when it falls on or between its ends", () => {
    const window = { from: day("2026-11-24"), to: day("2026-11-30") };
    expect(inWindow(day("2026-11-24"), window)).toBe(true);
    expect(inWindow(day("2026-11-30"), window)).toBe(true);
    expect(inWindow(day("2026-11-23"), window)).toBe(false);
    expect(inWindow(day("2026-12-01"), window)).toBe(false);
    expect(utcDay(new Date("2026-11-30T23:59:59.999Z"))).toEqual(day("2026-11-30"));
  });
});

describe("dailySeries", () => {
  it("gives every day of the window, in order, with zeros where nothing happened", () => {
    const series = dailySeries(
      { from: day("2026-11-28"), to: day("2026-11-30") },
      ["sent", "opened"] as const,
      new Map([["2026-11-29", { sent: 4 }]]),
    );
    expect(series).toEqual([
      { date: "2026-11-28", sent: 0, opened: 0 },
      { date: "2026-11-29", sent: 4, opened: 0 },
      { date: "2026-11-30", sent: 0, opened: 0 },
    ]);
  });
});

describe("rate", () => {
  it("is a fraction rounded to 4 decimals, and 0 (never NaN or Infinity) without a denominator", () => {
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(2, 3)).toBe(0.6667);
    expect(rate(5, 5)).toBe(1);
    expect(rate(0, 0)).toBe(0);
    expect(rate(3, 0)).toBe(0);
    expect(rate(Number.NaN, 4)).toBe(0);
  });
});

describe("funnel", () => {
  it("gives each stage its count, share of the first and conversion from the previous", () => {
    expect(funnel({ views: 200, leads: 50, engaged: 10, customers: 4 })).toEqual([
      { stage: "visits", count: 200, share_of_first: 1, conversion_from_previous: 1 },
      { stage: "leads", count: 50, share_of_first: 0.25, conversion_from_previous: 0.25 },
      { stage: "engaged", count: 10, share_of_first: 0.05, conversion_from_previous: 0.2 },
      { stage: "customers", count: 4, share_of_first: 0.02, conversion_from_previous: 0.4 },
    ]);
  });

  it("counts a lead as a visit when its page view is not in the window", () => {
    expect(funnel({ views: 1, leads: 3, engaged: 1, customers: 0 })[0]?.count).toBe(3);
  });

  it("is all zeros for no data", () => {
    expect(
      funnel({ views: 0, leads: 0, engaged: 0, customers: 0 }).map((s) => Object.values(s).slice(1)),
    ).toEqual(FUNNEL_STAGES.map(() => [0, 0, 0]));
  });

  it("never increases along the stages and its rates stay within 0..1 (property)", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000), (views, a, b, c) => {
        // Counts as the database has them: customers ⊆ engaged ⊆ leads.
        const [customers, engaged, leads] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
        const stages = funnel({ views, leads, engaged, customers });
        for (let i = 1; i < stages.length; i++) {
          expect(stages[i]?.count).toBeLessThanOrEqual(stages[i - 1]?.count ?? 0);
          expect(stages[i]?.conversion_from_previous).toBeGreaterThanOrEqual(0);
          expect(stages[i]?.conversion_from_previous).toBeLessThanOrEqual(1);
          expect(stages[i]?.share_of_first).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe("engagementTrend", () => {
  it("is improving above +10 points, declining below -10, stable within (the bounds are stable)", () => {
    expect(engagementTrend(40, 29.99)).toBe("improving");
    expect(engagementTrend(40, 30)).toBe("stable");
    expect(engagementTrend(20, 30)).toBe("stable");
    expect(engagementTrend(19.99, 30)).toBe("declining");
    expect(engagementTrend(0, 0)).toBe("stable");
  });
});
