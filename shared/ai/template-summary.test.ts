import { describe, expect, it } from "vitest";
import { TimelineSummarySchema } from "../schemas/assets.ts";
import { TEMPLATE_CONFIG } from "./config.ts";
import { summarizeTimeline } from "./generate.ts";
import { templateSummary } from "./template-summary.ts";
import { daysAgo, NOW, summaryInput } from "./test-fixtures.ts";

describe("template timeline summary", () => {
  it("summarises the real entries: counts by type, last interaction, engagement and status", () => {
    const summary = templateSummary(
      summaryInput([
        { type: "email_sent", content: "Offline sync launch", timestamp: daysAgo(10) },
        { type: "email_open", content: "", timestamp: daysAgo(9) },
        { type: "email_open", content: "", timestamp: daysAgo(8) },
        { type: "meeting", content: "Discussed pricing for 40 technicians", timestamp: daysAgo(6) },
        { type: "email_sent", content: "Recap", timestamp: daysAgo(5) },
      ]),
      NOW,
    );
    expect(TimelineSummarySchema.safeParse(summary).error).toBeUndefined();
    expect(summary.summary).toContain("Ada Lovelace (lead at Analytical Engines) is warming");
    expect(summary.summary).toContain("34/100");
    expect(summary.summary).toContain("5 timeline entries: 2 email opens, 2 emails sent, 1 meeting.");
    expect(summary.summary).toContain("Last interaction: email sent on 2026-01-05 (5 days ago)");
    expect(summary.highlights[0]).toBe("2026-01-04 · Meeting: Discussed pricing for 40 technicians");
    expect(summary.sentiment).toBe("positive");
  });

  it("after an email click with no reply: call within 2 days", () => {
    const summary = templateSummary(
      summaryInput([
        { type: "email_sent", content: "Launch", timestamp: daysAgo(3) },
        { type: "email_click", content: "Book a demo", timestamp: daysAgo(1) },
      ]),
      NOW,
    );
    expect(summary.next_best_action).toEqual({
      action: "Call Ada within 2 days while the interest is fresh",
      reason:
        'Ada clicked an email link yesterday ("Book a demo") but has not replied or talked to anyone since.',
      due_in_days: 2,
    });
  });

  it("after a recent meeting without a follow-up: send a recap", () => {
    const summary = templateSummary(
      summaryInput([{ type: "meeting", content: "Pilot scope", timestamp: daysAgo(1) }], {
        engagement_level: "engaged",
      }),
      NOW,
    );
    expect(summary.next_best_action.action).toBe(
      "Send Ada a recap of the meeting with the agreed next steps",
    );
    expect(summary.next_best_action.due_in_days).toBe(1);
  });

  it("cold and inactive: a re-engagement email", () => {
    const summary = templateSummary(
      summaryInput([{ type: "email_open", content: "", timestamp: daysAgo(95) }], {
        engagement_level: "cold",
        engagement_score: 2,
      }),
      NOW,
    );
    expect(summary.next_best_action.action).toMatch(/re-engagement email/);
    expect(summary.next_best_action.reason).toBe(
      "Engagement is cold and the last interaction was 95 days ago.",
    );
    expect(summary.sentiment).toBe("neutral");
  });

  it("respects an unsubscribe and reads it as negative", () => {
    const summary = templateSummary(
      summaryInput([
        { type: "email_click", content: "", timestamp: daysAgo(4) },
        { type: "unsubscribed", content: "", timestamp: daysAgo(2) },
      ]),
      NOW,
    );
    expect(summary.next_best_action.action).toMatch(/^Stop marketing email/);
    expect(summary.sentiment).toBe("negative");
  });

  it("a planned task comes before generic advice", () => {
    const due = new Date(NOW.getTime() + 3 * 86_400_000).toISOString();
    const summary = templateSummary(
      summaryInput([{ type: "task", content: "Send the proposal", timestamp: due }]),
      NOW,
    );
    expect(summary.next_best_action).toMatchObject({
      action: "Complete the planned task: Send the proposal",
      due_in_days: 3,
    });
    expect(summary.summary).toContain("No interactions are recorded yet.");
    expect(summary.sentiment).toBe("unknown");
  });

  it("hot customers are asked for a referral", () => {
    const summary = templateSummary(
      summaryInput([{ type: "note", content: "Very happy with the rollout", timestamp: daysAgo(12) }], {
        status: "customer",
        engagement_level: "hot",
        engagement_score: 72,
      }),
      NOW,
    );
    expect(summary.next_best_action.action).toBe("Ask Ada for a referral or a short case study");
    expect(summary.sentiment).toBe("positive");
  });

  it("is served by summarizeTimeline without a model, deterministically", async () => {
    const input = summaryInput([{ type: "call", content: "Intro call", timestamp: daysAgo(20) }]);
    const first = await summarizeTimeline(input, { config: TEMPLATE_CONFIG, now: NOW });
    const second = await summarizeTimeline(input, { config: TEMPLATE_CONFIG, now: NOW });
    expect(second).toEqual(first);
    expect(first.metadata).toMatchObject({ provider: "template", fallback_reason: null, prompt: null });
  });
});
